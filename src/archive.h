/*
 * archive: the pipeline for one article, from a saved response to a written
 * book or site:  parse -> assets -> render -> pack.
 */
#ifndef OA_ARCHIVE_H
#define OA_ARCHIVE_H

#include <stdbool.h>
#include <time.h>

#include "err.h"

enum out_format { FORMAT_AUTO, FORMAT_EPUB, FORMAT_SITE };

/* How the network is used (ignored with offline). */
struct net_opts {
	const char *cookies;            /* a Netscape cookies.txt, or NULL */
	const char *user_agent;
	const char *cacert;
	char **connect_to;
	size_t nconnect_to;
	int jobs;
	double rate;                    /* API requests per second */
	int retries;
	double retry_delay;             /* seconds */
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_image_size;
	bool refresh;                   /* fetch API responses again */
};

struct archive_opts {
	const char *from_json;          /* a saved response ("-" = stdin) */
	char **ids;                     /* or ids and URLs to fetch */
	size_t nids;
	const char *output;             /* the book, or the site's directory */
	enum out_format format;
	const char *cache_dir;          /* NULL: the default */
	bool offline;
	const char *templates;          /* the template directory (resolved by the caller) */
	const char *lang;
	int max_image_width;            /* 0: originals; else asked of the image server */
	time_t now;                     /* SOURCE_DATE_EPOCH or the current time */
	struct net_opts net;
	bool progress;                  /* show progress (stderr is a terminal, not -q) */
};

enum archive_result {
	ARCHIVE_OK = 0,                 /* complete */
	ARCHIVE_FAILED = 1,             /* nothing written; e says why */
	ARCHIVE_INCOMPLETE = 3,         /* written, but something (pictures) is missing */
};

/* The most a saved response may weigh. */
#define ARCHIVE_MAX_RESPONSE (256u * 1024 * 1024)

/*
 * Run the pipeline for the response in o->from_json, or for every id in
 * o->ids (fetched, or read from the cache with o->offline).  With one
 * article, a failure is returned in e; with several, each failure is printed
 * as it happens and the worst result is returned.
 */
enum archive_result archive_run(const struct archive_opts *o, struct err *e);

/* Return the format to use: o->format, or by the look of the output path. */
enum out_format archive_pick_format(enum out_format f, const char *output);

#endif
