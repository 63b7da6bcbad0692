#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>
#include <curl/curl.h>

#include "fetch.h"
#include "file.h"
#include "log.h"
#include "xalloc.h"

enum { JOB_PENDING, JOB_ACTIVE, JOB_DONE };

struct fetcher {
	struct fetch_config cfg;
	CURLSH *share;
	CURLM *multi;
	struct curl_slist *connect_to;
	double next_api;                /* monotonic time the next API request may start */
	char **cookie_names;            /* names of cookies held for bilibili.com */
	size_t ncookies, cookie_cap;
	CURL *cookie_holder;            /* an easy handle the cookie engine lives on */
	unsigned seed;
};

/* Per-attempt state of a job. */
struct transfer {
	struct fetcher *f;
	struct fetch_job *job;
	CURL *h;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	FILE *out;
	char *tmp;                      /* the temporary file behind out */
	unsigned long long got;
	bool toobig;
	/*
	 * The exchange in flight, for the observer: one per request sent, so a
	 * followed redirect is an exchange of its own.  Filled from libcurl's
	 * debug callback, which sees the bytes as they cross the wire (before
	 * chunked transfer decoding, and with redirect bodies that libcurl
	 * otherwise discards).
	 */
	bool sent;                      /* a request went out in this exchange */
	char *url;                      /* its URL (owned) */
	char ip[64];
	time_t date;                    /* when the request went out */
	struct buf req_headers, resp_headers, raw_body;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * libcurl is opened (dlopen) on first use, not linked.  With its TLS, SSH,
 * LDAP, Kerberos and HTTP/2 libraries it is 28 of the 43 shared objects a
 * linked program maps at start-up: 4.5 MB of resident memory and about 10 ms
 * of loading and relocation that every run paid, while a render from the
 * cache (--offline, --from-json, --from-epub, most of a re-run batch) never
 * calls it.  Only this module includes curl.h, so the table below is the
 * whole of the change: every libcurl function the program calls, looked up
 * once by name.  The names are the ones curl.h declares, so a prototype
 * change there is a compile error here.  (The table bypasses curl.h's
 * compile-time check of curl_easy_setopt's argument types.)
 *
 * CURL_SONAME comes from configure: the name the linker recorded in a test
 * program linked with pkg-config's libcurl, so the library loaded is the
 * one the headers belong to.  The program is single-threaded until libcurl
 * starts its resolver threads, so the flags need no lock.
 */
#define LIBCURL_FUNCTIONS(X) \
	X(global_init) X(global_cleanup) X(free) X(version) \
	X(url) X(url_set) X(url_get) X(url_cleanup) \
	X(share_init) X(share_setopt) X(share_cleanup) \
	X(multi_init) X(multi_setopt) X(multi_cleanup) X(multi_add_handle) \
	X(multi_remove_handle) X(multi_perform) X(multi_info_read) X(multi_poll) \
	X(easy_init) X(easy_setopt) X(easy_getinfo) X(easy_cleanup) X(easy_strerror) \
	X(slist_append) X(slist_free_all)

static struct {
#define X(name) __typeof__(curl_##name) *name;
	LIBCURL_FUNCTIONS(X)
#undef X
} lc;
static bool curl_loaded, curl_ready;

static int
load_curl(struct err *e)
{
	void *so;

	if (curl_loaded)
		return 0;
	/* RTLD_LOCAL: libcurl's symbols are reached through lc only */
	so = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (so == NULL)
		return err_set(e, "cannot load libcurl (%s): %s", CURL_SONAME, dlerror());
#define X(name) \
	if ((*(void **)&lc.name = dlsym(so, "curl_" #name)) == NULL) { \
		/* a libcurl too old or not libcurl: nothing of it is kept */ \
		err_set(e, "cannot load libcurl (%s): no curl_%s", CURL_SONAME, #name); \
		memset(&lc, 0, sizeof lc); \
		dlclose(so); \
		return -1; \
	}
	LIBCURL_FUNCTIONS(X)
#undef X
	/* never closed: libcurl's TLS libraries register exit handlers of their own */
	curl_loaded = true;
	return 0;
}

int
fetch_global_init(struct err *e)
{
	if (curl_ready)
		return 0;
	if (load_curl(e) < 0)
		return -1;
	/*
	 * Set up on first use too: curl_global_init loads OpenSSL's
	 * configuration, about 0.5 ms a render from the cache never needs.
	 */
	if (lc.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, "cannot initialise libcurl");
	curl_ready = true;
	return 0;
}

void
fetch_global_cleanup(void)
{
	if (curl_ready)
		lc.global_cleanup();
	curl_ready = false;
}

const char *
fetch_version(void)
{
	struct err e;

	err_init(&e);
	/* a WARC of a run that fetched nothing still names the library */
	if (load_curl(&e) < 0)
		return "libcurl not loaded";
	return lc.version();
}

bool
fetch_url_ok(const char *url)
{
	struct err e;
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	err_init(&e);
	if (load_curl(&e) < 0)
		return false;
	u = lc.url();
	if (u == NULL)
		return false;
	if (lc.url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    lc.url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    lc.url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		ok = (strcmp(scheme, "https") == 0 || strcmp(scheme, "http") == 0) && *host;
	lc.free(scheme);
	lc.free(host);
	lc.url_cleanup(u);
	return ok;
}

struct fetcher *
fetch_new(const struct fetch_config *cfg, struct err *e)
{
	struct fetcher *f;

	if (fetch_global_init(e) < 0)
		return NULL;
	f = xcalloc(1, sizeof *f);
	f->cfg = *cfg;
	if (f->cfg.jobs < 1)
		f->cfg.jobs = 1;
	f->share = lc.share_init();
	f->multi = lc.multi_init();
	f->cookie_holder = lc.easy_init();
	if (f->share == NULL || f->multi == NULL || f->cookie_holder == NULL) {
		err_set(e, "cannot set up libcurl");
		fetch_free(f);
		return NULL;
	}
	lc.share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	lc.share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	lc.share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	lc.share_setopt(f->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
	lc.multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	lc.multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)f->cfg.jobs);
	/*
	 * Keep the idle connections of every host (API, picture CDNs) between
	 * transfers: by default libcurl keeps four per easy handle in the multi,
	 * which drops to a few when a batch of transfers drains, and every
	 * connection closed then is a new TLS handshake for the next batch.
	 */
	lc.multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)f->cfg.jobs * 4);
	/* The cookie engine lives in the share; an easy handle is its door. */
	lc.easy_setopt(f->cookie_holder, CURLOPT_SHARE, f->share);
	lc.easy_setopt(f->cookie_holder, CURLOPT_COOKIEFILE, "");
	for (size_t i = 0; i < cfg->nconnect_to; i++)
		f->connect_to = lc.slist_append(f->connect_to, cfg->connect_to[i]);
	{
		struct timeval tv;

		gettimeofday(&tv, NULL);
		f->seed = (unsigned)tv.tv_usec ^ (unsigned)getpid();
	}
	return f;
}

void
fetch_free(struct fetcher *f)
{
	if (f == NULL)
		return;
	if (f->cookie_holder)
		lc.easy_cleanup(f->cookie_holder);
	if (f->multi)
		lc.multi_cleanup(f->multi);
	if (f->share)
		lc.share_cleanup(f->share);
	lc.slist_free_all(f->connect_to);
	xfree_strings(f->cookie_names, f->ncookies);
	free(f);
}

static void
remember_cookie(struct fetcher *f, const char *name)
{
	if (fetch_has_cookie(f, name))
		return;
	XGROW(f->cookie_names, f->cookie_cap, f->ncookies + 1);
	f->cookie_names[f->ncookies++] = xstrdup(name);
}

bool
fetch_has_cookie(struct fetcher *f, const char *name)
{
	for (size_t i = 0; i < f->ncookies; i++)
		if (strcmp(f->cookie_names[i], name) == 0)
			return true;
	return false;
}

void
fetch_set_cookie(struct fetcher *f, const char *name, const char *value)
{
	/* Netscape format: domain, subdomains, path, secure, expiry, name, value */
	char *line = xasprintf(".bilibili.com\tTRUE\t/\tFALSE\t0\t%s\t%s", name, value);

	lc.easy_setopt(f->cookie_holder, CURLOPT_COOKIELIST, line);
	free(line);
	remember_cookie(f, name);
}

static bool
bilibili_domain(const char *d)
{
	size_t n = strlen(d);

	if (*d == '.')
		d++, n--;
	return strcmp(d, "bilibili.com") == 0 ||
	    (n > 13 && strcmp(d + n - 13, ".bilibili.com") == 0);
}

int
fetch_load_cookies(struct fetcher *f, const char *path, int *count, struct err *e)
{
	char *data;
	size_t len;
	int rc;

	*count = 0;
	if (file_read(path, 16u * 1024 * 1024, &data, &len, e) < 0) {
		err_prefix(e, "--cookies");
		return -1;
	}
	rc = fetch_add_cookies(f, data, len, path, count, e);
	free(data);
	return rc;
}

int
fetch_add_cookies(struct fetcher *f, const char *text, size_t len, const char *name,
    int *count, struct err *e)
{
	char *data, *line, *rest;
	int kept = 0, lineno = 0;

	*count = 0;
	/* a NUL byte ends the text, as it would end any C reader of the file */
	data = rest = xstrndup(text, len);
	while ((line = strsep(&rest, "\n")) != NULL) {
		char *field[7], *p = line, *copy;
		size_t nf = 0, n = strlen(line);

		lineno++;
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		/* "#HttpOnly_" prefixes a real cookie line; other '#' lines are comments */
		if (strncmp(p, "#HttpOnly_", 10) == 0)
			p += 10;
		else if (*p == '#' || *p == '\0')
			continue;
		copy = xstrdup(p);
		for (char *q = copy, *t; nf < 7 && (t = strsep(&q, "\t")); )
			field[nf++] = t;
		if (nf != 7) {
			free(copy);
			free(data);
			return err_set(e, "--cookies '%s': line %d is not a Netscape cookie line "
			    "(seven tab-separated fields)", name, lineno);
		}
		if (bilibili_domain(field[0])) {
			lc.easy_setopt(f->cookie_holder, CURLOPT_COOKIELIST, p);
			remember_cookie(f, field[5]);
			kept++;
		}
		free(copy);
	}
	free(data);
	*count = kept;
	return 0;
}

/* --- transfers ----------------------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;

	if (t->job->max_bytes && t->got + len > t->job->max_bytes) {
		t->toobig = true;
		return 0;       /* aborts the transfer */
	}
	t->got += len;
	if (t->out) {
		if (fwrite(p, 1, len, t->out) != len)
			return 0;
	} else if (buf_add(&t->job->body, p, len) < 0) {
		t->toobig = true;
		return 0;
	}
	return len;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct transfer *t = ctx;
	size_t len = size * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		char *end;
		double v = strtod(p + 12, &end);

		if (end != p + 12 && v >= 0 && v < 86400)
			t->job->retry_after = v;
	}
	return len;
}

