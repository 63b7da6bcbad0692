#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "assets.h"
#include "cv.h"
#include "file.h"
#include "jsonval.h"
#include "load.h"
#include "log.h"
#include "oldbook.h"
#include "opus.h"
#include "pictures.h"
#include "series.h"
#include "xalloc.h"

char *
load_key(const struct input *in)
{
	if (in->kind == INPUT_READLIST)
		return xasprintf("rl%s", in->id);
	return in->kind == INPUT_CV ? xasprintf("cv%s", in->id) : xstrdup(in->id);
}

/*
 * Get ready to ask for the answer of kind ("opus" or "article") id: with
 * --offline it must be in the cache (what names it in the message: "opus N",
 * "cvN"), else the network is set up.
 */
static int
answer_ready(struct session *r, const char *kind, const char *id, const char *what,
    struct err *e)
{
	if (r->book_only)
		return err_set(e, "%s: not in the book, and --from-epub reads nothing else", what);
	if (r->o->offline) {
		char *path = cache_api_path(&r->cache, kind, id);
		bool have = file_exists(path);

		free(path);
		if (!have)
			return err_set(e, "%s: no saved response in the cache, and --offline is set", what);
		return 0;
	}
	return session_net_up(r, e);
}

/* The article/view response of cvN: from the cache with --offline, else through the API. */
static int
article_view(struct session *r, const char *cv, struct file_bytes *raw, struct jsv **root,
    struct err *e)
{
	char *what = xasprintf("cv%s", cv);
	int rc = answer_ready(r, "article", cv, what, e);

	free(what);
	if (rc < 0)
		return -1;
	return api_article_view(&r->api, cv, raw, root, e);
}

int
load_parse(struct session *r, struct file_bytes *raw, const struct jsv *root,
    const char *source, struct article **out, struct err *e)
{
	char *cv = NULL;
	struct file_bytes view = { 0 };
	struct jsv *view_root = NULL;
	int rc = -1;

	*out = NULL;
	if (cv_is_article_view(root)) {
		if ((*out = cv_parse(root, e)) != NULL)
			article_take_raw(*out, raw);
	} else {
		switch (opus_parse(root, out, &cv, e)) {
		case OPUS_OK:
			article_take_raw(*out, raw);
			break;
		case OPUS_FALLBACK:
			log_info("%s: an old-style 专栏 article: reading cv%s through article/view",
			    source, cv);
			/* the article is the view's: *raw stays the caller's */
			if (article_view(r, cv, &view, &view_root, e) == 0 &&
			    (*out = cv_parse(view_root, e)) != NULL)
				article_take_raw(*out, &view);
			break;
		case OPUS_ERROR:
		default:
			break;
		}
	}
	if (*out)
		rc = 0;
	else
		err_prefix(e, "%s", source);
	jsv_free(view_root);
	file_bytes_release(&view);
	free(cv);
	return rc;
}

int
load_resolve(struct session *r, const char *arg, struct input *in, struct err *e)
{
	char *final = NULL;
	struct input again;

	if (input_parse(arg, in, e) < 0)
		return -1;
	if (in->kind != INPUT_SHORT)
		return 0;
	if (r->o->offline) {
		err_set(e, "'%s': a short link needs the network (--offline is set)", arg);
		goto fail;
	}
	if (session_net_up(r, e) < 0 || api_resolve_short(&r->api, in->url, &final, e) < 0)
		goto fail;
	if (input_parse(final, &again, e) < 0 || again.kind == INPUT_SHORT) {
		err_set(e, "'%s' leads to '%s', which is not an opus or 专栏 article", arg, final);
		free(final);
		if (again.kind == INPUT_SHORT)
			input_release(&again);
		goto fail;
	}
	log_info("'%s' leads to '%s'", arg, final);
	free(final);
	input_release(in);
	*in = again;
	return 0;
fail:
	input_release(in);
	return -1;
}

static int
load_opus(struct session *r, const struct input *in, struct article **a, struct err *e)
{
	struct file_bytes raw = { 0 };
	struct jsv *root = NULL;
	char *source;
	int rc;

	source = xasprintf("opus %s", in->id);
	if (answer_ready(r, "opus", in->id, source, e) < 0) {
		free(source);
		return -1;
	}
	if (api_opus_detail(&r->api, in->id, &raw, &root, e) < 0) {
		free(source);
		return -1;
	}
	rc = load_parse(r, &raw, root, source, a, e);
	free(source);
	jsv_free(root);
	file_bytes_release(&raw);
	return rc;
}

