#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "api.h"
#include "archive.h"
#include "assets.h"
#include "book.h"
#include "cache.h"
#include "epub.h"
#include "fetch.h"
#include "file.h"
#include "input.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "render.h"
#include "sha256.h"
#include "site.h"
#include "xalloc.h"

enum out_format
archive_pick_format(enum out_format f, const char *output)
{
	size_t n = strlen(output);

	if (f != FORMAT_AUTO)
		return f;
	if ((n > 0 && output[n - 1] == '/') || file_is_dir(output))
		return FORMAT_SITE;
	return FORMAT_EPUB;
}

static void
add_picture(const char *url, void *ctx)
{
	assets_add(ctx, url);
}

/*
 * What is fetched for a picture, and what its cache entry is named after:
 * the original, or with --max-image-width the server's scaled copy (spec §4,
 * "@<n>w"), which is a different picture and so a different cache entry.
 * Caller frees.
 */
static char *
picture_source(const struct archive_opts *o, const char *key)
{
	if (o->max_image_width > 0)
		return xasprintf("%s@%dw", key, o->max_image_width);
	return xstrdup(key);
}

static char *
picture_cache_path(const struct cache *c, const struct archive_opts *o, const char *key)
{
	char *src = picture_source(o, key);
	char *path = cache_picture_path(c, src);

	free(src);
	return path;
}

/*
 * Settle every picture from the cache.  Return how many are not usable; each
 * gets one warning naming the picture and why.
 */
static size_t
resolve_pictures(const struct article *a, struct assets *t, const struct cache *c,
    const struct archive_opts *o, struct err *e)
{
	size_t bad = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];
		char *path = picture_cache_path(c, o, as->key);

		if (file_exists(path)) {
			if (asset_settle(as, path, e) < 0) {
				/* unreadable cache file: a missing picture, not a failed book */
				as->state = ASSET_MISSING;
				free(as->problem);
				as->problem = xstrdup(e->msg);
				err_init(e);
			}
		} else {
			as->state = ASSET_MISSING;
			if (as->problem == NULL)
				as->problem = xstrdup(o->offline ? "not in the cache, and --offline is set" :
				    "not in the cache");
		}
		if (as->state != ASSET_READY) {
			bad++;
			log_warn("opus %s: picture '%s': %s", a->id, as->key, as->problem);
		}
		free(path);
	}
	return bad;
}

/* The cover: the first TOP album picture, else the first content picture, if usable. */
static const struct asset *
pick_cover(const struct article *a, const struct assets *t)
{
	const struct asset *as;

	for (size_t i = 0; i < a->ntop; i++)
		if ((as = assets_find(t, a->top[i].url)) && as->state == ASSET_READY)
			return as;
	for (size_t i = 0; i < a->nblocks; i++) {
		const struct block *b = &a->blocks[i];

		for (size_t j = 0; j < b->npics; j++)
			if ((as = assets_find(t, b->pics[j].url)) && as->state == ASSET_READY)
				return as;
	}
	return NULL;
}

/* Add every usable picture once (two URLs may carry the same bytes: one file). */
static void
add_pictures(struct book *b, const struct assets *t, const struct asset *cover)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct asset *as = &t->v[i];
		struct book_item *it;
		char id[48];

		if (as->state != ASSET_READY || book_find(b, as->href))
			continue;
		if (as == cover || (cover && strcmp(as->href, cover->href) == 0))
			snprintf(id, sizeof id, "cover-image");
		else
			snprintf(id, sizeof id, "img-%.24s", as->href + strlen("images/"));
		it = book_add_file(b, as->href, media_type(as->media), id, as->path);
		if (strcmp(id, "cover-image") == 0)
			it->properties = xstrdup("cover-image");
	}
}

/* A name-based UUID (RFC 9562 version 8, from SHA-256) so the same opus keeps the same identifier. */
static char *
book_identifier(const char *id)
{
	char *seed = xasprintf("opus-archive:bilibili-opus:%s", id);
	char hex[65];

	sha256_hex(seed, strlen(seed), hex);
	free(seed);
	hex[12] = '8';
	hex[16] = "89ab"[hex[16] % 4];
	return xasprintf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	    hex + 20);
}

