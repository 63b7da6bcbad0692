#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "assets.h"
#include "book.h"
#include "cache.h"
#include "epub.h"
#include "file.h"
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
 * Settle every picture from the cache.  Return how many are not usable; each
 * gets one warning naming the picture and why.
 */
static size_t
resolve_pictures(const struct article *a, struct assets *t, const struct cache *c,
    bool offline, struct err *e)
{
	size_t bad = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];
		char *path = cache_picture_path(c, as->key);

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
			as->problem = xstrdup(offline ? "not in the cache, and --offline is set" :
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

enum archive_result
archive_from_json(const struct archive_opts *o, struct err *e)
{
	struct article *a = NULL;
	struct assets t;
	struct cache c = { 0 };
	char *buf = NULL, *cv = NULL;
	size_t len, missing;
	enum archive_result res = ARCHIVE_FAILED;
	const char *src = strcmp(o->from_json, "-") == 0 ? "standard input" : o->from_json;
	int rc;

	assets_init(&t);
	if (file_read(o->from_json, ARCHIVE_MAX_RESPONSE, &buf, &len, e) < 0)
		goto out;
	switch (opus_parse(buf, len, &a, &cv, e)) {
	case OPUS_OK:
		break;
	case OPUS_FALLBACK:
		err_set(e, "the response is a fallback to the old-style 专栏 article cv%s, "
		    "which this version cannot read yet", cv);
		/* FALLTHROUGH */
	case OPUS_ERROR:
	default:
		err_prefix(e, "'%s'", src);
		goto out;
	}
	log_info("opus %s: '%s' by %s, %zu blocks", a->id, a->title,
	    a->author_name ? a->author_name : "?", a->nblocks);
	if (cache_init(&c, o->cache_dir, e) < 0)
		goto out;
	article_each_picture(a, add_picture, &t);
	missing = resolve_pictures(a, &t, &c, o->offline, e);
	if (archive_pick_format(o->format, o->output) == FORMAT_SITE)
		rc = build_site(a, &t, o, e);
	else
		rc = build_epub(a, &t, o, e);
	if (rc < 0) {
		err_prefix(e, "opus %s", a->id);
		goto out;
	}
	if (missing) {
		log_warn("opus %s: %zu of %zu pictures could not be archived; wrote '%s' without them",
		    a->id, missing, t.n, o->output);
		res = ARCHIVE_INCOMPLETE;
	} else if (a->repaired) {
		log_warn("opus %s: wrote '%s' with repaired text", a->id, o->output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("opus %s: wrote '%s' (%zu pictures)", a->id, o->output, t.n);
		res = ARCHIVE_OK;
	}
out:
	article_free(a);
	assets_release(&t);
	cache_release(&c);
	free(buf);
	free(cv);
	return res;
}
