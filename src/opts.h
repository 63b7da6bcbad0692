/*
 * opts: what the user asked for, as every stage of a run reads it: the
 * inputs, the output and its format, the cache, the network's manners.  cli.c
 * fills a struct archive_opts; the stages below only read it.  It sits at the
 * bottom so that no stage includes a header from the layer that drives it.
 */
#ifndef OA_OPTS_H
#define OA_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum out_format { FORMAT_AUTO, FORMAT_EPUB, FORMAT_SITE, FORMAT_MD };

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

/*
 * What a book rebuilt with --from-epub keeps of the book it came from:
 * readers know a book by its identifier and keep reading positions by
 * document name, so both stay as they were (borrowed strings).
 */
struct book_keep {
	const char *identifier;
	const char *const *docs;        /* each article's document, in the book's order */
	size_t ndocs;
};

struct archive_opts {
	const char *from_json;          /* a saved response ("-" = stdin) */
	const char *from_epub;          /* --from-epub: a book of ours to render again */
	const struct book_keep *keep;   /* set by run.c for --from-epub, else NULL */
	char **ids;                     /* or ids and URLs to fetch */
	size_t nids;
	const char *batch_file;         /* --batch: more ids, one a line ("-" = stdin) */
	char **users;                   /* --user: every opus of these writers (mids) */
	size_t nusers;
	const char *name_template;      /* --name: book names in a directory ("{id}") */
	bool combine;                   /* --combine: all the articles in one book */
	bool series;                    /* --series: an article given stands for its whole 文集 */
	unsigned shard_k, shard_n;      /* --shard K/N: only the articles of shard K of N
	                                 * (hash_shard()); shard_n 0: all of them */
	const char *reindex;            /* --reindex DIR: rebuild a library site's index and
	                                 * links from what DIR holds, offline; or NULL */
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


/*
 * Return the format to use: f, or by the look of the output path (a
 * directory or "DIR/": a site; "NAME.md": Markdown).
 */
enum out_format opts_pick_format(enum out_format f, const char *output);

/*
 * Return where the book of article id goes when the caller did not choose
 * (o->output NULL, or a directory for books): "ID.epub", "DIR/ID.epub",
 * "ID/" for a site, "ID.md" or "DIR/ID.md" for Markdown.  The caller frees.
 */
char *opts_output_for(const struct archive_opts *o, const char *id);

#endif
