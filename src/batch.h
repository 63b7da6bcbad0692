/*
 * batch: many articles in one run.  Their list comes from worklist.c (ids
 * and URLs on the command line, --batch FILE, --user MID, the 文集 among
 * them); the batch skips what a directory already holds, fetches in windows
 * so API answers and pictures come in concurrently, writes one book each
 * (named by name.c), one combined book (--combine), a book for each 文集
 * (readlist.c) or a library site (library.c), and ends with a summary.  One
 * failing article never stops the others.
 */
#ifndef OA_BATCH_H
#define OA_BATCH_H

#include <stdbool.h>

#include "opts.h"
#include "err.h"

/* Return true when o asks for batch handling rather than one article to one file. */
bool batch_wanted(const struct archive_opts *o);

/*
 * Run the batch.  Failures of single articles are printed as they happen and
 * summed up at the end; e is set only when the whole run could not start
 * (or, with --combine, when the book could not be made).
 */
enum archive_result batch_run(const struct archive_opts *o, struct err *e);

#endif
