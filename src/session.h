/*
 * session: what one run shares between its articles: the options, the
 * cache, the network once it is needed (fetcher, API client, cookies), the
 * WARC capture, the progress line's label and, for a library site, the map
 * of the library's pages.
 *
 * The stages of an article (load.c, pictures.c, archive.c) and the drivers
 * (batch.c, run.c) read its fields; only this module sets them up and frees
 * them.
 */
#ifndef OA_SESSION_H
#define OA_SESSION_H

#include "api.h"
#include "cache.h"
#include "capture.h"
#include "rate.h"
#include "err.h"
#include "fetch.h"
#include "opts.h"

struct links;
struct oldbook;

struct session {
	const struct archive_opts *o;   /* borrowed for the session's life */
	struct cache cache;
	struct fetcher *f;              /* NULL until session_net_up() */
	struct api api;                 /* api.f is f once the network is up */
	struct capture capture;
	struct rate rate;               /* the API rate, shared with the other runs of this host */
	double started;                 /* monotonic seconds when the session began, for the ETA */
	char label[256];                /* what the progress line starts with ("" = one article) */
	const char *current;            /* the article whose pictures come in, for the progress line */
	const struct links *library;    /* a library site's pages (borrowed), or NULL */
	const struct oldbook *book;     /* an old book: its pictures first (see session_set_book) */
	bool book_only;                 /* --from-epub: and nothing from the cache or the network */
};

/* Return a new session for o (borrowed until session_free), or NULL with e set. */
struct session *session_new(const struct archive_opts *o, struct err *e);
/* Put the run's WARC files in place; one that cannot be written makes *res incomplete. */
void session_finish(struct session *r, enum archive_result *res);
/* Free r and what it holds (WARC files still open are put in place first). */
void session_free(struct session *r);

/* Set up the network (once; later calls do nothing).  -1 with e set when it cannot be. */
int session_net_up(struct session *r, struct err *e);
/* The API client with the network up; NULL with e set (also with --offline). */
struct api *session_api(struct session *r, struct err *e);

/* Start the progress line with label; NULL for none. */
void session_set_label(struct session *r, const char *label);
/*
 * Start the progress line with a batch's count: "[k/N, ETA 1m20s] " for
 * article k = done + 1 of total, or "[k-m/N, ...] " while the pictures of
 * span articles come in together.  The ETA is the time per article done
 * since the session began, times the articles left.
 */
void session_set_count(struct session *r, size_t done, size_t span, size_t total);
/*
 * Take pictures from book (borrowed until session_free) first.  only: and
 * nothing from the cache or the network (a book rendered again from an old
 * one); else the pictures it does not hold are had as usual (a 文集's book
 * updated: its new chapters' pictures).
 */
void session_set_book(struct session *r, const struct oldbook *book, bool only);
/* The library's page map for the pages written next (borrowed until the next call; NULL forgets it). */
void session_set_library(struct session *r, const struct links *l);
/* The progress callback of fetch_run() for r (ctx): "[label] opus ID: pictures 3/9, 1.2 MB". */
void session_progress(void *ctx, size_t done, size_t total, unsigned long long bytes);

#endif
