#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "field.h"
#include "file.h"
#include "jsonval.h"
#include "log.h"
#include "wbi.h"
#include "url.h"
#include "xalloc.h"

static void api_ids_add(struct api_ids *v, const char *id);
static void api_ids_add_from(struct api_ids *v, const char *id, const char *from);

const char api_default_user_agent[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0";

#define API_BASE "https://api.bilibili.com"
/* How deep a response may nest; real ones stay under 20 (as OPUS_MAX_DEPTH). */
#define API_MAX_DEPTH 128
/* The web page's own feature list; htmlNewStyle makes old 专栏 answer in full (spec §1.1). */
#define DETAIL_FEATURES "onlyfansVote,onlyfansAssetsV2,decorationCard,htmlNewStyle,ugcDelete," \
	"editable,opusPrivateVisible,tribeeEdit,avatarAutoTheme,avatarTypeOpus"

/*
 * Parse body as an API response: return the tree (the caller frees it with
 * jsv_free()) with its code and message (borrowed from the tree), or NULL
 * when the body is not an envelope.
 */
static struct jsv *
envelope(const char *body, size_t len, long long *code, const char **message)
{
	struct err e;
	struct jsv *root;

	err_init(&e);
	root = jsv_parse(body, len, API_MAX_DEPTH, &e);
	if (root != NULL && !field_envelope_code(root, code, message)) {
		jsv_free(root);
		root = NULL;
	}
	return root;
}

/*
 * GET an API URL, retrying risk-control answers (-352, -412, HTTP 412) with
 * backoff.  On success *body holds a code-0 envelope and *root the tree
 * parsed from it (the caller frees both).
 */
static int
api_get(struct api *a, const char *url, const char *referer, const char *what,
    struct buf *body, struct jsv **root, struct err *e)
{
	*root = NULL;
	for (int attempt = 0; ; attempt++) {
		struct fetch_job job;
		long long code = 0;
		const char *msg = NULL;
		struct jsv *tree = NULL;

		memset(&job, 0, sizeof job);
		job.url = url;
		job.referer = referer;
		job.kind = FETCH_API;
		job.max_bytes = API_MAX_RESPONSE;
		fetch_run(a->f, &job, 1, NULL, NULL);
		if (!job.ok && job.status != 412) {
			err_set_kind(e, ERR_NETWORK, "%s: '%s': %s", what, url, job.error);
			buf_release(&job.body);
			free(job.effective_url);
			return -1;
		}
		if (job.ok &&
		    (tree = envelope(buf_str(&job.body), job.body.len, &code, &msg)) == NULL) {
			err_set_kind(e, ERR_API,
			    "%s: '%s': the answer is not an API response (HTTP %ld, %zu bytes)",
			    what, url, job.status, job.body.len);
			buf_release(&job.body);
			free(job.effective_url);
			return -1;
		}
		free(job.effective_url);
		if (job.ok && code == 0) {
			*body = job.body;
			*root = tree;
			return 0;
		}
		buf_release(&job.body);
		if (job.status == 412 || code == -352 || code == -412) {
			if (attempt < a->retries) {
				log_info("%s: risk control (%s); waiting before trying again", what,
				    job.status == 412 ? "HTTP 412" : msg);
				jsv_free(tree);
				fetch_backoff(a->f, attempt + 1, 0);
				continue;
			}
			err_set_kind(e, ERR_RISK, "%s: Bilibili's risk control refused the request %d times (%s); "
			    "try again later, with a lower --rate, or with your browser's cookies "
			    "(--cookies FILE)", what, attempt + 1,
			    job.status == 412 ? "HTTP 412" : msg);
		} else if (code == -404) {
			err_set_kind(e, ERR_NOT_FOUND, "%s: not found (API code -404: %s)", what, msg);
		} else if (code == -403 || code == -101) {
			err_set_kind(e, ERR_LOGIN, "%s: Bilibili wants a logged-in user for this (API code %lld: %s); "
			    "export your browser's cookies and use --cookies FILE", what, code, msg);
		} else {
			err_set_kind(e, ERR_API, "%s: API error %lld: %s", what, code, msg);
		}
		jsv_free(tree);
		return -1;
	}
}

/* A visitor id goes into a cookie line: letters, digits and '-' only, and not too long. */
static bool
cookie_value_ok(const char *v)
{
	size_t n;

	if (v == NULL || *v == '\0')
		return false;
	n = strspn(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-");
	return v[n] == '\0' && n <= 200;
}

/*
 * Make sure requests carry a buvid3 cookie: the user's (from --cookies), or
 * the one kept in the cache directory, or a new one from x/frontend/finger/spi
 * (then kept in the cache directory for later runs).
 */
static int
api_prepare(struct api *a, struct err *e)
{
	char *path, *stored = NULL;
	size_t len;
	struct buf body;
	struct jsv *root = NULL;
	const char *b3;

	if (a->buvid_ready || fetch_has_cookie(a->f, "buvid3")) {
		a->buvid_ready = true;
		return 0;
	}
	path = xasprintf("%s/buvid3", a->cache->dir);
	if (file_exists(path) && file_read(path, 4096, &stored, &len, e) == 0) {
		stored[strcspn(stored, "\r\n")] = '\0';
		if (cookie_value_ok(stored)) {
			fetch_set_cookie(a->f, "buvid3", stored);
			log_info("using the buvid3 cookie kept in '%s'", path);
			a->buvid_ready = true;
			free(stored);
			free(path);
			return 0;
		}
		free(stored);
	}
	err_init(e);
	if (api_get(a, API_BASE "/x/frontend/finger/spi", "https://www.bilibili.com/",
	    "getting a buvid3 cookie", &body, &root, e) < 0) {
		free(path);
		return -1;
	}
	b3 = jsv_str(jsv_path(root, "data.b_3"), NULL);
	if (!cookie_value_ok(b3)) {
		err_set(e, "getting a buvid3 cookie: the answer of x/frontend/finger/spi has no usable data.b_3");
		free(path);
		jsv_free(root);
		buf_release(&body);
		return -1;
	}
	fetch_set_cookie(a->f, "buvid3", b3);
	{
		const char *b4 = jsv_str(jsv_path(root, "data.b_4"), NULL);

		if (cookie_value_ok(b4))
			fetch_set_cookie(a->f, "buvid4", b4);
	}
	/* keep it: a new visitor id on every run looks like a crawler */
	if (file_write_atomic(path, b3, strlen(b3), true, e) < 0) {
		log_warn("cannot keep the buvid3 cookie: %s", e->msg);
		err_init(e);
	}
	a->buvid_ready = true;
	free(path);
	jsv_free(root);
	buf_release(&body);
	return 0;
}

/* Has this run written the cache file at path? */
/* Return the answer to the item kind/id fetched this run, or NULL. */
static struct api_answer *
answer_find(const struct api *a, const char *kind, const char *id)
{
	char *key = xasprintf("%s/%s", kind, id);
	size_t pos = index_find_str(&a->answers_by_key, key, a->answers, sizeof *a->answers,
	    offsetof(struct api_answer, key));

	free(key);
	return pos == INDEX_EMPTY ? NULL : &a->answers[pos];
}

/*
 * Record that this run fetched the item kind/id; keep *raw (taken: emptied)
 * and root (owned from now on); both NULL when the caller uses the answer at once.
 */
static void
answer_keep(struct api *a, const char *kind, const char *id, struct file_bytes *raw,
    struct jsv *root)
{
	struct api_answer *x = answer_find(a, kind, id);

	if (x == NULL) {
		XGROW(a->answers, a->answers_cap, a->nanswers + 1);
		x = &a->answers[a->nanswers];
		x->key = xasprintf("%s/%s", kind, id);
		index_add_str(&a->answers_by_key, a->nanswers++, a->answers, sizeof *a->answers,
		    offsetof(struct api_answer, key));
	} else {
		file_bytes_release(&x->raw);
		jsv_free(x->root);
	}
	memset(&x->raw, 0, sizeof x->raw);
	if (raw) {
		x->raw = *raw;
		memset(raw, 0, sizeof *raw);
	}
	x->root = root;
}

void
api_release(struct api *a)
{
	if (a->items_fetched + a->items_parsed > 0)
		log_info("API answers for articles: %zu fetched, %zu parsed", a->items_fetched,
		    a->items_parsed);
	for (size_t i = 0; i < a->nanswers; i++) {
		free(a->answers[i].key);
		file_bytes_release(&a->answers[i].raw);
		jsv_free(a->answers[i].root);
	}
	free(a->answers);
	index_release(&a->answers_by_key);
}

/*
 * The request for one item: kind "opus" (the opus detail) or "article" (a
 * 专栏's article/view); the caller frees both strings.
 */
static void
item_request(const char *kind, const char *id, char **url, char **referer)
{
	if (strcmp(kind, "article") == 0) {
		*url = xasprintf(API_BASE "/x/article/view?id=%s&gaia_source=main_web", id);
		*referer = xasprintf("https://www.bilibili.com/read/cv%s", id);
	} else if (strcmp(kind, "readlist") == 0) {
		*url = xasprintf(API_BASE "/x/article/list/web/articles?id=%s", id);
		*referer = xasprintf("https://www.bilibili.com/read/readlist/rl%s", id);
	} else {
		*url = xasprintf(API_BASE "/x/polymer/web-dynamic/v1/opus/detail?id=%s"
		    "&timezone_offset=-480&features=" DETAIL_FEATURES, id);
		*referer = xasprintf("https://www.bilibili.com/opus/%s", id);
	}
}

static const char *
item_what_fmt(const char *kind)
{
	return strcmp(kind, "article") == 0 ? "cv%s" : strcmp(kind, "readlist") == 0 ? "rl%s" :
	    "opus %s";
}

/*
 * Fetch one API response for the item kind/id (from the cache when it is
 * there and neither refresh nor ask is on), and keep it in the cache.  The
 * response is parsed once, here: *raw holds its bytes, *root the tree.
 * With ask, an answer this run fetched already is used again.
 */
static int
api_item(struct api *a, const char *kind, const char *id, bool ask, struct file_bytes *raw,
    struct jsv **root, struct err *e)
{
	char *path = cache_api_path(a->cache, kind, id);
	char *what = xasprintf(item_what_fmt(kind), id), *url, *referer;
	struct api_answer *kept = answer_find(a, kind, id);
	struct buf body;
	int rc = -1;

	item_request(kind, id, &url, &referer);
	memset(raw, 0, sizeof *raw);
	*root = NULL;
	if (kept && kept->root) {
		/* fetched ahead with its window, and parsed then: taken as it is */
		log_info("%s: using the answer fetched ahead", what);
		*raw = kept->raw;
		*root = kept->root;
		memset(&kept->raw, 0, sizeof kept->raw);
		kept->root = NULL;
		rc = 0;
		goto out;
	}
	if ((!(a->refresh || ask) || kept) && file_exists(path) &&
	    file_load(path, API_MAX_RESPONSE, raw, e) == 0) {
		log_info("%s: using the response kept in '%s'", what, path);
		a->items_parsed++;
		*root = jsv_parse(raw->data, raw->len, API_MAX_DEPTH, e);
		if (*root != NULL) {
			rc = 0;
		} else {
			err_prefix(e, "%s", what);
			file_bytes_release(raw);
		}
		goto out;
	}
	err_init(e);
	if (api_prepare(a, e) < 0)
		goto out;
	if (api_get(a, url, referer, what, &body, root, e) == 0) {
		struct err we;

		a->items_fetched++;
		a->items_parsed++;
		err_init(&we);
		if (cache_store(a->cache, path, buf_str(&body), body.len, &we) < 0)
			log_warn("%s: cannot keep the response: %s", what, we.msg);
		answer_keep(a, kind, id, NULL, NULL);
		{
			size_t len;
			char *data = buf_detach(&body, &len);

			*raw = file_bytes_of(data, len);
		}
		rc = 0;
	} else if (e->kind == ERR_NOT_FOUND) {
		err_set_kind(e, ERR_NOT_FOUND, "%s not found (the API answered -404: it was deleted, "
		    "is private, or the id is wrong)", what);
	}
out:
	free(url);
	free(referer);
	free(what);
	free(path);
	return rc;
}

int
api_opus_detail(struct api *a, const char *id, struct file_bytes *raw,
    struct jsv **root, struct err *e)
{
	return api_item(a, "opus", id, false, raw, root, e);
}

int
api_article_view(struct api *a, const char *cv, struct file_bytes *raw,
    struct jsv **root, struct err *e)
{
	return api_item(a, "article", cv, false, raw, root, e);
}

int
api_readlist(struct api *a, const char *rl, bool cached, struct file_bytes *raw,
    struct jsv **root, struct err *e)
{
	return api_item(a, "readlist", rl, !cached, raw, root, e);
}

struct fetch_job *
api_prefetch_begin(struct api *a, const char *const *kinds, const char *const *ids, size_t n)
{
	struct fetch_job *jobs;
	struct err e;

	err_init(&e);
	if (n == 0 || api_prepare(a, &e) < 0)
		return NULL;
	jobs = xcalloc(n, sizeof *jobs);
	for (size_t i = 0; i < n; i++) {
		char *url, *referer;

		item_request(kinds ? kinds[i] : "opus", ids[i], &url, &referer);
		jobs[i].url = url;
		jobs[i].referer = referer;
		jobs[i].kind = FETCH_API;
		jobs[i].max_bytes = API_MAX_RESPONSE;
	}
	log_info("asking the API for %zu articles at once", n);
	return jobs;
}

void
api_prefetch_end(struct api *a, const char *const *kinds, const char *const *ids,
    struct fetch_job *jobs, size_t n, struct api_ids *fallbacks)
{
	struct err e;

	if (jobs == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *kind = kinds ? kinds[i] : "opus";
		long long code;
		const char *msg;
		struct jsv *root = NULL;
		struct file_bytes raw;
		char *data;
		size_t len;

		if (jobs[i].ok) {
			a->items_fetched++;
			a->items_parsed++;
		}
		/* only clean answers are kept; anything else is asked again, with its message */
		if (jobs[i].ok &&
		    (root = envelope(buf_str(&jobs[i].body), jobs[i].body.len, &code, &msg)) != NULL &&
		    code == 0) {
			/* the 专栏 number an opus detail answer falls back to */
			char *cv = strcmp(kind, "opus") == 0 ?
			    field_digits(jsv_path(root, "data.fallback.id"), 20) : NULL;
			char *path = cache_api_path(a->cache, kind, ids[i]);

			err_init(&e);
			if (cache_store(a->cache, path, buf_str(&jobs[i].body), jobs[i].body.len, &e) < 0) {
				char *what = xasprintf(item_what_fmt(kind), ids[i]);

				log_warn("%s: cannot keep the response: %s", what, e.msg);
				free(what);
			}
			free(path);
			if (cv && fallbacks)
				api_ids_add_from(fallbacks, cv, ids[i]);
			free(cv);
			/* kept parsed for the article's loading, which takes it */
			data = buf_detach(&jobs[i].body, &len);
			raw = file_bytes_of(data, len);
			answer_keep(a, kind, ids[i], &raw, root);
			root = NULL;
		}
		jsv_free(root);
		buf_release(&jobs[i].body);
		free(jobs[i].effective_url);
		free((char *)jobs[i].url);
		free((char *)jobs[i].referer);
	}
	free(jobs);
}

/*
 * The WBI mixin key (spec §1.5): from the keys kept in the cache directory
 * when they are from today (they change daily), else from x/web-interface/nav,
 * which hands them out even to visitors (with code -101).
 */
static int
wbi_key(struct api *a, char mixin[33], struct err *e)
{
	char *path = xasprintf("%s/wbi-keys", a->cache->dir), *kept = NULL;
	char today[16], day[16], img[80], sub[80];
	time_t now = time(NULL);
	struct tm tm;
	size_t len;
	struct fetch_job job;
	struct jsv *root = NULL;
	long long code;
	const char *msg;
	char *ik = NULL, *sk = NULL;
	int rc = -1;

	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y%m%d", &tm);
	if (file_exists(path) && file_read(path, 4096, &kept, &len, e) == 0 &&
	    sscanf(kept, "%15s %79s %79s", day, img, sub) == 3 && strcmp(day, today) == 0 &&
	    wbi_mixin(img, sub, mixin) == 0) {
		free(kept);
		free(path);
		return 0;
	}
	free(kept);
	err_init(e);
	memset(&job, 0, sizeof job);
	job.url = API_BASE "/x/web-interface/nav";
	job.referer = "https://www.bilibili.com/";
	job.kind = FETCH_API;
	job.max_bytes = API_MAX_RESPONSE;
	fetch_run(a->f, &job, 1, NULL, NULL);
	if (!job.ok) {
		err_set_kind(e, ERR_NETWORK, "the WBI keys: '%s': %s", job.url, job.error);
	} else if ((root = envelope(buf_str(&job.body), job.body.len, &code, &msg)) == NULL) {
		err_set_kind(e, ERR_API, "the WBI keys: '%s' did not answer with an API response",
		    job.url);
	} else if ((ik = wbi_key_from_url(jsv_str(jsv_path(root, "data.wbi_img.img_url"), NULL))) == NULL ||
	    (sk = wbi_key_from_url(jsv_str(jsv_path(root, "data.wbi_img.sub_url"), NULL))) == NULL ||
	    wbi_mixin(ik, sk, mixin) < 0) {
		err_set(e, "the WBI keys: '%s' (code %lld: %s) holds no usable data.wbi_img", job.url,
		    code, msg);
	} else {
		char *line = xasprintf("%s %s %s\n", today, ik, sk);
		struct err we;

		err_init(&we);
		if (cache_store(a->cache, path, line, strlen(line), &we) < 0)
			log_warn("cannot keep the WBI keys: %s", we.msg);
		free(line);
		rc = 0;
	}
	free(ik);
	free(sk);
	jsv_free(root);
	buf_release(&job.body);
	free(job.effective_url);
	free(path);
	return rc;
}

int
api_user_articles(struct api *a, const char *mid, struct api_ids *out, struct err *e)
{
	char mixin[33];
	const int ps = 30, max_pages = 1000;

	if (api_prepare(a, e) < 0 || wbi_key(a, mixin, e) < 0)
		return -1;
	for (int pn = 1; pn <= max_pages; pn++) {
		char pns[16], pss[16], *query, *url, *referer, *what;
		const char *names[] = { "mid", "pn", "ps", "sort", "web_location" };
		const char *values[] = { mid, pns, pss, "publish_time", "1550101" };
		struct buf body;
		struct jsv *root = NULL, *list;
		long long count = 0;
		size_t n;
		int rc;
		bool have_body;

		snprintf(pns, sizeof pns, "%d", pn);
		snprintf(pss, sizeof pss, "%d", ps);
		query = wbi_sign(names, values, 5, mixin, (long long)time(NULL), e);
		if (query == NULL)
			return -1;
		url = xasprintf(API_BASE "/x/space/wbi/article?%s", query);
		referer = xasprintf("https://space.bilibili.com/%s/article", mid);
		what = xasprintf("user %s, page %d of the 专栏 list", mid, pn);
		rc = api_get(a, url, referer, what, &body, &root, e);
		have_body = rc == 0;
		free(query);
		free(url);
		free(referer);
		if (rc == 0) {
			list = jsv_path(root, "data.articles");
			if (list == NULL && jsv_path(root, "data.v_voucher"))
				rc = err_set_kind(e, ERR_RISK, "%s: refused (the answer holds only a v_voucher: the WBI "
				    "signature was not accepted, or risk control wants a captcha); try "
				    "--cookies FILE", what);
			else if (list != NULL && jsv_type(list) != JSV_ARRAY)
				rc = err_set(e, "%s: data.articles is not an array", what);
		}
		if (rc == 0) {
			n = jsv_len(list);
			jsv_int(jsv_path(root, "data.count"), &count);
			for (size_t i = 0; i < n; i++) {
				struct jsv *it = jsv_at(list, i);
				char *dyn = field_digits(jsv_get(it, "dyn_id_str"), 24);
				char *cv = dyn ? NULL : field_digits(jsv_get(it, "id"), 20);

				/* the opus id when there is one: the feed may list it too, and it is read once */
				if (dyn) {
					api_ids_add(out, dyn);
				} else if (cv) {
					char *cvs = xasprintf("cv%s", cv);

					api_ids_add(out, cvs);
					free(cvs);
				} else {
					log_warn("%s: item %zu has neither dyn_id_str nor id; skipped", what, i);
				}
				free(dyn);
				free(cv);
			}
			log_info("%s: %zu articles (of %lld)", what, n, count);
			if (n == 0 || (long long)pn * ps >= count)
				pn = max_pages;         /* the last page */
		}
		if (have_body)
			buf_release(&body);
		jsv_free(root);
		free(what);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The opus ids of one page of a writer's feed, appended to *v; *more and *offset say what follows. */
static int
feed_page(const struct jsv *root, struct api_ids *v, bool *more, char **offset, struct err *e)
{
	struct jsv *items = jsv_path(root, "data.items");
	const char *off;

	if (jsv_type(items) != JSV_ARRAY)
		return err_set(e, "data.items: missing or not an array");
	for (size_t i = 0; i < jsv_len(items); i++) {
		char *id = field_digits(jsv_get(jsv_at(items, i), "opus_id"), 24);

		if (id == NULL) {
			log_warn("feed item %zu has no usable opus_id; skipped", i);
			continue;
		}
		api_ids_add(v, id);
		free(id);
	}
	*more = jsv_true(jsv_path(root, "data.has_more"));
	off = jsv_str(jsv_path(root, "data.offset"), NULL);
	free(*offset);
	*offset = off && *off ? xstrdup(off) : NULL;
	return 0;
}

/* Add id to v, remembering in v->from the id (from) whose answer named it. */
static void
api_ids_add_from(struct api_ids *v, const char *id, const char *from)
{
	if (index_find_str(&v->by_id, id, v->v, sizeof *v->v, 0) != INDEX_EMPTY)
		return;
	XGROW(v->v, v->cap, v->n + 1);
	XGROW(v->from, v->from_cap, v->n + 1);
	v->from[v->n] = from ? xstrdup(from) : NULL;
	v->v[v->n] = xstrdup(id);
	index_add_str(&v->by_id, v->n++, v->v, sizeof *v->v, 0);
}

static void
api_ids_add(struct api_ids *v, const char *id)
{
	api_ids_add_from(v, id, NULL);
}

void
api_ids_release(struct api_ids *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i]);
		free(v->from[i]);
	}
	free(v->v);
	free(v->from);
	index_release(&v->by_id);
	memset(v, 0, sizeof *v);
}

char *
api_feed_url(const char *mid, int page, const char *offset)
{
	char *m = url_escape(mid), *o = url_escape(offset ? offset : "");
	char *url = xasprintf(API_BASE "/x/polymer/web-dynamic/v1/opus/feed/space?host_mid=%s"
	    "&page=%d&offset=%s&type=all&web_location=333.1387", m, page, o);

	free(m);
	free(o);
	return url;
}

int
api_user_opus(struct api *a, const char *mid, struct api_ids *out, struct err *e)
{
	char *offset = NULL;
	bool more = true;
	int page;
	const int max_pages = 2000;     /* 20 a page: far beyond any writer, and never endless */

	if (api_prepare(a, e) < 0)
		return -1;
	for (page = 1; more && page <= max_pages; page++) {
		char *url, *referer, *what;
		struct buf body;
		struct jsv *root;
		size_t before = out->n;
		int rc;

		url = api_feed_url(mid, page, offset);
		referer = xasprintf("https://space.bilibili.com/%s/article", mid);
		what = xasprintf("user %s, page %d of the opus list", mid, page);
		rc = api_get(a, url, referer, what, &body, &root, e);
		if (rc == 0) {
			rc = feed_page(root, out, &more, &offset, e);
			if (rc < 0)
				err_prefix(e, "%s", what);
			jsv_free(root);
			buf_release(&body);
		}
		free(url);
		free(referer);
		free(what);
		if (rc < 0) {
			free(offset);
			return -1;
		}
		log_info("user %s: page %d, %zu opus so far", mid, page, out->n);
		/* a page that adds nothing new, or no offset to go on from, ends the walk */
		if (more && (offset == NULL || out->n == before)) {
			log_warn("user %s: the list says there is more, but gives no new item or offset; "
			    "stopping at %zu", mid, out->n);
			more = false;
		}
	}
	free(offset);
	return 0;
}

int
api_resolve_short(struct api *a, const char *url, char **final, struct err *e)
{
	struct fetch_job job;

	memset(&job, 0, sizeof job);
	job.url = url;
	job.kind = FETCH_PAGE;
	job.max_bytes = 4u * 1024 * 1024;
	fetch_run(a->f, &job, 1, NULL, NULL);
	buf_release(&job.body);
	/* a 404 at the end still tells where the redirect led; only no redirect at all is a failure */
	if (job.effective_url == NULL || strcmp(job.effective_url, url) == 0) {
		err_set(e, "short link '%s' leads nowhere: %s", url,
		    job.error[0] ? job.error : "no redirect");
		free(job.effective_url);
		return -1;
	}
	*final = job.effective_url;
	return 0;
}
