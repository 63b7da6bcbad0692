/*
 * run: the top of a run, below main: one article (a saved response or one
 * id) written to one book or site, or many handed to batch.c.  Chosen once,
 * here.
 */
#ifndef OA_RUN_H
#define OA_RUN_H

#include "err.h"
#include "opts.h"

/* The most a saved response may weigh. */
#define RUN_MAX_RESPONSE (256u * 1024 * 1024)

/*
 * Run what o asks for.  With one article, a failure is returned in e; with
 * several, each failure is printed as it happens and the worst result is
 * returned.
 */
enum archive_result run_archive(const struct archive_opts *o, struct err *e);

#endif