/* Return true for a request header whose value is a secret (cookies, credentials). */
static bool
secret_header(const char *line, size_t len)
{
	static const char *const names[] = { "Cookie:", "Authorization:", "Proxy-Authorization:" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);

		if (len >= n && strncasecmp(line, names[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * Append one request header line with its secret value masked.  A Cookie
 * header keeps the cookie names, so the record still says which cookies went
 * out; every value becomes FETCH_MASK.
 */
static void
add_masked(struct buf *b, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len);
	size_t name_len = (size_t)(colon - line);

	buf_add(b, line, name_len + 1);
	if (name_len == 6 && strncasecmp(line, "Cookie", 6) == 0) {
		const char *p = colon + 1, *end = line + len;
		bool first = true;

		while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
			end--;
		while (p < end) {
			const char *semi = memchr(p, ';', (size_t)(end - p));
			const char *stop = semi ? semi : end;
			const char *eq;

			while (p < stop && *p == ' ')
				p++;
			eq = memchr(p, '=', (size_t)(stop - p));
			buf_adds(b, first ? " " : "; ");
			buf_add(b, p, (size_t)((eq ? eq : stop) - p));
			buf_addf(b, "=%s", FETCH_MASK);
			first = false;
			p = semi ? semi + 1 : end;
		}
		buf_adds(b, "\r\n");
	} else {
		buf_addf(b, " %s\r\n", FETCH_MASK);
	}
}

/* Parse the status of the last status line in a response header block; 0 when none. */
static long
last_status(const struct buf *h)
{
	long status = 0;

	for (size_t i = 0; i + 5 <= h->len; ) {
		const char *line = h->data + i, *nl = memchr(line, '\n', h->len - i);

		if (strncmp(line, "HTTP/", 5) == 0) {
			const char *sp = memchr(line, ' ', (size_t)((nl ? nl : h->data + h->len) - line));

			if (sp)
				status = strtol(sp + 1, NULL, 10);
		}
		if (nl == NULL)
			break;
		i = (size_t)(nl - h->data) + 1;
	}
	return status;
}

/* Hand the exchange in flight to the observer, then forget it. */
static void
exchange_emit(struct transfer *t, long status, const char *error, enum fetch_failure failure)
{
	struct fetch_exchange x = {
		t->url ? t->url : t->job->url,
		buf_str(&t->req_headers), t->req_headers.len,
		buf_str(&t->resp_headers), t->resp_headers.len,
		buf_str(&t->raw_body), t->raw_body.len,
		t->ip, t->date, status, error, failure, t->job->tag,
	};

	t->f->cfg.observer(t->f->cfg.observer_ctx, &x);
	t->sent = false;
	free(t->url);
	t->url = NULL;
	t->ip[0] = '\0';
	buf_reset(&t->req_headers);
	buf_reset(&t->resp_headers);
	buf_reset(&t->raw_body);
}

/*
 * Watch the wire for the observer: request headers (masked), response headers
 * and body bytes, each request starting a new exchange.
 */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct transfer *t = ctx;

	if (t->f->cfg.observer == NULL)
		return 0;
	switch (type) {
	case CURLINFO_HEADER_OUT: {
		char *url = NULL, *ip = NULL;

		/* a new request while one is recorded: a redirect being followed,
		 * or libcurl sending again on a fresh connection after no answer */
		if (t->sent)
			exchange_emit(t, last_status(&t->resp_headers),
			    t->resp_headers.len ? NULL : "no answer; the request was sent again",
			    t->resp_headers.len ? FETCH_FAIL_NONE : FETCH_FAIL_NETWORK);
		t->sent = true;
		t->date = time(NULL);
		lc.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &url);
		lc.easy_getinfo(h, CURLINFO_PRIMARY_IP, &ip);
		t->url = xstrdup(url ? url : t->job->url);
		snprintf(t->ip, sizeof t->ip, "%s", ip ? ip : "");
		for (size_t i = 0; i < size; ) {
			size_t end = i;

			while (end < size && data[end] != '\n')
				end++;
			if (end < size)
				end++;          /* keep the line end */
			if (secret_header(data + i, end - i))
				add_masked(&t->req_headers, data + i, end - i);
			else
				buf_add(&t->req_headers, data + i, end - i);
			i = end;
		}
		break;
	}
	case CURLINFO_HEADER_IN:
		buf_add(&t->resp_headers, data, size);
		break;
	case CURLINFO_DATA_IN:
		buf_add(&t->raw_body, data, size);
		break;
	default:
		break;
	}
	return 0;
}

static void
transfer_free(struct transfer *t)
{
	if (t->h) {
		lc.multi_remove_handle(t->f->multi, t->h);
		lc.easy_cleanup(t->h);
	}
	lc.slist_free_all(t->headers);
	if (t->out)
		fclose(t->out);
	if (t->tmp)
		file_temp_discard(-1, t->tmp);
	buf_release(&t->req_headers);
	buf_release(&t->resp_headers);
	buf_release(&t->raw_body);
	free(t->url);
	free(t);
}

static struct transfer *
transfer_start(struct fetcher *f, struct fetch_job *job)
{
	struct transfer *t = xcalloc(1, sizeof *t);
	CURL *h;

	t->f = f;
	t->job = job;
	buf_init(&t->req_headers, 1u << 20);
	buf_init(&t->resp_headers, 1u << 20);
	buf_init(&t->raw_body, 0);
	buf_reset(&job->body);
	job->retry_after = 0;
	if (job->dest) {
		char *dir = file_dirname(job->dest);
		struct err e;
		int fd;

		err_init(&e);
		if (file_mkdirs(dir, &e) < 0) {
			snprintf(job->error, sizeof job->error, "%.500s", e.msg);
			job->failure = FETCH_FAIL_LOCAL;
			free(dir);
			free(t);
			return NULL;
		}
		free(dir);
		/* file_temp_open also clears what killed runs left in that directory */
		fd = file_temp_open(job->dest, &t->tmp, &e);
		if (fd < 0) {
			snprintf(job->error, sizeof job->error, "%.500s", e.msg);
			job->failure = FETCH_FAIL_LOCAL;
			free(t);
			return NULL;
		}
		if ((t->out = fdopen(fd, "wb")) == NULL) {
			snprintf(job->error, sizeof job->error, "cannot create '%s': %s", t->tmp,
			    strerror(errno));
			job->failure = FETCH_FAIL_LOCAL;
			file_temp_discard(fd, t->tmp);
			free(t);
			return NULL;
		}
	}
	t->h = h = lc.easy_init();
	if (h == NULL) {
		snprintf(job->error, sizeof job->error, "cannot set up a transfer");
		job->failure = FETCH_FAIL_LOCAL;
		transfer_free(t);
		return NULL;
	}
	lc.easy_setopt(h, CURLOPT_URL, job->url);
	lc.easy_setopt(h, CURLOPT_SHARE, f->share);
	lc.easy_setopt(h, CURLOPT_PRIVATE, t);
	lc.easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
	lc.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	lc.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	lc.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	lc.easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
	lc.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	lc.easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	lc.easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	lc.easy_setopt(h, CURLOPT_USERAGENT, f->cfg.user_agent);
	lc.easy_setopt(h, CURLOPT_COOKIEFILE, "");
	lc.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	lc.easy_setopt(h, CURLOPT_WRITEDATA, t);
	lc.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	lc.easy_setopt(h, CURLOPT_HEADERDATA, t);
	lc.easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	lc.easy_setopt(h, CURLOPT_DEBUGDATA, t);
	lc.easy_setopt(h, CURLOPT_VERBOSE, 1L);       /* feeds on_debug; nothing is printed */
	if (job->max_bytes)
		lc.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)job->max_bytes);
	if (f->cfg.connect_timeout_ms > 0)
		lc.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, f->cfg.connect_timeout_ms);
	if (f->cfg.timeout_ms > 0)
		lc.easy_setopt(h, CURLOPT_TIMEOUT_MS, f->cfg.timeout_ms);
	/* a stalled transfer (under 100 bytes/s for 30 s) is a timeout too */
	lc.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 100L);
	lc.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	if (f->cfg.cacert)
		lc.easy_setopt(h, CURLOPT_CAINFO, f->cfg.cacert);
	if (f->connect_to)
		lc.easy_setopt(h, CURLOPT_CONNECT_TO, f->connect_to);
	if (job->referer) {
		lc.easy_setopt(h, CURLOPT_REFERER, job->referer);
	}
	if (job->kind == FETCH_API) {
		t->headers = lc.slist_append(t->headers, "Accept: application/json, text/plain, */*");
		t->headers = lc.slist_append(t->headers, "Origin: https://www.bilibili.com");
	} else if (job->kind == FETCH_PICTURE) {
		t->headers = lc.slist_append(t->headers,
		    "Accept: image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.5");
	}
	t->headers = lc.slist_append(t->headers, "Accept-Language: zh-CN,zh;q=0.9,en;q=0.5");
	lc.easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
	job->attempts++;
	if (lc.multi_add_handle(f->multi, h) != CURLM_OK) {
		snprintf(job->error, sizeof job->error, "cannot start a transfer");
		job->failure = FETCH_FAIL_LOCAL;
		transfer_free(t);
		return NULL;
	}
	return t;
}