static int
read_stylesheet(const char *templates, char **css, size_t *len, struct err *e)
{
	char *path = xasprintf("%s/style.css", templates);
	int rc = file_read(path, 4u * 1024 * 1024, css, len, e);

	free(path);
	return rc;
}

static int
build_epub(const struct article *a, const struct assets *t, const struct archive_opts *o,
    struct err *e)
{
	struct render_opts ro = { o->templates, o->lang, RENDER_EPUB, o->now };
	struct book content, root;
	struct toc toc = { 0 };
	const struct asset *cover = pick_cover(a, t);
	char *doc_name = xasprintf("opus-%s.xhtml", a->id);
	char *identifier = book_identifier(a->id);
	char *data, *raw_name;
	size_t len;
	struct book_item *it;
	int rc = -1;

	book_init(&content);
	book_init(&root);
	if (render_cover(a, cover, &ro, &data, &len, e) < 0)
		goto out;
	it = book_add_data(&content, "cover.xhtml", "application/xhtml+xml", "cover", data, len);
	it->spine = true;
	if (render_article(a, t, doc_name, &ro, &toc, &data, &len, e) < 0)
		goto out;
	it = book_add_data(&content, doc_name, "application/xhtml+xml", "article", data, len);
	it->spine = true;
	if (render_nav(a->title, &toc, "cover.xhtml", doc_name, &ro, &data, &len, e) < 0)
		goto out;
	it = book_add_data(&content, "nav.xhtml", "application/xhtml+xml", "nav", data, len);
	it->properties = xstrdup("nav");
	if (render_ncx(a->title, identifier, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&content, "toc.ncx", "application/x-dtbncx+xml", "ncx", data, len);
	if (read_stylesheet(o->templates, &data, &len, e) < 0)
		goto out;
	book_add_data(&content, "style.css", "text/css", "css", data, len);
	add_pictures(&content, t, cover);
	{
		struct book_meta m = {
			identifier, a->title, a->author_name, o->lang, a->pub_ts, o->now,
			a->source_url, a->tags, a->ntags, NULL, cover ? "cover-image" : NULL,
		};

		if (render_opf(&m, &content, "ncx", &data, &len, e) < 0)
			goto out;
	}
	book_add_data(&root, "OEBPS/content.opf", "application/oebps-package+xml", "opf", data, len);
	if (render_container("OEBPS/content.opf", &data, &len, e) < 0)
		goto out;
	book_add_data(&root, "META-INF/container.xml", "application/xml", "container", data, len);
	/* The response itself, so the book can be rendered again without the network. */
	raw_name = xasprintf("META-INF/opus-archive/%s-%s.json", a->raw_name, a->id);
	book_add_data(&root, raw_name, "application/json", "raw", xstrndup(a->raw, a->raw_len),
	    a->raw_len);
	free(raw_name);
	rc = epub_write(o->output, &root, &content, "OEBPS", o->now, e);
out:
	toc_release(&toc);
	book_release(&content);
	book_release(&root);
	free(doc_name);
	free(identifier);
	return rc;
}

static int
build_site(const struct article *a, const struct assets *t, const struct archive_opts *o,
    struct err *e)
{
	struct render_opts ro = { o->templates, o->lang, RENDER_SITE, o->now };
	struct book site;
	struct toc toc = { 0 };
	const struct asset *cover = pick_cover(a, t);
	char *page = xasprintf("%s.html", a->id);
	char *data, *raw_name;
	size_t len;
	int rc = -1;

