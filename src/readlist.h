/*
 * readlist: a 文集 (readlist, rlN) into one book.  Its list is read
 * (load_series()), then each of its articles, as a chapter, in the list's
 * order; a chapter that cannot be had (deleted, -404, -403 without cookies)
 * does not stop the book: it becomes a short notice in its place, is named
 * on stderr, and makes the book incomplete.  An empty 文集, or one none of
 * whose articles can be read, is a failure: nothing is written.
 *
 * run.c calls it for one 文集, batch.c for each 文集 of a batch (and for
 * the places of a batch's articles in their 文集); it calls only downward
 * (load.c, archive.c, library.c for a Markdown directory's map, name.c).
 */
#ifndef OA_READLIST_H
#define OA_READLIST_H

#include <stddef.h>

#include "err.h"
#include "input.h"
#include "model.h"
#include "opts.h"
#include "session.h"

struct library;
struct namer;

/* A 文集 read: its list and its chapters, ready to be written. */
struct readlist {
	struct series *s;               /* owned */
	struct article **v;             /* owned: n chapters: s->n in the list's order,
	                                 * placeholders for the gaps, then (an update)
	                                 * those kept after they left the list */
	size_t n;
	size_t ngaps;                   /* chapters that could not be had */
	char *key;                      /* owned: "rlN" */
	char *identifier;               /* owned: the updated book's identifier, or NULL */
	size_t nnew;                    /* an update: chapters read that the book lacked */
	size_t ngone_now;               /* an update: chapters that left the list since */
};

/*
 * Read the 文集 rl (its digits) and all its chapters into *out (the caller
 * frees it with readlist_free()).  -1 with e set when the list cannot be
 * read, is empty, or none of its articles can be.
 */
int readlist_load(struct session *r, const char *rl, struct readlist **out, struct err *e);
void readlist_free(struct readlist *l);

struct oldbook;

/*
 * Update: read the 文集 rl's list again and make *out from it and the old
 * book of the same 文集 (borrowed; its pictures reach pictures.c through
 * session_set_book(r, old, false), which the caller does).  A chapter whose
 * response the old book holds is read from there, not asked again; the
 * others (new ones, and those the book has as a notice) are read as usual.
 * A chapter the book holds that is no longer listed stays, after the listed
 * ones in the old book's order, with a notice at its start saying since
 * when (its first date kept from the old book, else the run's).  The old
 * book's identifier is kept.  (*out)->nnew and ngone_now say whether there
 * is anything to write.  -1 with e set when the list cannot be read or a
 * response of the old book cannot be parsed.
 */
int readlist_update(struct session *r, const char *rl, const struct oldbook *old,
    struct readlist **out, struct err *e);

/*
 * Return a new article holding what the book's metadata says of l (id
 * "rlN", the 文集's name, its writer, the newest chapter's date), for names
 * ({title} {author} {date}) and manifests; the caller frees it.
 */
struct article *readlist_front(const struct readlist *l);

/*
 * Write l's book at output (an EPUB): ARCHIVE_OK, ARCHIVE_INCOMPLETE when
 * chapters or pictures are missing, or ARCHIVE_FAILED with e set.
 */
enum archive_result readlist_write(struct session *r, const struct readlist *l,
    const char *output, struct err *e);

/*
 * --series: the 文集 the article in (an opus or cv input) belongs to.  The
 * article is read (and its answer kept in the cache, so reading it again
 * later costs no request).  *rl is its rl number (the caller frees), or NULL
 * when it belongs to none.  -1 with e set when the article cannot be read.
 */
int readlist_of(struct session *r, const struct input *in, char **rl, struct err *e);

/*
 * A batch into a directory of books: read the 文集 rl and write its book
 * there, named by nm as an article's book would be, and recorded in the
 * directory's manifest.
 * docs: a directory of Markdown documents, whose map learns where the
 * chapters' documents are; else NULL.  Returns ARCHIVE_OK,
 * ARCHIVE_INCOMPLETE, or ARCHIVE_FAILED with e set.
 */
/*
 * The book of the 文集 rl (its digits) at output, made by an earlier run,
 * updated (see readlist_update()): written only when the list has chapters
 * it lacks or it lists fewer; else left as it is, not even rewritten, and
 * *changed (when not NULL) says which.  A file at output that is not such a
 * book is refused (a caller's --force makes a new book instead).  Returns
 * ARCHIVE_OK, ARCHIVE_INCOMPLETE (gaps), or ARCHIVE_FAILED with e set.
 */
/*
 * The chapter ch that could not be had (why: the error's words): a page with
 * its title and a notice saying why, where the article would have been,
 * linking to the original.  The caller frees it (article_free).
 */
struct article *readlist_gap(const struct series_chapter *ch, const char *why, const char *lang);

enum archive_result readlist_refresh(struct session *r, const char *rl, const char *output,
    bool *changed, struct err *e);

enum archive_result readlist_into_dir(struct session *r, const char *rl, struct namer *nm,
    struct library *docs, struct err *e);

/*
 * The 文集 a run has read for the places of its articles, each read once
 * (the first time one of its articles asks).  An empty cache needs no
 * set-up: struct readlist_places p = { 0 }.
 */
struct readlist_places {
	struct readlist_place {
		char *rl;               /* owned: the digits */
		struct series *s;       /* owned: its list; NULL when it could not be had */
	} *v;
	size_t n, cap;
};

/*
 * Set a's place in its 文集 (a->collection_index, which calibre sorts a
 * writer's backup into series by) from the 文集's list, read through the
 * cache p.  Nothing when a names no 文集, knows its place already, or the
 * list cannot be had (said with -v).
 */
void readlist_place(struct readlist_places *p, struct session *r, struct article *a);
void readlist_places_release(struct readlist_places *p);

#endif
