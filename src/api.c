#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "file.h"
#include "jsonval.h"
#include "log.h"
#include "xalloc.h"

const char api_default_user_agent[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0";

#define API_BASE "https://api.bilibili.com"
/* The web page's own feature list; htmlNewStyle makes old 专栏 answer in full (spec §1.1). */
#define DETAIL_FEATURES "onlyfansVote,onlyfansAssetsV2,decorationCard,htmlNewStyle,ugcDelete," \
	"editable,opusPrivateVisible,tribeeEdit,avatarAutoTheme,avatarTypeOpus"

/* Read the envelope's code and message; false when the body is not an envelope. */
static bool
envelope(const char *body, size_t len, long long *code, char **message, struct jsv **root_out)
{
	struct err e;
	struct jsv *root;
	const char *m;

	err_init(&e);
	root = jsv_parse(body, len, 128, &e);
	if (root == NULL || !jsv_int(jsv_get(root, "code"), code)) {
		jsv_free(root);
		return false;
	}
	m = jsv_str(jsv_get(root, "message"), NULL);
	*message = xstrdup(m && *m ? m : "(no message)");
	if (root_out)
		*root_out = root;
	else
		jsv_free(root);
	return true;
}

/*
 * GET an API URL, retrying risk-control answers (-352, -412, HTTP 412) with
 * backoff.  On success *body holds a code-0 envelope.
 */
static int
api_get(struct api *a, const char *url, const char *referer, const char *what,
    struct buf *body, struct err *e)
{
	for (int attempt = 0; ; attempt++) {
		struct fetch_job job;
		long long code = 0;
		char *msg = NULL;

		memset(&job, 0, sizeof job);
		job.url = url;
		job.referer = referer;
		job.kind = FETCH_API;
		job.max_bytes = API_MAX_RESPONSE;
		fetch_run(a->f, &job, 1, NULL, NULL);
		if (!job.ok && job.status != 412) {
			err_set(e, "%s: '%s': %s", what, url, job.error);
			buf_release(&job.body);
			free(job.effective_url);
			return -1;
		}
		if (job.ok && !envelope(buf_str(&job.body), job.body.len, &code, &msg, NULL)) {
			err_set(e, "%s: '%s': the answer is not an API response (HTTP %ld, %zu bytes)",
			    what, url, job.status, job.body.len);
			buf_release(&job.body);
			free(job.effective_url);
			return -1;
		}
		free(job.effective_url);
		if (job.ok && code == 0) {
			*body = job.body;
			free(msg);
			return 0;
		}
		buf_release(&job.body);
		if (job.status == 412 || code == -352 || code == -412) {
			if (attempt < a->retries) {
				log_info("%s: risk control (%s); waiting before trying again", what,
				    job.status == 412 ? "HTTP 412" : msg);
				free(msg);
				fetch_backoff(a->f, attempt + 1, 0);
				continue;
			}
			err_set(e, "%s: Bilibili's risk control refused the request %d times (%s); "
			    "try again later, with a lower --rate, or with your browser's cookies "
			    "(--cookies FILE)", what, attempt + 1,
			    job.status == 412 ? "HTTP 412" : msg);
		} else if (code == -404) {
			err_set(e, "%s: not found (API code -404: %s)", what, msg);
		} else if (code == -403 || code == -101) {
			err_set(e, "%s: Bilibili wants a logged-in user for this (API code %lld: %s); "
			    "export your browser's cookies and use --cookies FILE", what, code, msg);
		} else {
			err_set(e, "%s: API error %lld: %s", what, code, msg);
		}
		free(msg);
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

int
api_prepare(struct api *a, struct err *e)
{
	char *path, *stored = NULL;
	size_t len;
	struct buf body;
	struct jsv *root = NULL;
	long long code;
	char *msg = NULL;
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
	    "getting a buvid3 cookie", &body, e) < 0) {
		free(path);
		return -1;
	}
	envelope(buf_str(&body), body.len, &code, &msg, &root);
	b3 = jsv_str(jsv_path(root, "data.b_3"), NULL);
	if (!cookie_value_ok(b3)) {
		err_set(e, "getting a buvid3 cookie: the answer of x/frontend/finger/spi has no usable data.b_3");
		free(path);
		free(msg);
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
	free(msg);
	jsv_free(root);
	buf_release(&body);
	return 0;
}

int
api_opus_detail(struct api *a, const char *id, char **raw, size_t *len, struct err *e)
{
	char *path = cache_api_path(a->cache, "opus", id);
	char *url, *referer, *what;
	struct buf body;
	int rc = -1;

	*raw = NULL;
	if (!a->refresh && file_exists(path) &&
	    file_read(path, API_MAX_RESPONSE, raw, len, e) == 0) {
		log_info("opus %s: using the response kept in '%s'", id, path);
		free(path);
		return 0;
	}
	err_init(e);
	if (api_prepare(a, e) < 0) {
		free(path);
		return -1;
	}
	url = xasprintf(API_BASE "/x/polymer/web-dynamic/v1/opus/detail?id=%s&timezone_offset=-480"
	    "&features=" DETAIL_FEATURES, id);
	referer = xasprintf("https://www.bilibili.com/opus/%s", id);
	what = xasprintf("opus %s", id);
	if (api_get(a, url, referer, what, &body, e) == 0) {
		struct err we;

		err_init(&we);
		if (cache_store(a->cache, path, buf_str(&body), body.len, &we) < 0)
			log_warn("opus %s: cannot keep the response: %s", id, we.msg);
		*raw = buf_detach(&body, len);
		rc = 0;
	} else if (strstr(e->msg, "not found (API code -404")) {
		err_set(e, "opus %s not found (the API answered -404: it was deleted, is private, "
		    "or the id is wrong)", id);
	}
	free(url);
	free(referer);
	free(what);
	free(path);
	return rc;
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
