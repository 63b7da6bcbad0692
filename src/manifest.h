/*
 * manifest: what a directory of books (or a library site) already holds.
 *
 * DIR/.opus-archive.tsv has one line per archived article (or 文集, "rlN"): its id, the name
 * its book or page was given, and what the library index shows (date, title,
 * author, cover picture).  A re-run reads it to skip what is done without
 * asking the API anything, to keep each article's name, and to give a new
 * article a name no other article has.  Lines are appended as books are
 * written, so a run killed half-way keeps what it finished; a torn last line
 * is ignored, and a later line for the same id wins.
 *
 * Many runs may add to one directory at once (--shard workers, on one host
 * or many over NFS): each line is one write under an fcntl() lock on the
 * file, and a run holding the lock reads what the others added since it last
 * read, so that it names a new book knowing theirs.
 */
#ifndef OA_MANIFEST_H
#define OA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct manifest_entry {
	char *id;               /* owned, like every string here */
	char *name;             /* the book's file name without ".epub", or the page's without ".html" */
	long long date;         /* publication, unix seconds, 0 = unknown */
	char *title;
	char *author;
	char *cover;            /* site: the cover picture's href, or "" */
	char *alias;            /* the opus id it was asked by when that is not id (an opus
	                         * that falls back to a 专栏, id "cvN"), or "" or NULL */
};

struct manifest {
	char *path;             /* owned */
	int lock_fd;            /* the file, open and locked by manifest_lock(); else -1 */
	long long read_to;      /* the bytes of the file read so far (whole lines) */
	struct manifest_entry *v;
	size_t n, cap;
};

/* Read dir's manifest (none yet is an empty one). */
int manifest_load(struct manifest *m, const char *dir, struct err *e);
void manifest_release(struct manifest *m);
/* The entry for id (or whose alias is id), or NULL. */
const struct manifest_entry *manifest_find(const struct manifest *m, const char *id);
/* Return true when some entry other than id's holds name (compared without case). */
bool manifest_name_taken(const struct manifest *m, const char *name, const char *id);
/*
 * Lock the file against the other runs (waiting for them), and read the
 * lines they added since; manifest_unlock() lets them go on.  Names chosen
 * under the lock and recorded with manifest_put() before unlocking are
 * never chosen by another run.  Locking twice does nothing.
 */
int manifest_lock(struct manifest *m, struct err *e);
void manifest_unlock(struct manifest *m);
/* Record (or replace) an entry, in memory and on disk (locking around it when not locked). */
int manifest_put(struct manifest *m, const struct manifest_entry *en, struct err *e);

#endif