	book_init(&site);
	add_pictures(&site, t, NULL);
	if (read_stylesheet(o->templates, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, "style.css", "text/css", "css", data, len);
	raw_name = xasprintf("raw/%s-%s.json", a->raw_name, a->id);
	book_add_data(&site, raw_name, "application/json", "raw", xstrndup(a->raw, a->raw_len),
	    a->raw_len);
	free(raw_name);
	if (render_article(a, t, page, &ro, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, page, "text/html", "article", data, len);
	{
		struct index_entry ie = {
			a->title, a->author_name, a->pub_ts, page, cover ? cover->href : NULL,
		};

		if (render_index(&ie, 1, &ro, &data, &len, e) < 0)
			goto out;
	}
	book_add_data(&site, "index.html", "text/html", "index", data, len);
	rc = site_write(o->output, &site, e);
out:
	toc_release(&toc);
	book_release(&site);
	free(page);
	return rc;
}

/* What one run shares between its articles: the cache and, once needed, the network. */
struct session {
	const struct archive_opts *o;
	struct cache cache;
	struct fetcher *f;
	struct api api;
};

static int
net_up(struct session *r, struct err *e)
{
	const struct net_opts *n = &r->o->net;
	struct fetch_config cfg = {
		n->user_agent ? n->user_agent : api_default_user_agent, n->cacert,
		n->connect_to, n->nconnect_to, n->connect_timeout_ms, n->timeout_ms,
		n->retries, n->retry_delay, n->rate, n->jobs, NULL, NULL,
	};

	if (r->f)
		return 0;
	r->f = fetch_new(&cfg, e);
	if (r->f == NULL)
		return -1;
	if (n->cookies) {
		int count;

		if (fetch_load_cookies(r->f, n->cookies, &count, e) < 0)
			return -1;
		log_info("loaded %d bilibili.com cookies from '%s'", count, n->cookies);
		if (count == 0)
			log_warn("--cookies '%s' holds no cookie for bilibili.com", n->cookies);
	}
	r->api.f = r->f;
	return 0;
}

static void
show_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	const char *id = ctx;

	fprintf(stderr, "\r\033[Kopus %s: pictures %zu/%zu, %.1f MB", id, done, total,
	    (double)bytes / 1e6);
	if (done == total)
		fputc('\n', stderr);
}

/* The same picture from the image server as PNG or JPEG, through its "@" suffix (spec §4). */
static char *
converted_url(const struct archive_opts *o, const char *key)
{
	const char *dot = strrchr(key, '.');
	bool png = dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".gif") == 0);
	char width[32] = "";

	if (o->max_image_width > 0)
		snprintf(width, sizeof width, "%dw", o->max_image_width);
	return xasprintf("%s@%s%s", key, width, png ? ".png" : ".jpg");
}

/*
 * Download every picture that is not in the cache yet, into the cache, with
 * up to --jobs transfers at once.  A picture that fails keeps its reason for
 * the placeholder.  Then re-request as PNG or JPEG the pictures whose bytes
 * are WebP or AVIF (checked after settling).
 */
static int
download_pictures(struct session *r, const struct article *a, struct assets *t, struct err *e)
{
	const struct net_opts *n = &r->o->net;
	struct fetch_job *jobs = xcalloc(t->n ? t->n : 1, sizeof *jobs);
	struct asset **who = xcalloc(t->n ? t->n : 1, sizeof *who);
	char **paths = xcalloc(t->n ? t->n : 1, sizeof *paths);
	char **urls = xcalloc(t->n ? t->n : 1, sizeof *urls);
	size_t nj = 0;

	if (net_up(r, e) < 0) {
		free(jobs);
		free(who);
		free(paths);
		free(urls);
		return -1;
	}
	for (size_t i = 0; i < t->n; i++) {
		char *path = picture_cache_path(&r->cache, r->o, t->v[i].key);

		if (file_exists(path)) {
			free(path);
			continue;
		}
		urls[nj] = picture_source(r->o, t->v[i].key);
		jobs[nj].url = urls[nj];
		jobs[nj].referer = "https://www.bilibili.com/";
		jobs[nj].kind = FETCH_PICTURE;
		jobs[nj].max_bytes = n->max_image_size;
		jobs[nj].dest = path;
		paths[nj] = path;
		who[nj++] = &t->v[i];
	}
	if (nj > 0) {
		log_info("opus %s: downloading %zu pictures", a->id, nj);
		fetch_run(r->f, jobs, nj, r->o->progress ? show_progress : NULL, a->id);
		for (size_t i = 0; i < nj; i++) {
			if (!jobs[i].ok) {
				free(who[i]->problem);
				who[i]->problem = xasprintf("download failed: %s", jobs[i].error);
			}
			buf_release(&jobs[i].body);
			free(jobs[i].effective_url);
		}
	}
	for (size_t i = 0; i < nj; i++) {
		free(paths[i]);
		free(urls[i]);
	}
	free(jobs);
	free(who);
	free(paths);
	free(urls);
	return 0;
}

