/*
 * fetch: HTTP(S) transfers.  The only module that includes libcurl.
 *
 * One fetcher per run holds a libcurl share handle (DNS, connections, TLS
 * sessions, cookies) and a multi handle, so every transfer of the run reuses
 * what earlier ones set up, and many run at once (HTTP/2 multiplexing where
 * the server offers it).  Only http and https are ever fetched, redirects
 * included; bodies are capped while they arrive; transient failures
 * (connect errors, timeouts, resets, truncated bodies, 408, 429, 5xx) are
 * retried with exponential backoff and jitter, honouring Retry-After.
 *
 * Every exchange can be handed to an observer (request and response headers
 * and the body as they crossed the wire), so a WARC writer can record what
 * the server really sent.
 */
#ifndef OA_FETCH_H
#define OA_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"

/* What a request's value of a secret header (Cookie, Authorization) becomes. */
#define FETCH_MASK "(masked-by-opus-archive)"

/*
 * One request and what came back, handed to the observer as it ends: every
 * attempt, failed ones and retries included, and each hop of a redirect on
 * its own.  The bytes are those on the wire: a chunked body keeps its chunk
 * framing, nothing is content-decoded, and a redirect's body is there too.
 * Everything is owned by the fetcher and valid only during the call.
 */
/* Why a transfer failed, for callers that act on the kind and not the words. */
enum fetch_failure {
	FETCH_FAIL_NONE,
	FETCH_FAIL_TOO_BIG,             /* the body passed max_bytes (it is cut there) */
	FETCH_FAIL_TIMEOUT,             /* connecting or the transfer timed out */
	FETCH_FAIL_NETWORK,             /* any other transfer error (reset, TLS, DNS ...) */
	FETCH_FAIL_HTTP,                /* an answer with a status outside 2xx */
	FETCH_FAIL_LOCAL,               /* the body could not be written here */
};

struct fetch_exchange {
	const char *url;                /* this request's URL (a redirect's target for later hops) */
	const char *request_headers;    /* as sent, request line first; "" when nothing went
	                                 * out (connecting failed).  Cookie, Authorization and
	                                 * Proxy-Authorization values are FETCH_MASK; a Cookie
	                                 * header keeps the names: "Cookie: a=MASK; b=MASK" */
	size_t request_headers_len;
	const char *response_headers;   /* as received, status line first; "" when no answer */
	size_t response_headers_len;
	const char *body;               /* as received; may be cut short when error is set */
	size_t body_len;
	const char *ip;                 /* the server's address, or "" */
	time_t date;                    /* when the request went out */
	long status;                    /* 0 when no response came */
	const char *error;              /* the failure, or NULL (also for a redirect followed) */
	enum fetch_failure failure;     /* its kind (FETCH_FAIL_NONE with error NULL) */
	const char *tag;                /* the job's tag (see struct fetch_job), or NULL */
};

struct fetch_config {
	const char *user_agent;
	const char *cacert;             /* a CA bundle file, or NULL for the system's */
	char **connect_to;              /* curl-style HOST1:PORT1:HOST2:PORT2 entries */
	size_t nconnect_to;
	long connect_timeout_ms;
	long timeout_ms;                /* for a whole transfer */
	int retries;                    /* further attempts after the first */
	double retry_delay;             /* seconds: the first backoff step */
	double api_rate;                /* API requests per second (0: no limit) */
	int jobs;                       /* transfers at once */
	/*
	 * Also asked before each API request, when not NULL: 0 lets it go (and
	 * counts it), more says how many seconds to wait (rate.c's shared bucket).
	 */
	double (*api_turn)(void *ctx);
	void *api_turn_ctx;
	void (*observer)(void *ctx, const struct fetch_exchange *x);
	void *observer_ctx;
};

enum fetch_kind {
	FETCH_API,                      /* rate-limited by api_rate; JSON */
	FETCH_PICTURE,                  /* to a file */
	FETCH_PAGE,                     /* a web page, for its redirect */
};

/* One transfer.  The caller fills the "in" part and zeroes the rest. */
struct fetch_job {
	/* in */
	const char *url;
	const char *referer;            /* NULL: send none */
	enum fetch_kind kind;
	size_t max_bytes;               /* 0: no cap */
	const char *dest;               /* write the body to this file (atomically); NULL: into body */
	const char *tag;                /* the caller's name for whom this is (the article a
	                                 * WARC record belongs to), handed to the observer */
	/* out */
	bool ok;
	long status;
	int attempts;
	struct buf body;                /* when dest is NULL; the caller releases it */
	char *effective_url;            /* where redirects ended; the caller frees it */
	char error[512];                /* why it failed, when !ok */
	enum fetch_failure failure;     /* and the kind of failure */
	/* private */
	int state;
	double not_before;
	double retry_after;
	void *priv;
};

struct fetcher;

/* Set up libcurl for the process; fetch_new does it on first use, and a second call does nothing. */
int fetch_global_init(struct err *e);
void fetch_global_cleanup(void);

/* Return a new fetcher for cfg (copied), or NULL with e set. */
struct fetcher *fetch_new(const struct fetch_config *cfg, struct err *e);
void fetch_free(struct fetcher *f);

/*
 * Load the cookies in a Netscape cookies.txt (as browser extensions export
 * it).  Only cookies for bilibili.com and its subdomains are kept, so they
 * are never sent anywhere else.  Sets *count to how many were kept.
 */
int fetch_load_cookies(struct fetcher *f, const char *path, int *count, struct err *e);
/* The same for the len bytes at text; name is the file's name for messages. */
int fetch_add_cookies(struct fetcher *f, const char *text, size_t len, const char *name,
    int *count, struct err *e);
/* Add a cookie for .bilibili.com. */
void fetch_set_cookie(struct fetcher *f, const char *name, const char *value);
/* Return true when a cookie of this name is held for bilibili.com. */
bool fetch_has_cookie(struct fetcher *f, const char *name);

/*
 * Run the n jobs, up to cfg->jobs at a time, each retried as configured.
 * progress (may be NULL) is called as jobs finish.  Returns the number of
 * jobs that failed; each failed job's error says why.
 */
size_t fetch_run(struct fetcher *f, struct fetch_job *jobs, size_t n,
    void (*progress)(void *ctx, size_t done, size_t total, unsigned long long bytes), void *ctx);

/* Sleep the backoff for attempt (1 = first retry), or retry_after seconds when that is longer. */
void fetch_backoff(struct fetcher *f, int attempt, double retry_after);

/* Return true when url is http or https and well formed (libcurl's parser). */
bool fetch_url_ok(const char *url);

/* Return the libcurl version line (loading libcurl), for the WARC's warcinfo record. */
const char *fetch_version(void);

#endif