/* Backoff for a retry: retry_delay * 2^(attempt-1), with up to half of it added at random, at most 60 s. */
static double
backoff_s(struct fetcher *f, int attempt, double retry_after)
{
	double d = f->cfg.retry_delay * pow(2.0, attempt - 1);

	d += d * 0.5 * ((double)rand_r(&f->seed) / RAND_MAX);
	if (retry_after > d)
		d = retry_after;
	return d > 60 ? 60 : d;
}

void
fetch_backoff(struct fetcher *f, int attempt, double retry_after)
{
	sleep_s(backoff_s(f, attempt, retry_after));
}

static bool
retryable_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_HTTP3:
		return true;
	default:
		return false;
	}
}

static bool
retryable_status(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

/* Finish one attempt; return true when the job is settled (done or given up), false to retry. */
static bool
transfer_done(struct transfer *t, CURLcode rc)
{
	struct fetch_job *job = t->job;
	struct fetcher *f = t->f;
	char *eff = NULL;
	bool settled = true;
	char why[400];

	why[0] = '\0';
	job->failure = FETCH_FAIL_NONE;
	lc.easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &job->status);
	lc.easy_getinfo(t->h, CURLINFO_EFFECTIVE_URL, &eff);
	free(job->effective_url);
	job->effective_url = xstrdup(eff ? eff : job->url);
	if (t->toobig || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(why, sizeof why, "larger than the limit of %zu bytes", job->max_bytes);
		job->failure = FETCH_FAIL_TOO_BIG;
	} else if (rc != CURLE_OK) {
		snprintf(why, sizeof why, "%s", t->errbuf[0] ? t->errbuf : lc.easy_strerror(rc));
		job->failure = rc == CURLE_OPERATION_TIMEDOUT ? FETCH_FAIL_TIMEOUT : FETCH_FAIL_NETWORK;
	} else if (job->status < 200 || job->status > 299) {
		snprintf(why, sizeof why, "HTTP %ld", job->status);
		job->failure = FETCH_FAIL_HTTP;
	}
	if (f->cfg.observer) {
		if (!t->sent)
			t->date = time(NULL);   /* nothing went out: connecting failed */
		exchange_emit(t, job->status, why[0] ? why : NULL, job->failure);
	}
	if (why[0] == '\0') {
		/* the body is complete: put it in place */
		if (t->out) {
			bool bad = fflush(t->out) != 0 || ferror(t->out);

			if (fclose(t->out) != 0)
				bad = true;
			t->out = NULL;
			if (bad || rename(t->tmp, job->dest) < 0) {
				snprintf(why, sizeof why, "cannot write '%s': %s", job->dest,
				    strerror(errno));
				job->failure = FETCH_FAIL_LOCAL;
			} else {
				file_temp_forget(t->tmp);
				free(t->tmp);
				t->tmp = NULL;
			}
		}
		if (why[0] == '\0') {
			job->ok = true;
			log_info("GET %s: %ld, %llu bytes", job->url, job->status, t->got);
			return true;
		}
	}
	if (!t->toobig && (retryable_code(rc) || (rc == CURLE_OK && retryable_status(job->status))) &&
	    job->attempts <= f->cfg.retries) {
		double d = backoff_s(f, job->attempts, job->retry_after);

		log_info("GET %s: %s; trying again in %.1f s", job->url, why, d);
		job->not_before = now_s() + d;
		settled = false;
	} else {
		if (job->attempts > 1)
			snprintf(job->error, sizeof job->error, "%s (after %d attempts)", why, job->attempts);
		else
			snprintf(job->error, sizeof job->error, "%s", why);
		log_info("GET %s: %s", job->url, job->error);
	}
	return settled;
}

