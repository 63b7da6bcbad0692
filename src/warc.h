/*
 * warc: the run's web exchanges as a WARC/1.1 file (ISO 28500), the format
 * web archives keep (wget --warc-file, warcio, pywb, ReplayWeb.page read it).
 * The only module that includes zlib.
 *
 * The file starts with one warcinfo record, then holds a request record and
 * a response record for each exchange the fetch layer reports (a request
 * record alone when no answer came).  Each record is its own gzip member, the
 * .warc.gz convention, so readers can seek to a record and files can be
 * concatenated.  The file is written under a temporary name and renamed into
 * place by warc_commit(): it appears whole or not at all, and an existing
 * file of that name is replaced, never appended to.
 */
#ifndef OA_WARC_H
#define OA_WARC_H

#include <stddef.h>

#include "err.h"
#include "fetch.h"

struct warc;

/*
 * Start a WARC that will be committed in the directory of near (a path;
 * only its directory is used) and write its warcinfo record, naming the
 * program and the nargs command-line arguments in args (the caller makes
 * sure they hold no secret).  Return the writer, or NULL with e set.
 */
struct warc *warc_open(const char *near, char *const *args, size_t nargs, struct err *e);

/*
 * Record one exchange (a fetch observer: pass it as observer with the
 * writer as its ctx).  A write error is kept and reported by warc_commit();
 * later records are then skipped.  An exchange in which nothing was sent
 * (connecting failed) leaves no record.
 */
void warc_exchange(void *w, const struct fetch_exchange *x);

/* Return how many exchanges have been recorded. */
size_t warc_count(const struct warc *w);

/*
 * Finish the file and rename it to path; free w.  Return 0, or -1 with e set
 * (a write error earlier included) and nothing left behind.
 */
int warc_commit(struct warc *w, const char *path, struct err *e);

/* Remove the unfinished file and free w (NULL is allowed). */
void warc_discard(struct warc *w);

#endif
