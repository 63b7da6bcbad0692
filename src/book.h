/*
 * book: the list of files a packer writes, with what the package document
 * needs to know of each.  Plain data between render and the packers: the
 * renderer fills documents in, the pipeline adds pictures, the packers write.
 *
 * Ownership: the book owns its items and their strings; an item's bytes are
 * in data (owned when added with book_add_data, borrowed with book_add_ref)
 * or in the file at src (not owned, read at write time).
 */
#ifndef OA_BOOK_H
#define OA_BOOK_H

#include <stdbool.h>
#include <stddef.h>

struct book_item {
	char *path;             /* relative to the content root: "style.css", "images/x.png" */
	char *media_type;
	char *id;               /* manifest id, unique, an XML name */
	char *properties;       /* "nav", "cover-image", or NULL */
	bool spine;             /* a document read in order */
	const char *data;
	size_t len;
	char *owned;            /* data when the book frees it, else NULL */
	char *src;              /* a file to copy instead of data */
};

struct book {
	struct book_item *v;
	size_t n, cap;
};

/* An empty book needs no set-up: struct book b = { 0 }.  Release leaves it empty again. */
void book_release(struct book *b);
/* Add an item holding data (taken over: the book frees it). */
struct book_item *book_add_data(struct book *b, const char *path, const char *media_type,
    const char *id, char *data, size_t len);
/* Add an item holding len bytes at data, borrowed: they must outlive the book. */
struct book_item *book_add_ref(struct book *b, const char *path, const char *media_type,
    const char *id, const char *data, size_t len);
/* Add an item whose bytes are in the file src (copied as a string). */
struct book_item *book_add_file(struct book *b, const char *path, const char *media_type,
    const char *id, const char *src);
/* Return the item with this path, or NULL. */
struct book_item *book_find(const struct book *b, const char *path);

#endif