/* Ask again, as PNG or JPEG, for the pictures that came as WebP or AVIF. */
static void
convert_unusable(struct session *r, struct assets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];
		struct fetch_job job;
		struct err e;
		char *url, *path;

		if (as->state != ASSET_UNUSABLE || (as->media != MEDIA_WEBP && as->media != MEDIA_AVIF))
			continue;
		url = converted_url(r->o, as->key);
		path = picture_cache_path(&r->cache, r->o, as->key);
		memset(&job, 0, sizeof job);
		job.url = url;
		job.referer = "https://www.bilibili.com/";
		job.kind = FETCH_PICTURE;
		job.max_bytes = r->o->net.max_image_size;
		job.dest = path;
		log_info("picture '%s' came as %s; asking for '%s'", as->key, media_type(as->media), url);
		fetch_run(r->f, &job, 1, NULL, NULL);
		err_init(&e);
		if (job.ok && asset_settle(as, path, &e) == 0 && as->state == ASSET_READY) {
			log_info("picture '%s': converted copy is %s", as->key, media_type(as->media));
		} else if (!job.ok) {
			free(as->problem);
			as->problem = xasprintf("it came as WebP or AVIF, and asking for PNG or JPEG failed: %s",
			    job.error);
		}
		buf_release(&job.body);
		free(job.effective_url);
		free(url);
		free(path);
	}
}

/* Settle every picture; with the network, fetch what is missing first. */
static size_t
gather_pictures(struct session *r, const struct article *a, struct assets *t, struct err *e)
{
	bool online = !r->o->offline;
	size_t bad;

	article_each_picture(a, add_picture, t);
	if (online && download_pictures(r, a, t, e) < 0) {
		/* no network at all: every missing picture becomes a placeholder */
		log_warn("opus %s: %s", a->id, e->msg);
		err_init(e);
		online = false;
	}
	if (online) {
		/* settle quietly first, so converted pictures are not reported as unusable */
		for (size_t i = 0; i < t->n; i++) {
			char *path = picture_cache_path(&r->cache, r->o, t->v[i].key);
			struct err ie;

			err_init(&ie);
			if (file_exists(path))
				asset_settle(&t->v[i], path, &ie);
			free(path);
		}
		convert_unusable(r, t);
	}
	bad = resolve_pictures(a, t, &r->cache, r->o, e);
	return bad;
}

