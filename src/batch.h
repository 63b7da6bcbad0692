/*
 * batch: many articles in one run.  Gathers them (ids and URLs on the
 * command line, --batch FILE, --user MID), names their books (--name), skips
 * what a directory already holds, fetches in windows so API answers and
 * pictures come in concurrently, writes one book each, one combined book
 * (--combine) or a library site, and ends with a summary.  One failing
 * article never stops the others.
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
