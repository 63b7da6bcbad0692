/*
 * readlist: a 文集 (readlist, rlN) into one book.  Its list is read
 * (load_series()), then each of its articles, as a chapter, in the list's
 * order; a chapter that cannot be had (deleted, -404, -403 without cookies)
 * does not stop the book: it becomes a short notice in its place, is named
 * on stderr, and makes the book incomplete.  An empty 文集, or one none of
 * whose articles can be read, is a failure: nothing is written.
 *
 * run.c calls it for one 文集, batch.c for each 文集 of a batch; it calls
 * only downward (load.c, archive.c).
 */
#ifndef OA_READLIST_H
#define OA_READLIST_H

#include <stddef.h>

#include "err.h"
#include "input.h"
#include "model.h"
#include "opts.h"
#include "session.h"

/* A 文集 read: its list and its chapters, ready to be written. */
struct readlist {
	struct series *s;               /* owned */
	struct article **v;             /* owned: s->n chapters, placeholders for the gaps */
	size_t ngaps;                   /* chapters that could not be had */
	char *key;                      /* owned: "rlN" */
};

/*
 * Read the 文集 rl (its digits) and all its chapters into *out (the caller
 * frees it with readlist_free()).  -1 with e set when the list cannot be
 * read, is empty, or none of its articles can be.
 */
int readlist_load(struct session *r, const char *rl, struct readlist **out, struct err *e);
void readlist_free(struct readlist *l);

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

#endif
