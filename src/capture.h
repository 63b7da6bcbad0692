/*
 * capture: which WARC file each HTTP exchange of a run goes into.
 *
 * --warc FILE: every exchange of the run, in one file.  --warc-dir DIR: one
 * file per article, DIR/KEY.warc.gz, where KEY is the article as the user
 * named it (the opus id, or "cvN"); it holds every exchange made for that
 * article, an opus id's fall-back to its 专栏 included.  An exchange belongs
 * to the article its fetch job is tagged with (struct fetch_job.tag), else to
 * the article in hand (capture_set_current), else to the session:
 * DIR/run.warc.gz (the visitor cookie, short links, listing pages).
 */
#ifndef OA_CAPTURE_H
#define OA_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "fetch.h"
#include "opts.h"

/* The name of --warc-dir's file for what belongs to no one article. */
#define CAPTURE_RUN "run"

struct capture_slot;

struct capture {
	const struct archive_opts *o;   /* borrowed */
	struct warc *warc;              /* --warc: the run's WARC, or NULL */
	struct capture_slot *slots;     /* --warc-dir: the WARCs being written (owned) */
	size_t nslots, cap;
	const char *current;            /* the article in hand (borrowed), or NULL */
};

/* Set c up for o; opens --warc's file (not with --offline).  -1 with e set when it cannot. */
int capture_init(struct capture *c, const struct archive_opts *o, struct err *e);
/* Return true when exchanges are recorded at all (--warc or --warc-dir). */
bool capture_wanted(const struct capture *c);
/* The fetch observer (ctx is the struct capture): record x where it belongs. */
void capture_exchange(void *ctx, const struct fetch_exchange *x);
/* Untagged exchanges from now on belong to article key (borrowed until reset; NULL: the session). */
void capture_set_current(struct capture *c, const char *key);
/*
 * --warc-dir: put article key's WARC in place (written whatever became of the
 * book, as the record of what the servers answered).  One that cannot be made
 * or written is reported and turns *res (may be NULL) from ARCHIVE_OK into
 * ARCHIVE_INCOMPLETE.
 */
void capture_done(struct capture *c, const char *key, enum archive_result *res);
/* Put every WARC still open in place, the same way (res may be NULL). */
void capture_all_done(struct capture *c, enum archive_result *res);
/* Put what is open in place (as capture_all_done) and free what c holds. */
void capture_release(struct capture *c);

#endif
