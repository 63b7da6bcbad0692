#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "api.h"
#include "archive.h"
#include "assets.h"
#include "batch.h"
#include "book.h"
#include "cache.h"
#include "cv.h"
#include "epub.h"
#include "fetch.h"
#include "file.h"
#include "input.h"
#include "jsonval.h"
#include "links.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "render.h"
#include "sha256.h"
#include "site.h"
#include "warc.h"
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
resolve_pictures(const char *what, struct assets *t, const struct cache *c,
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
			log_warn("%s%s: picture '%s': %s", article_kind(what), what, as->key, as->problem);
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

/* Where --css FILE goes in a book or site; the pages link it after style.css. */
#define USER_CSS "user.css"

/* Add our stylesheet and, with --css, the user's to b. */
static int
add_stylesheets(struct book *b, const struct archive_opts *o, struct err *e)
{
	char *data;
	size_t len;

	if (read_stylesheet(o->templates, &data, &len, e) < 0)
		return -1;
	book_add_data(b, "style.css", "text/css", "css", data, len);
	if (o->user_css == NULL)
		return 0;
	if (file_read(o->user_css, 4u * 1024 * 1024, &data, &len, e) < 0) {
		err_prefix(e, "--css");
		return -1;
	}
	book_add_data(b, USER_CSS, "text/css", "user-css", data, len);
	return 0;
}

/*
 * Add the cover page and, when there is no cover picture, a drawn cover with
 * the title, so that a reader's library shows more than a blank.
 */
static int
add_cover(struct book *content, const struct article *a, const struct asset *cover,
    const struct render_opts *ro, struct err *e)
{
	struct book_item *it;
	char *data;
	size_t len;

	if (cover == NULL) {
		if (render_cover_svg(a, ro, &data, &len, e) < 0)
			return -1;
		it = book_add_data(content, "cover.svg", "image/svg+xml", "cover-image", data, len);
		it->properties = xstrdup("cover-image");
	}
	if (render_cover(a, cover, cover ? NULL : "cover.svg", ro, &data, &len, e) < 0)
		return -1;
	it = book_add_data(content, "cover.xhtml", "application/xhtml+xml", "cover", data, len);
	it->spine = true;
	return 0;
}

void
archive_link_article(struct links *l, const char *id, const char *cv_id, const char *page)
{
	/* a 专栏 article read from article/view is known by "cvN" */
	if (strncmp(id, "cv", 2) == 0)
		links_add(l, INPUT_CV, id + 2, page);
	else
		links_add(l, INPUT_OPUS, id, page);
	if (cv_id)
		links_add(l, INPUT_CV, cv_id, page);
}

/* The article's own addresses lead to its page (more articles join in with batches). */
static void
link_self(struct links *l, const struct article *a, const char *page)
{
	archive_link_article(l, a->id, a->cv_id, page);
}

static int
build_epub(const struct article *a, const struct assets *t, const struct archive_opts *o,
    struct err *e)
{
	struct links links;
	struct render_opts ro = { o->templates, o->lang, RENDER_EPUB, o->now,
	    o->user_css ? USER_CSS : NULL, &links };
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
	links_init(&links);
	link_self(&links, a, doc_name);
	if (add_cover(&content, a, cover, &ro, e) < 0)
		goto out;
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
	if (add_stylesheets(&content, o, e) < 0)
		goto out;
	add_pictures(&content, t, cover);
	{
		struct book_meta m = {
			identifier, a->title, a->author_name, o->lang, a->pub_ts, o->now,
			a->source_url, a->tags, a->ntags, a->summary, "cover-image",
			a->collection_name,
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
	links_release(&links);
	toc_release(&toc);
	book_release(&content);
	book_release(&root);
	free(doc_name);
	free(identifier);
	return rc;
}

/*
 * Write a's page into the site directory o->output: NAME.html (name NULL:
 * the id), its pictures, the stylesheet and the raw response.  Without a
 * name the site is this one article and gets its index.html too; with one,
 * the page joins a library whose index the caller writes.
 */
static int
build_site(const struct article *a, const struct assets *t, const struct archive_opts *o,
    const char *name, const struct links *library, struct err *e)
{
	struct links links;
	struct render_opts ro = { o->templates, o->lang, RENDER_SITE, o->now,
	    o->user_css ? USER_CSS : NULL, &links };
	struct book site;
	struct toc toc = { 0 };
	const struct asset *cover = pick_cover(a, t);
	char *page = xasprintf("%s.html", name ? name : a->id);
	char *data, *raw_name;
	size_t len;
	int rc = -1;

	book_init(&site);
	links_init(&links);
	link_self(&links, a, page);
	for (size_t i = 0; library && i < library->n; i++)
		links_add(&links, library->v[i].kind, library->v[i].id, library->v[i].href);
	add_pictures(&site, t, NULL);
	if (add_stylesheets(&site, o, e) < 0)
		goto out;
	raw_name = xasprintf("raw/%s-%s.json", a->raw_name, a->id);
	book_add_data(&site, raw_name, "application/json", "raw", xstrndup(a->raw, a->raw_len),
	    a->raw_len);
	free(raw_name);
	if (render_article(a, t, page, &ro, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, page, "text/html", "article", data, len);
	if (name == NULL) {
		struct index_entry ie = {
			a->title, a->author_name, a->pub_ts, page, cover ? cover->href : NULL,
		};

		if (render_index(&ie, 1, &ro, &data, &len, e) < 0)
			goto out;
		book_add_data(&site, "index.html", "text/html", "index", data, len);
	}
	rc = site_write(o->output, &site, e);
out:
	links_release(&links);
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
	char label[256];        /* what the progress line starts with ("" = one article) */
	const char *current;    /* the article being fetched, for the progress line */
	struct warc *warc;      /* --warc: the run's WARC, or NULL */
	struct warc_slot *slots;        /* --warc-dir: the WARCs being written (owned) */
	size_t nslots;
	const struct links *library;    /* a library site's pages (borrowed), or NULL */
	const char *warc_id;    /* --warc-dir: the article being loaded or written, or NULL */
	char **warc_pics;       /* --warc-dir, while a batch's pictures come together: */
	const char **warc_pic_ids;      /* which article (id) each picture URL is for (owned URLs) */
	size_t nwarc_pics;
};

/*
 * --warc-dir: one WARC per article, DIR/ID.warc.gz, made when the article's
 * first exchange comes.  Exchanges that belong to no one article (short
 * links being resolved, a batch's listing pages and API prefetch bootstrap,
 * a combined book's pictures) go to DIR/run.warc.gz.
 */
struct warc_slot {
	char *name;             /* the opus id, or "run" */
	struct warc *w;         /* NULL once committed, or when it could not be made */
	bool failed;            /* it could not be made or written */
};

#define WARC_RUN_NAME "run"

static struct warc_slot *
warc_slot(struct session *r, const char *name)
{
	struct warc_slot *s;
	struct err e;

	for (size_t i = 0; i < r->nslots; i++)
		if (strcmp(r->slots[i].name, name) == 0)
			return &r->slots[i];
	r->slots = xreallocarray(r->slots, r->nslots + 1, sizeof *r->slots);
	s = &r->slots[r->nslots++];
	s->name = xstrdup(name);
	s->w = NULL;
	s->failed = false;
	err_init(&e);
	if (file_mkdirs(r->o->warc_dir, &e) == 0) {
		char *near = xasprintf("%s/%s.warc.gz", r->o->warc_dir, name);

		s->w = warc_open(near, r->o->args, r->o->nargs, &e);
		free(near);
	}
	if (s->w == NULL) {
		log_error("--warc-dir: %s", e.msg);
		s->failed = true;
	}
	return s;
}

/*
 * --warc-dir: remember which article each picture of v[] is for, while they
 * are downloaded together (a picture shared by several goes with the first).
 */
static void
warc_note_pictures(struct session *r, struct article *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct assets t;

		assets_init(&t);
		article_each_picture(v[i], add_picture, &t);
		for (size_t j = 0; j < t.n; j++) {
			r->warc_pics = xreallocarray(r->warc_pics, r->nwarc_pics + 1, sizeof *r->warc_pics);
			r->warc_pic_ids = xreallocarray(r->warc_pic_ids, r->nwarc_pics + 1,
			    sizeof *r->warc_pic_ids);
			r->warc_pics[r->nwarc_pics] = picture_source(r->o, t.v[j].key);
			r->warc_pic_ids[r->nwarc_pics++] = v[i]->id;
		}
		assets_release(&t);
	}
}

static void
warc_forget_pictures(struct session *r)
{
	for (size_t i = 0; i < r->nwarc_pics; i++)
		free(r->warc_pics[i]);
	free(r->warc_pics);
	free(r->warc_pic_ids);
	r->warc_pics = NULL;
	r->warc_pic_ids = NULL;
	r->nwarc_pics = 0;
}

/*
 * The article an exchange belongs to: the one in hand, the id in an opus
 * detail URL, or the article a picture being downloaded with others is for.
 */
static char *
exchange_article(const struct session *r, const char *url)
{
	const char *p = strstr(url, "/opus/detail?id=");

	if (r->warc_id)
		return xstrdup(r->warc_id);
	if (p && strspn(p + 16, "0123456789") > 0)
		return xasprintf("%.*s", (int)strspn(p + 16, "0123456789"), p + 16);
	for (size_t i = 0; i < r->nwarc_pics; i++)
		if (strcmp(r->warc_pics[i], url) == 0)
			return xstrdup(r->warc_pic_ids[i]);
	return xstrdup(WARC_RUN_NAME);
}

/* The fetch observer: every exchange goes into the WARC it belongs to. */
static void
record_exchange(void *ctx, const struct fetch_exchange *x)
{
	struct session *r = ctx;

	if (r->o->warc_dir) {
		char *name = exchange_article(r, x->url);
		struct warc_slot *s = warc_slot(r, name);

		free(name);
		if (s->w)
			warc_exchange(s->w, x);
	} else if (r->warc) {
		warc_exchange(r->warc, x);
	}
}

/*
 * Put a WARC in place at path and free it.  It is written whatever became of
 * the book, as the record of what the servers answered.  A WARC that cannot
 * be written is reported and turns a complete result (res, may be NULL) into
 * an incomplete one.
 */
static void
warc_done(struct warc *w, const char *path, enum archive_result *res)
{
	struct err e;
	size_t n = warc_count(w);

	err_init(&e);
	if (warc_commit(w, path, &e) < 0) {
		log_error("%s", e.msg);
		if (res && *res == ARCHIVE_OK)
			*res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("wrote '%s' (%zu HTTP exchanges)", path, n);
	}
}

/* --warc-dir: put the WARC named name in place (a failed one makes *res incomplete). */
static void
warc_slot_done(struct session *r, const char *name, enum archive_result *res)
{
	for (size_t i = 0; i < r->nslots; i++) {
		struct warc_slot *s = &r->slots[i];

		if (strcmp(s->name, name) != 0)
			continue;
		if (s->w) {
			char *path = xasprintf("%s/%s.warc.gz", r->o->warc_dir, s->name);

			warc_done(s->w, path, res);
			s->w = NULL;
			free(path);
		} else if (s->failed && res && *res == ARCHIVE_OK) {
			*res = ARCHIVE_INCOMPLETE;
		}
	}
}

/* Put every WARC still open in place (res may be NULL). */
static void
warc_all_done(struct session *r, enum archive_result *res)
{
	if (r->warc) {
		warc_done(r->warc, r->o->warc, res);
		r->warc = NULL;
	}
	for (size_t i = 0; i < r->nslots; i++)
		warc_slot_done(r, r->slots[i].name, res);
}

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
	if (r->o->warc || r->o->warc_dir) {
		cfg.observer = record_exchange;
		cfg.observer_ctx = r;
	}
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
	const struct session *r = ctx;

	/* no article name when the pictures of several come in together */
	log_progress("%s%s%s%spictures %zu/%zu, %.1f MB", r->label, *r->current ? "opus " : "",
	    r->current, *r->current ? ": " : "", done, total, (double)bytes / 1e6);
	if (done == total && r->label[0] == '\0')
		log_progress_keep();
}

void
archive_set_label(struct session *r, const char *label)
{
	snprintf(r->label, sizeof r->label, "%s", label ? label : "");
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
download_pictures(struct session *r, const char *what, struct assets *t, struct fetch_job *extra,
    size_t nextra, struct err *e)
{
	const struct net_opts *n = &r->o->net;
	struct fetch_job *jobs = xcalloc(t->n + nextra ? t->n + nextra : 1, sizeof *jobs);
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
	/* the extra transfers (the next articles' API answers) go along, after the pictures */
	for (size_t i = 0; i < nextra; i++)
		jobs[nj + i] = extra[i];
	if (nj + nextra > 0) {
		if (nj > 0)
			log_info("%s%s: downloading %zu pictures", *what ? "opus " : "",
			    *what ? what : "several articles", nj);
		r->current = what;
		fetch_run(r->f, jobs, nj + nextra, r->o->progress ? show_progress : NULL, r);
		for (size_t i = 0; i < nextra; i++)
			extra[i] = jobs[nj + i];
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
gather_pictures(struct session *r, const char *what, struct assets *t, struct err *e)
{
	bool online = !r->o->offline;
	size_t bad;

	if (online && download_pictures(r, what, t, NULL, 0, e) < 0) {
		/* no network at all: every missing picture becomes a placeholder */
		log_warn("%s%s: %s", article_kind(what), what, e->msg);
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
	bad = resolve_pictures(what, t, &r->cache, r->o, e);
	return bad;
}

/*
 * The article/view response of cvN, its bytes and its tree: from the cache
 * with --offline, else through the API.
 */
static int
fetch_article_view(struct session *r, const char *cv, char **raw, size_t *len,
    struct jsv **root, struct err *e)
{
	if (r->o->offline) {
		char *path = cache_api_path(&r->cache, "article", cv);
		bool have = file_exists(path);

		free(path);
		if (!have)
			return err_set(e, "cv%s: no saved response in the cache, and --offline is set", cv);
	} else if (net_up(r, e) < 0) {
		return -1;
	}
	return api_article_view(&r->api, cv, raw, len, root, e);
}

/*
 * Read the response root (parsed from raw, len bytes; named source in
 * messages) into *out: an opus detail, or a 专栏 article/view (told apart by
 * the shape of data).  An opus detail that falls back to an old-style 专栏
 * article fetches the article/view of its cv.  The article keeps its own copy
 * of the response.
 */
static int
parse_response(struct session *r, const char *raw, size_t len, const struct jsv *root,
    const char *source, struct article **out, struct err *e)
{
	char *cv = NULL, *view = NULL;
	struct jsv *view_root = NULL;
	size_t view_len;
	int rc = -1;

	*out = NULL;
	if (cv_is_article_view(root)) {
		*out = cv_parse(root, raw, len, e);
	} else {
		switch (opus_parse(root, raw, len, out, &cv, e)) {
		case OPUS_OK:
			break;
		case OPUS_FALLBACK:
			log_info("%s: an old-style 专栏 article: reading cv%s through article/view",
			    source, cv);
			if (fetch_article_view(r, cv, &view, &view_len, &view_root, e) == 0)
				*out = cv_parse(view_root, view, view_len, e);
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
	free(view);
	free(cv);
	return rc;
}

enum archive_result
archive_write(struct session *r, const struct article *a, const char *output, const char *name,
    struct archive_done *done, struct err *e)
{
	struct archive_opts o = *r->o;
	struct assets t;
	const struct asset *cover;
	size_t missing;
	enum archive_result res = ARCHIVE_FAILED;
	int rc;

	o.output = output;
	assets_init(&t);
	r->warc_id = a->id;
	log_info("%s%s: '%s' by %s, %zu blocks", article_kind(a->id), a->id, a->title,
	    a->author_name ? a->author_name : "?", a->nblocks);
	article_each_picture(a, add_picture, &t);
	missing = gather_pictures(r, a->id, &t, e);
	cover = pick_cover(a, &t);
	if (archive_pick_format(o.format, o.output) == FORMAT_SITE)
		rc = build_site(a, &t, &o, name, name ? r->library : NULL, e);
	else
		rc = build_epub(a, &t, &o, e);
	if (rc < 0) {
		err_prefix(e, "%s%s", article_kind(a->id), a->id);
		goto out;
	}
	if (missing) {
		log_warn("%s%s: %zu of %zu pictures could not be archived; wrote '%s' without them",
		    article_kind(a->id), a->id, missing, t.n, o.output);
		res = ARCHIVE_INCOMPLETE;
	} else if (a->repaired) {
		log_warn("%s%s: wrote '%s' with repaired text", article_kind(a->id), a->id, o.output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("%s%s: wrote '%s' (%zu pictures)", article_kind(a->id), a->id, o.output, t.n);
		res = ARCHIVE_OK;
	}
	if (done) {
		done->npictures = t.n;
		done->missing = missing;
		done->cover_href = cover ? xstrdup(cover->href) : NULL;
	}
out:
	r->warc_id = NULL;
	warc_slot_done(r, a->id, &res);
	assets_release(&t);
	return res;
}

/* Where the book of article id goes when the caller did not choose. */
static char *
output_for(const struct archive_opts *o, const char *id)
{
	bool site = archive_pick_format(o->format, o->output ? o->output : "") == FORMAT_SITE;

	if (o->output == NULL)
		return xasprintf(site ? "%s/" : "%s.epub", id);
	if (file_is_dir(o->output) && !site)
		return xasprintf("%s%s%s.epub", o->output,
		    o->output[strlen(o->output) - 1] == '/' ? "" : "/", id);
	return xstrdup(o->output);
}

int
archive_resolve(struct session *r, const char *arg, struct input *in, struct err *e)
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
	if (net_up(r, e) < 0 || api_resolve_short(&r->api, in->url, &final, e) < 0)
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

int
archive_load(struct session *r, const struct input *in, struct article **a, struct err *e)
{
	char *raw = NULL, *source;
	struct jsv *root = NULL;
	size_t len;
	int rc;

	*a = NULL;
	if (in->kind == INPUT_CV) {
		if (fetch_article_view(r, in->id, &raw, &len, &root, e) < 0)
			return -1;
		/* cv_parse names the article in its own messages */
		rc = parse_response(r, raw, len, root, "article/view", a, e);
		jsv_free(root);
		free(raw);
		return rc;
	}
	if (r->o->offline) {
		char *path = cache_api_path(&r->cache, "opus", in->id);
		bool have = file_exists(path);

		free(path);
		if (!have)
			return err_set(e, "opus %s: no saved response in the cache, and --offline is set",
			    in->id);
	} else if (net_up(r, e) < 0) {
		return -1;
	}
	r->warc_id = in->id;
	rc = api_opus_detail(&r->api, in->id, &raw, &len, &root, e);
	r->warc_id = NULL;
	if (rc < 0)
		return -1;
	source = xasprintf("opus %s", in->id);
	rc = parse_response(r, raw, len, root, source, a, e);
	free(source);
	jsv_free(root);
	free(raw);
	return rc;
}

/*
 * The inputs of v whose API answer is not in the cache yet, as the kinds and
 * ids api_prefetch_begin takes (borrowed from v): opus ids and 专栏 numbers
 * alike.  Returns how many.
 */
static size_t
prefetch_wanted(struct session *r, const struct input *v, size_t n, const char **kinds,
    const char **ids)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if ((v[i].kind != INPUT_OPUS && v[i].kind != INPUT_CV) || archive_cached(r, &v[i]))
			continue;
		kinds[k] = v[i].kind == INPUT_CV ? "article" : "opus";
		ids[k++] = v[i].id;
	}
	return k;
}

/*
 * The 专栏 articles that prefetched opus answers fell back to: their
 * article/view answers together, in one more round, instead of one at a time
 * when each article is loaded.
 */
static void
prefetch_fallbacks(struct session *r, const struct api_ids *cvs)
{
	const char **ids = xcalloc(cvs->n ? cvs->n : 1, sizeof *ids);
	const char **kinds = xcalloc(cvs->n ? cvs->n : 1, sizeof *kinds);
	size_t k = 0;

	for (size_t i = 0; i < cvs->n; i++) {
		struct input in;

		memset(&in, 0, sizeof in);
		in.kind = INPUT_CV;
		in.id = cvs->v[i];
		if (archive_cached(r, &in))
			continue;
		kinds[k] = "article";
		ids[k++] = cvs->v[i];
	}
	if (k > 0 && r->f)
		api_prefetch(&r->api, kinds, ids, k, NULL);
	free(kinds);
	free(ids);
}

void
archive_prefetch_pictures(struct session *r, struct article *const *v, size_t n,
    const struct input *next, size_t nnext)
{
	struct assets t;
	struct err e;
	const char **ids = xcalloc(nnext ? nnext : 1, sizeof *ids);
	const char **kinds = xcalloc(nnext ? nnext : 1, sizeof *kinds);
	struct fetch_job *api_jobs = NULL;
	struct api_ids fallbacks = { NULL, 0, 0 };
	size_t k = 0;

	if (r->o->offline)
		goto out;
	err_init(&e);
	k = prefetch_wanted(r, next, nnext, kinds, ids);
	if (k > 0 && net_up(r, &e) == 0)
		api_jobs = api_prefetch_begin(&r->api, kinds, ids, k);
	if (api_jobs == NULL)
		k = 0;
	assets_init(&t);
	/* one article alone gets its pictures when it is written, as a single run does */
	for (size_t i = 0; n > 1 && i < n; i++)
		article_each_picture(v[i], add_picture, &t);
	if (t.n + k > 0) {
		if (r->o->warc_dir)
			warc_note_pictures(r, v, n);
		err_init(&e);
		/* failures stay quiet here: each article's own pass retries and reports them */
		if (download_pictures(r, "", &t, api_jobs, k, &e) < 0) {
			log_info("%s", e.msg);
			for (size_t i = 0; i < k; i++)
				snprintf(api_jobs[i].error, sizeof api_jobs[i].error, "%s", "not run");
		}
		warc_forget_pictures(r);
	}
	api_prefetch_end(&r->api, kinds, ids, api_jobs, k, &fallbacks);
	prefetch_fallbacks(r, &fallbacks);
	assets_release(&t);
out:
	api_ids_release(&fallbacks);
	free(kinds);
	free(ids);
}

bool
archive_cached(struct session *r, const struct input *in)
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

void
archive_prefetch(struct session *r, const struct input *v, size_t n)
{
	const char **ids = xcalloc(n ? n : 1, sizeof *ids);
	const char **kinds = xcalloc(n ? n : 1, sizeof *kinds);
	struct api_ids fallbacks = { NULL, 0, 0 };
	size_t k = 0;
	struct err e;

	if (r->o->offline)
		goto out;
	k = prefetch_wanted(r, v, n, kinds, ids);
	err_init(&e);
	if (k > 1 && net_up(r, &e) == 0) {
		api_prefetch(&r->api, kinds, ids, k, &fallbacks);
		prefetch_fallbacks(r, &fallbacks);
	}
	api_ids_release(&fallbacks);
out:
	free(kinds);
	free(ids);
}

static enum archive_result
archive_one_id(struct session *r, const char *arg, struct err *e)
{
	struct input in;
	struct article *a = NULL;
	char *output = NULL;
	enum archive_result res = ARCHIVE_FAILED;

	if (archive_resolve(r, arg, &in, e) < 0)
		return ARCHIVE_FAILED;
	if (archive_load(r, &in, &a, e) == 0) {
		/* cvN.epub: a cv number and an opus id may be the same digits */
		output = output_for(r->o, in.kind == INPUT_CV ? a->id : in.id);
		res = archive_write(r, a, output, NULL, NULL, e);
	}
	article_free(a);
	input_release(&in);
	free(output);
	return res;
}

struct session *
archive_session_new(const struct archive_opts *o, struct err *e)
{
	struct session *r = xcalloc(1, sizeof *r);

	r->o = o;
	if (cache_init(&r->cache, o->cache_dir, e) < 0) {
		free(r);
		return NULL;
	}
	r->api.cache = &r->cache;
	r->api.retries = o->net.retries;
	r->api.refresh = o->net.refresh;
	if (o->warc && !o->offline && (r->warc = warc_open(o->warc, o->args, o->nargs, e)) == NULL) {
		cache_release(&r->cache);
		free(r);
		return NULL;
	}
	return r;
}

void
archive_set_library(struct session *r, const struct links *l)
{
	r->library = l;
}

void
archive_session_finish(struct session *r, enum archive_result *res)
{
	if (r)
		warc_all_done(r, res);
}

void
archive_session_free(struct session *r)
{
	if (r == NULL)
		return;
	warc_all_done(r, NULL);
	for (size_t i = 0; i < r->nslots; i++)
		free(r->slots[i].name);
	free(r->slots);
	api_release(&r->api);
	fetch_free(r->f);
	cache_release(&r->cache);
	free(r);
}

const struct archive_opts *
archive_session_opts(const struct session *r)
{
	return r->o;
}

struct api *
archive_session_api(struct session *r, struct err *e)
{
	if (r->o->offline) {
		err_set(e, "this needs the network, and --offline is set");
		return NULL;
	}
	return net_up(r, e) < 0 ? NULL : &r->api;
}

int
archive_write_index(struct session *r, const char *dir, const struct archive_entry *v, size_t n,
    struct err *e)
{
	struct render_opts ro = { r->o->templates, r->o->lang, RENDER_SITE, r->o->now,
	    r->o->user_css ? USER_CSS : NULL, NULL };
	struct index_entry *ie = xcalloc(n ? n : 1, sizeof *ie);
	struct book site;
	char *data;
	size_t len;
	int rc = -1;

	book_init(&site);
	for (size_t i = 0; i < n; i++) {
		ie[i].title = v[i].title;
		ie[i].author = v[i].author;
		ie[i].date = v[i].date;
		ie[i].href = v[i].href;
		ie[i].thumb = v[i].thumb;
	}
	if (render_index(ie, n, &ro, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, "index.html", "text/html", "index", data, len);
	if (add_stylesheets(&site, r->o, e) < 0)
		goto out;
	rc = site_write(dir, &site, e);
out:
	book_release(&site);
	free(ie);
	return rc;
}

/* The title of a book of several articles: their 文集, else their author's, else a count. */
static char *
combined_title(struct article *const *v, size_t n, const char *lang)
{
	bool zh = strncmp(lang, "zh", 2) == 0;
	const char *coll = v[0]->collection_name, *author = v[0]->author_name;

	for (size_t i = 1; i < n; i++) {
		if (coll && (v[i]->collection_name == NULL || strcmp(coll, v[i]->collection_name) != 0))
			coll = NULL;
		if (author && (v[i]->author_name == NULL || strcmp(author, v[i]->author_name) != 0))
			author = NULL;
	}
	if (coll && *coll)
		return xstrdup(coll);
	if (author && *author)
		return zh ? xasprintf("%s的 %zu 篇文章", author, n) :
		    xasprintf("%zu articles by %s", n, author);
	return zh ? xasprintf("%zu 篇文章", n) : xasprintf("%zu articles", n);
}

enum archive_result
archive_write_combined(struct session *r, struct article *const *v, size_t n, const char *output,
    struct err *e)
{
	const struct archive_opts *o = r->o;
	struct links links;
	struct render_opts ro = { o->templates, o->lang, RENDER_EPUB, o->now,
	    o->user_css ? USER_CSS : NULL, &links };
	struct book content, root;
	struct toc toc = { 0 };
	struct assets t;
	struct article *front = article_new();
	const struct asset *cover = NULL;
	struct buf seed;
	char *identifier = NULL, *data, *first_doc = NULL;
	char hex[65];
	const char *coll;
	long long newest = 0;
	size_t missing, len;
	struct book_item *it;
	enum archive_result res = ARCHIVE_FAILED;

	book_init(&content);
	book_init(&root);
	assets_init(&t);
	buf_init(&seed, 0);
	links_init(&links);
	for (size_t i = 0; i < n; i++) {
		/* links between the book's articles stay in the book */
		char *doc = xasprintf("opus-%s.xhtml", v[i]->id);

		link_self(&links, v[i], doc);
		free(doc);
		article_each_picture(v[i], add_picture, &t);
		buf_addf(&seed, "%s,", v[i]->id);
		if (v[i]->pub_ts > newest)
			newest = v[i]->pub_ts;
	}
	missing = gather_pictures(r, "(combined book)", &t, e);
	for (size_t i = 0; i < n && cover == NULL; i++)
		cover = pick_cover(v[i], &t);
	/* the same articles make the same identifier, whatever the run */
	sha256_hex(buf_str(&seed), seed.len, hex);
	identifier = book_identifier(hex);
	front->title = combined_title(v, n, o->lang);
	front->author_name = v[0]->author_name ? xstrdup(v[0]->author_name) : NULL;
	for (size_t i = 1; i < n && front->author_name; i++)
		if (v[i]->author_name == NULL || strcmp(front->author_name, v[i]->author_name) != 0) {
			free(front->author_name);
			front->author_name = NULL;
		}
	front->pub_ts = newest;
	coll = v[0]->collection_name;
	for (size_t i = 1; i < n && coll; i++)
		if (v[i]->collection_name == NULL || strcmp(coll, v[i]->collection_name) != 0)
			coll = NULL;

	if (add_cover(&content, front, cover, &ro, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *doc = xasprintf("opus-%s.xhtml", v[i]->id);
		char *item_id = xasprintf("article-%zu", i + 1);
		char *raw_name;

		if (render_article(v[i], &t, doc, &ro, &toc, &data, &len, e) < 0) {
			err_prefix(e, "%s%s", article_kind(v[i]->id), v[i]->id);
			free(doc);
			free(item_id);
			goto out;
		}
		it = book_add_data(&content, doc, "application/xhtml+xml", item_id, data, len);
		it->spine = true;
		if (first_doc == NULL)
			first_doc = xstrdup(doc);
		raw_name = xasprintf("META-INF/opus-archive/%s-%s.json", v[i]->raw_name, v[i]->id);
		book_add_data(&root, raw_name, "application/json", "raw",
		    xstrndup(v[i]->raw, v[i]->raw_len), v[i]->raw_len);
		free(raw_name);
		free(doc);
		free(item_id);
	}
	if (render_nav(front->title, &toc, "cover.xhtml", first_doc, &ro, &data, &len, e) < 0)
		goto out;
	it = book_add_data(&content, "nav.xhtml", "application/xhtml+xml", "nav", data, len);
	it->properties = xstrdup("nav");
	if (render_ncx(front->title, identifier, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&content, "toc.ncx", "application/x-dtbncx+xml", "ncx", data, len);
	if (add_stylesheets(&content, o, e) < 0)
		goto out;
	add_pictures(&content, &t, cover);
	{
		char *desc = strncmp(o->lang, "zh", 2) == 0 ?
		    xasprintf("%zu 篇 Bilibili 文章", n) : xasprintf("%zu Bilibili articles", n);
		struct book_meta m = {
			identifier, front->title, front->author_name, o->lang, newest, o->now,
			NULL, NULL, 0, desc, "cover-image", coll,
		};
		int rc = render_opf(&m, &content, "ncx", &data, &len, e);

		free(desc);
		if (rc < 0)
			goto out;
	}
	book_add_data(&root, "OEBPS/content.opf", "application/oebps-package+xml", "opf", data, len);
	if (render_container("OEBPS/content.opf", &data, &len, e) < 0)
		goto out;
	book_add_data(&root, "META-INF/container.xml", "application/xml", "container", data, len);
	if (epub_write(output, &root, &content, "OEBPS", o->now, e) < 0)
		goto out;
	if (missing) {
		log_warn("%zu of %zu pictures could not be archived; wrote '%s' without them",
		    missing, t.n, output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		res = ARCHIVE_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i]->repaired)
			res = ARCHIVE_INCOMPLETE;
out:
	links_release(&links);
	buf_release(&seed);
	toc_release(&toc);
	book_release(&content);
	book_release(&root);
	assets_release(&t);
	article_free(front);
	free(identifier);
	free(first_doc);
	return res;
}

enum archive_result
archive_run(const struct archive_opts *o, struct err *e)
{
	struct session *r;
	enum archive_result res = ARCHIVE_FAILED;

	if (batch_wanted(o))
		return batch_run(o, e);
	r = archive_session_new(o, e);
	if (r == NULL)
		return ARCHIVE_FAILED;
	if (o->from_json) {
		const char *src = strcmp(o->from_json, "-") == 0 ? "standard input" : o->from_json;
		char *buf = NULL, *quoted = xasprintf("'%s'", src);
		struct article *a = NULL;
		struct jsv *root = NULL;
		size_t len;

		if (file_read(o->from_json, ARCHIVE_MAX_RESPONSE, &buf, &len, e) == 0) {
			root = jsv_parse(buf, len, OPUS_MAX_DEPTH, e);
			if (root == NULL)
				err_prefix(e, "%s", quoted);
		}
		if (root && parse_response(r, buf, len, root, quoted, &a, e) == 0)
			res = archive_write(r, a, o->output, NULL, NULL, e);
		article_free(a);
		jsv_free(root);
		free(buf);
		free(quoted);
	} else {
		res = archive_one_id(r, o->ids[0], e);
	}
	warc_all_done(r, &res);
	archive_session_free(r);
	return res;
}