int
load_article(struct session *r, const struct input *in, struct article **a, struct err *e)
{
	char *key = load_key(in);
	const char *before = r->capture.current;
	int rc;

	*a = NULL;
	/* every exchange from here on (a fall-back's included) is this article's */
	capture_set_current(&r->capture, key);
	if (in->kind == INPUT_CV) {
		struct file_bytes raw = { 0 };
		struct jsv *root = NULL;

		rc = article_view(r, in->id, &raw, &root, e);
		/* cv_parse names the article in its own messages */
		if (rc == 0)
			rc = load_parse(r, &raw, root, "article/view", a, e);
		jsv_free(root);
		file_bytes_release(&raw);
	} else {
		rc = load_opus(r, in, a, e);
	}
	capture_set_current(&r->capture, before);
	free(key);
	return rc;
}

/* Return true when the API response for in is in the cache (and will be used). */
static bool
load_cached(struct session *r, const struct input *in)
{
	char *path;
	bool have;

	if (r->o->net.refresh && !r->o->offline)
		return false;
	path = cache_api_path(&r->cache, in->kind == INPUT_CV ? "article" : "opus", in->id);
	have = file_exists(path);
	free(path);
	return have;
}

/*
 * A batch of API answers to fetch together: kinds[] and ids[] as
 * api_prefetch_begin takes them (borrowed), and tags[], the key of the
 * article each is for (owned).
 */
struct wanted {
	const char **kinds, **ids;
	char **tags;
	size_t n;
};

static void
wanted_init(struct wanted *w, size_t max)
{
	w->kinds = xcalloc(max ? max : 1, sizeof *w->kinds);
	w->ids = xcalloc(max ? max : 1, sizeof *w->ids);
	w->tags = xcalloc(max ? max : 1, sizeof *w->tags);
	w->n = 0;
}

static void
wanted_release(struct wanted *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->tags[i]);
	free(w->kinds);
	free(w->ids);
	free(w->tags);
}

/* The inputs of v whose API answer is not in the cache yet: opus ids and 专栏 numbers alike. */
static void
wanted_inputs(struct session *r, const struct input *v, size_t n, struct wanted *w)
{
	for (size_t i = 0; i < n; i++) {
		if ((v[i].kind != INPUT_OPUS && v[i].kind != INPUT_CV) || load_cached(r, &v[i]))
			continue;
		w->kinds[w->n] = v[i].kind == INPUT_CV ? "article" : "opus";
		w->ids[w->n] = v[i].id;
		w->tags[w->n++] = load_key(&v[i]);
	}
}

/* Begin w's jobs, tagged with their articles; NULL when the API cannot be used. */
static struct fetch_job *
wanted_begin(struct session *r, const struct wanted *w)
{
	struct fetch_job *jobs = api_prefetch_begin(&r->api, w->kinds, w->ids, w->n);

	for (size_t i = 0; jobs && i < w->n; i++)
		jobs[i].tag = w->tags[i];
	return jobs;
}

/* Fetch w's answers together, into the cache; the 专栏 they fall back to go into fallbacks. */
static void
wanted_run(struct session *r, const struct wanted *w, struct api_ids *fallbacks)
{
	struct fetch_job *jobs;

	if (w->n == 0 || r->f == NULL || (jobs = wanted_begin(r, w)) == NULL)
		return;
	fetch_run(r->f, jobs, w->n, NULL, NULL);
	api_prefetch_end(&r->api, w->kinds, w->ids, jobs, w->n, fallbacks);
}

/*
 * The 专栏 articles that prefetched opus answers fell back to: their
 * article/view answers together, in one more round, instead of one at a time
 * when each article is loaded; recorded as the opus's.
 */
static void
prefetch_fallbacks(struct session *r, const struct api_ids *cvs)
{
	struct wanted w;

	wanted_init(&w, cvs->n);
	for (size_t i = 0; i < cvs->n; i++) {
		struct input in;

		memset(&in, 0, sizeof in);
		in.kind = INPUT_CV;
		in.id = cvs->v[i];
		if (load_cached(r, &in))
			continue;
		w.kinds[w.n] = "article";
		w.ids[w.n] = cvs->v[i];
		w.tags[w.n++] = cvs->from[i] ? xstrdup(cvs->from[i]) : load_key(&in);
	}
	wanted_run(r, &w, NULL);
	wanted_release(&w);
}