/* Render the response in raw (len bytes, named source in messages) into output. */
static enum archive_result
archive_response(struct session *r, const char *raw, size_t len, const char *source,
    const char *output, struct err *e)
{
	struct archive_opts o = *r->o;
	struct article *a = NULL;
	struct assets t;
	char *cv = NULL;
	size_t missing;
	enum archive_result res = ARCHIVE_FAILED;
	int rc;

	o.output = output;
	assets_init(&t);
	switch (opus_parse(raw, len, &a, &cv, e)) {
	case OPUS_OK:
		break;
	case OPUS_FALLBACK:
		err_set(e, "the response is a fallback to the old-style 专栏 article cv%s, "
		    "which this version cannot read yet", cv);
		/* FALLTHROUGH */
	case OPUS_ERROR:
	default:
		err_prefix(e, "%s", source);
		goto out;
	}
	log_info("opus %s: '%s' by %s, %zu blocks", a->id, a->title,
	    a->author_name ? a->author_name : "?", a->nblocks);
	missing = gather_pictures(r, a, &t, e);
	if (archive_pick_format(o.format, o.output) == FORMAT_SITE)
		rc = build_site(a, &t, &o, e);
	else
		rc = build_epub(a, &t, &o, e);
	if (rc < 0) {
		err_prefix(e, "opus %s", a->id);
		goto out;
	}
	if (missing) {
		log_warn("opus %s: %zu of %zu pictures could not be archived; wrote '%s' without them",
		    a->id, missing, t.n, o.output);
		res = ARCHIVE_INCOMPLETE;
	} else if (a->repaired) {
		log_warn("opus %s: wrote '%s' with repaired text", a->id, o.output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("opus %s: wrote '%s' (%zu pictures)", a->id, o.output, t.n);
		res = ARCHIVE_OK;
	}
out:
	article_free(a);
	assets_release(&t);
	free(cv);
	return res;
}

/* Where the book of article id goes. */
static char *
output_for(const struct archive_opts *o, const char *id)
{
	bool site = archive_pick_format(o->format, o->output ? o->output : "") == FORMAT_SITE;

	if (o->output == NULL)
		return xasprintf(site ? "%s/" : "%s.epub", id);
	if (o->nids > 1 || (file_is_dir(o->output) && !site))
		return xasprintf("%s%s%s.epub", o->output,
		    o->output[strlen(o->output) - 1] == '/' ? "" : "/", id);
	return xstrdup(o->output);
}

static enum archive_result
archive_one_id(struct session *r, const char *arg, struct err *e)
{
	struct input in;
	char *raw = NULL, *output = NULL, *source = NULL;
	size_t len;
	enum archive_result res = ARCHIVE_FAILED;

	if (input_parse(arg, &in, e) < 0)
		return ARCHIVE_FAILED;
	if (in.kind == INPUT_SHORT) {
		char *final = NULL;
		struct input again;

		if (r->o->offline) {
			err_set(e, "'%s': a short link needs the network (--offline is set)", arg);
			goto out;
		}
		if (net_up(r, e) < 0 || api_resolve_short(&r->api, in.url, &final, e) < 0)
			goto out;
		if (input_parse(final, &again, e) < 0 || again.kind == INPUT_SHORT) {
			err_set(e, "'%s' leads to '%s', which is not an opus or 专栏 article", arg, final);
			free(final);
			if (again.kind == INPUT_SHORT)
				input_release(&again);
			goto out;
		}
		log_info("'%s' leads to '%s'", arg, final);
		free(final);
		input_release(&in);
		in = again;
	}
	if (in.kind == INPUT_CV) {
		err_set(e, "cv%s: old-style 专栏 articles are not supported yet", in.id);
		goto out;
	}
	if (r->o->offline) {
		char *path = cache_api_path(&r->cache, "opus", in.id);

		if (!file_exists(path)) {
			err_set(e, "opus %s: no saved response in the cache, and --offline is set", in.id);
			free(path);
			goto out;
		}
		free(path);
	} else if (net_up(r, e) < 0) {
		goto out;
	}
	if (api_opus_detail(&r->api, in.id, &raw, &len, e) < 0)
		goto out;
	output = output_for(r->o, in.id);
	source = xasprintf("opus %s", in.id);
	res = archive_response(r, raw, len, source, output, e);
out:
	input_release(&in);
	free(raw);
	free(output);
	free(source);
	return res;
}

enum archive_result
archive_run(const struct archive_opts *o, struct err *e)
{
	struct session r;
	enum archive_result worst = ARCHIVE_OK;

	memset(&r, 0, sizeof r);
	r.o = o;
	if (cache_init(&r.cache, o->cache_dir, e) < 0)
		return ARCHIVE_FAILED;
	r.api.cache = &r.cache;
	r.api.retries = o->net.retries;
	r.api.refresh = o->net.refresh;
	if (o->from_json) {
		const char *src = strcmp(o->from_json, "-") == 0 ? "standard input" : o->from_json;
		char *buf = NULL, *quoted = xasprintf("'%s'", src);
		size_t len;

		if (file_read(o->from_json, ARCHIVE_MAX_RESPONSE, &buf, &len, e) < 0)
			worst = ARCHIVE_FAILED;
		else
			worst = archive_response(&r, buf, len, quoted, o->output, e);
		free(buf);
		free(quoted);
	} else {
		if (o->nids > 1 && o->output && !file_is_dir(o->output)) {
			struct err me;

			err_init(&me);
			if (file_mkdirs(o->output, &me) < 0) {
				*e = me;
				worst = ARCHIVE_FAILED;
				goto out;
			}
		}
		for (size_t i = 0; i < o->nids; i++) {
			enum archive_result res = archive_one_id(&r, o->ids[i], e);

			if (o->nids > 1 && res == ARCHIVE_FAILED) {
				log_error("%s", e->msg);
				err_init(e);
			}
			if (res == ARCHIVE_FAILED || (res == ARCHIVE_INCOMPLETE && worst == ARCHIVE_OK))
				worst = res;
		}
		if (o->nids > 1 && worst == ARCHIVE_FAILED)
			err_set(e, "some articles failed");
	}
out:
	fetch_free(r.f);
	cache_release(&r.cache);
	return worst;
}