size_t
fetch_run(struct fetcher *f, struct fetch_job *jobs, size_t n,
    void (*progress)(void *ctx, size_t done, size_t total, unsigned long long bytes), void *ctx)
{
	size_t done = 0, failed = 0, active = 0;
	unsigned long long bytes = 0;

	for (size_t i = 0; i < n; i++) {
		jobs[i].state = JOB_PENDING;
		jobs[i].not_before = 0;
		jobs[i].ok = false;
		jobs[i].error[0] = '\0';
		jobs[i].attempts = 0;
		if (jobs[i].body.max == 0 && jobs[i].max_bytes)
			buf_init(&jobs[i].body, jobs[i].max_bytes);
		if (!fetch_url_ok(jobs[i].url)) {
			snprintf(jobs[i].error, sizeof jobs[i].error, "not an http or https URL");
			jobs[i].state = JOB_DONE;
			done++;
			failed++;
		}
	}
	while (done < n) {
		double t = now_s(), wait = 1.0;
		int running, left;
		size_t finished;
		CURLMsg *msg;

		/* start what may start */
		for (size_t i = 0; i < n && active < (size_t)f->cfg.jobs; i++) {
			struct fetch_job *job = &jobs[i];
			struct transfer *tr;

			if (job->state != JOB_PENDING)
				continue;
			if (job->not_before > t) {
				if (job->not_before - t < wait)
					wait = job->not_before - t;
				continue;
			}
			if (job->kind == FETCH_API && f->cfg.api_rate > 0) {
				double turn;

				if (f->next_api > t) {
					if (f->next_api - t < wait)
						wait = f->next_api - t;
					continue;
				}
				/* the other runs that share the rate may have taken the turn */
				if (f->cfg.api_turn && (turn = f->cfg.api_turn(f->cfg.api_turn_ctx)) > 0) {
					if (turn < wait)
						wait = turn;
					continue;
				}
				f->next_api = t + 1.0 / f->cfg.api_rate;
			}
			tr = transfer_start(f, job);
			if (tr == NULL) {
				job->state = JOB_DONE;
				done++;
				failed++;
				if (progress)
					progress(ctx, done, n, bytes);
				continue;
			}
			job->priv = tr;
			job->state = JOB_ACTIVE;
			active++;
		}
		if (active == 0) {
			sleep_s(wait);
			continue;
		}
		lc.multi_perform(f->multi, &running);
		finished = 0;
		while ((msg = lc.multi_info_read(f->multi, &left)) != NULL) {
			struct transfer *tr;

			if (msg->msg != CURLMSG_DONE)
				continue;
			lc.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&tr);
			active--;
			finished++;
			bytes += tr->got;
			if (transfer_done(tr, msg->data.result)) {
				tr->job->state = JOB_DONE;
				done++;
				if (!tr->job->ok)
					failed++;
				if (progress)
					progress(ctx, done, n, bytes);
			} else {
				tr->job->state = JOB_PENDING;
			}
			tr->job->priv = NULL;
			transfer_free(tr);
		}
		/*
		 * A slot that just came free is refilled at once: waiting in poll first
		 * would leave it empty until some other transfer moves, which cost about
		 * half an answer's time per transfer.
		 */
		if (active > 0 && finished == 0)
			lc.multi_poll(f->multi, NULL, 0, (int)(wait * 1000) + 1, NULL);
	}
	return failed;
}
