/*
 * fuzz-opus: bytes as an opus detail response -> opus_parse() -> the model ->
 * every page of the book (article as XHTML and as HTML, cover, nav, NCX), in
 * memory.  Pictures alternate between ready and missing so both renderer
 * paths run.
 */
#include "config.h"

#include <stdlib.h>

#include "assets.h"
#include "fuzz.h"
#include "jsonval.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "render.h"
#include "xalloc.h"

static void
add_picture(const char *url, void *ctx)
{
	struct assets *t = ctx;
	struct asset *a = assets_add(t, url);

	if (a == NULL || a->state != ASSET_PENDING)
		return;
	if (t->n % 2) {
		a->state = ASSET_READY;
		a->media = MEDIA_PNG;
		a->href = xasprintf("images/%zu.png", t->n);
		a->width = (int)t->n * 100;
		a->height = 50;
	} else {
		a->state = ASSET_MISSING;
		a->problem = xstrdup("not in the cache");
	}
}

static void
render_all(const struct article *a, const struct assets *t)
{
	struct render_opts o = { OA_SOURCE_TEMPLATES, "zh-CN", RENDER_EPUB, 1764300000, NULL, NULL };
	struct toc toc = { 0 };
	struct err e;
	char *out = NULL;
	size_t len;

	err_init(&e);
	if (render_article(a, t, "opus-1.xhtml", &o, &toc, &out, &len, &e) == 0)
		free(out);
	if (render_cover(a, t->n ? &t->v[0] : NULL, t->n ? NULL : "cover.svg", &o, &out, &len,
	    &e) == 0)
		free(out);
	if (render_cover_svg(a, &o, &out, &len, &e) == 0)
		free(out);
	if (render_nav(a->title, &toc, "cover.xhtml", "opus-1.xhtml", &o, &out, &len, &e) == 0)
		free(out);
	if (render_ncx(a->title, "urn:uuid:x", &toc, &out, &len, &e) == 0)
		free(out);
	toc_release(&toc);
	o.flavour = RENDER_SITE;
	if (render_article(a, t, "1.html", &o, NULL, &out, &len, &e) == 0)
		free(out);
}

FUZZ_TARGET(opus)
{
	static int init;
	struct article *a = NULL;
	char *cv = NULL;
	struct jsv *root;
	struct err e;

	if (!init) {
		log_set_level(LOG_QUIET);
		render_global_init();
		init = 1;
	}
	err_init(&e);
	root = jsv_parse((const char *)data, size, OPUS_MAX_DEPTH, &e);
	if (root && opus_parse(root, &a, &cv, &e) == OPUS_OK) {
		struct assets t;

		assets_init(&t);
		article_each_picture(a, add_picture, &t);
		render_all(a, &t);
		assets_release(&t);
		article_free(a);
	}
	free(cv);
	jsv_free(root);
	return 0;
}