void
load_prefetch(struct session *r, const struct input *v, size_t n)
{
	struct api_ids fallbacks = { 0 };
	struct wanted w;
	struct err e;

	if (r->o->offline)
		return;
	wanted_init(&w, n);
	wanted_inputs(r, v, n, &w);
	err_init(&e);
	if (w.n > 1 && session_net_up(r, &e) == 0) {
		wanted_run(r, &w, &fallbacks);
		prefetch_fallbacks(r, &fallbacks);
	}
	api_ids_release(&fallbacks);
	wanted_release(&w);
}

void
load_prefetch_pictures(struct session *r, struct article *const *v, const char *const *keys,
    size_t n, const struct input *next, size_t nnext)
{
	struct api_ids fallbacks = { 0 };
	struct fetch_job *api_jobs = NULL;
	struct assets t;
	struct wanted w;
	const char **tags = NULL;
	size_t k, tags_cap = 0;
	struct err e;

	if (r->o->offline)
		return;
	wanted_init(&w, nnext);
	wanted_inputs(r, next, nnext, &w);
	err_init(&e);
	if (w.n > 0 && session_net_up(r, &e) == 0)
		api_jobs = wanted_begin(r, &w);
	k = api_jobs ? w.n : 0;
	assets_init(&t);
	/* one article alone gets its pictures when it is written, as a single run does */
	for (size_t i = 0; n > 1 && i < n; i++) {
		size_t before = t.n;

		pictures_of(v[i], &t);
		/* each new picture is recorded as its article's (a shared one: the first's) */
		XGROW(tags, tags_cap, t.n ? t.n : 1);
		for (size_t j = before; j < t.n; j++)
			tags[j] = keys[i];
	}
	if (t.n + k > 0) {
		err_init(&e);
		/* failures stay quiet here: each article's own pass retries and reports them */
		if (pictures_download(r, "", &t, tags, api_jobs, k, &e) < 0) {
			log_info("%s", e.msg);
			for (size_t i = 0; i < k; i++)
				snprintf(api_jobs[i].error, sizeof api_jobs[i].error, "%s", "not run");
		}
	}
	if (api_jobs)
		api_prefetch_end(&r->api, w.kinds, w.ids, api_jobs, k, &fallbacks);
	prefetch_fallbacks(r, &fallbacks);
	assets_release(&t);
	api_ids_release(&fallbacks);
	wanted_release(&w);
	free(tags);
}

int
load_series(struct session *r, const char *rl, struct series **out, struct err *e)
{
	char *what = xasprintf("rl%s", rl);
	struct file_bytes raw = { 0 };
	struct jsv *root = NULL;
	int rc = answer_ready(r, "readlist", rl, what, e);

	*out = NULL;
	if (rc == 0)
		rc = api_readlist(&r->api, rl, r->o->offline, &raw, &root, e);
	if (rc == 0) {
		*out = series_parse(root, rl, raw.data, raw.len, e);
		rc = *out ? 0 : -1;
	}
	jsv_free(root);
	file_bytes_release(&raw);
	free(what);
	return rc;
}

/*
 * Parse the responses of the old book b into v[] (b->nresponses of them),
 * each named in messages by the book and its member.  An article must be the
 * one its member's name says: the kept document names and identifier are
 * for it.
 */
int
load_parse_book(struct session *r, const struct oldbook *b, struct article **v, struct err *e)
{
	for (size_t i = 0; i < b->nresponses; i++) {
		const struct oldbook_response *x = &b->responses[i];
		char *source = xasprintf("'%s': %s", b->path, x->member);
		/* the article takes a copy (byte for byte): the member is the old book's */
		struct file_bytes raw = file_bytes_of(memcpy(xmalloc(x->len + 1), x->data, x->len),
		    x->len);
		struct jsv *root;
		int rc = -1;

		raw.data[x->len] = '\0';
		root = jsv_parse(raw.data, raw.len, OPUS_MAX_DEPTH, e);
		if (root == NULL)
			err_prefix(e, "%s", source);
		else if (load_parse(r, &raw, root, source, &v[i], e) == 0)
			rc = 0;
		if (rc == 0 && strcmp(v[i]->id, x->id) != 0)
			rc = err_set(e, "%s: the response is of %s%s, not of %s", source,
			    article_kind(v[i]->id), v[i]->id, x->id);
		jsv_free(root);
		file_bytes_release(&raw);
		free(source);
		if (rc < 0)
			return -1;
	}
	return 0;
}
