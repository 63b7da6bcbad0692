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
	const char *batch_file;         /* --batch: more ids, one a line ("-" = stdin) */
	char **users;                   /* --user: every opus of these writers (mids) */
	size_t nusers;
	const char *name_template;      /* --name: book names in a directory ("{id}") */
	bool combine;                   /* --combine: all the articles in one book */
	bool force;                     /* --force: redo books that exist */
	const char *failed_list;        /* --failed-list: write the failed ids there */
	const char *output;             /* the book, or the site's directory */
	enum out_format format;
	const char *cache_dir;          /* NULL: the default */
	bool offline;
	const char *templates;          /* the template directory (resolved by the caller) */
	const char *lang;
	const char *user_css;           /* --css: a stylesheet added after ours, or NULL */
	int max_image_width;            /* 0: originals; else asked of the image server */
	time_t now;                     /* SOURCE_DATE_EPOCH or the current time */
	struct net_opts net;
	bool progress;                  /* show progress (stderr is a terminal, not -q) */
	const char *warc;               /* --warc: one WARC of the run's exchanges, or NULL */
	const char *warc_dir;           /* --warc-dir: one WARC per article (ID.warc.gz), or NULL */
	char *const *args;              /* the command line, for the WARC's warcinfo record; */
	size_t nargs;                   /* it must hold no secret (cookies come in a file) */
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

/*
 * The stages of one article, for batch.c, which drives many.  A session is
 * what a run shares between its articles: the options, the cache and, once
 * needed, the network.
 */
struct session;
struct input;
struct article;
struct api;

struct session *archive_session_new(const struct archive_opts *o, struct err *e);
/*
 * A library site: l maps the library's other articles to their pages, so that
 * links between them open the local copy (archive_write with a name uses it).
 * l is borrowed until the next call; NULL forgets it.
 */
struct links;
void archive_set_library(struct session *r, const struct links *l);
/* Map the article id ("N" for an opus, "cvN" for a 专栏) and its cv_id (or NULL) to page. */
void archive_link_article(struct links *l, const char *id, const char *cv_id, const char *page);

/*
 * Put the run's WARC files in place; one that cannot be written turns *res from
 * ARCHIVE_OK into ARCHIVE_INCOMPLETE (the books are there, the evidence is not).
 * archive_session_free() does the same without a result to change.
 */
void archive_session_finish(struct session *r, enum archive_result *res);
void archive_session_free(struct session *r);
const struct archive_opts *archive_session_opts(const struct session *r);
/* The API client, with the network set up; NULL with e set (offline, no network). */
struct api *archive_session_api(struct session *r, struct err *e);

/* Start the progress line with label (a batch's "[3/50] ..."); NULL for none. */
void archive_set_label(struct session *r, const char *label);
/* Parse arg into *in, following a short link (the caller releases in). */
int archive_resolve(struct session *r, const char *arg, struct input *in, struct err *e);
/* Return true when the API response for in is in the cache (and will be used). */
bool archive_cached(struct session *r, const struct input *in);
/* Fetch the uncached responses of v[] at once, into the cache; failures are left for archive_load. */
void archive_prefetch(struct session *r, const struct input *v, size_t n);
/*
 * Download the pictures of v[] that are not in the cache, all at once (failures
 * are left for archive_write), and with them the uncached responses of next[]
 * (the following articles), so that the connections stay busy across the two.
 */
void archive_prefetch_pictures(struct session *r, struct article *const *v, size_t n,
    const struct input *next, size_t nnext);
/* Fetch (or read from the cache) and parse the article in; *a is the caller's. */
int archive_load(struct session *r, const struct input *in, struct article **a, struct err *e);

/* What archive_write reports besides its result. */
struct archive_done {
	size_t npictures;
	size_t missing;                 /* pictures that could not be archived */
	char *cover_href;               /* the cover picture's href, or NULL; the caller frees */
};
/*
 * Gather a's pictures and write its book to output, or its page into the
 * site directory output.  name: the page's name in a library site (its
 * index is then the caller's: archive_write_index), or NULL for a site of
 * this one article.  done may be NULL.
 */
enum archive_result archive_write(struct session *r, const struct article *a, const char *output,
    const char *name, struct archive_done *done, struct err *e);

/* One article of a library site's index. */
struct archive_entry {
	const char *title;
	const char *author;
	long long date;
	const char *href;               /* its page, relative to the site */
	const char *thumb;              /* its cover picture's href, or NULL */
};
/* Write the library site's index.html in dir, listing v[] in the order given. */
int archive_write_index(struct session *r, const char *dir, const struct archive_entry *v,
    size_t n, struct err *e);

/*
 * Write the n articles (in the order given) as one EPUB at output: a chapter
 * each, a two-level table of contents, shared pictures stored once.
 * Returns ARCHIVE_INCOMPLETE when pictures are missing.
 */
enum archive_result archive_write_combined(struct session *r, struct article *const *v, size_t n,
    const char *output, struct err *e);

/* Return the format to use: o->format, or by the look of the output path. */
enum out_format archive_pick_format(enum out_format f, const char *output);

#endif
