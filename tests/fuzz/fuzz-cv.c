/*
 * fuzz-cv: bytes as a 专栏 article/view response -> cv_parse() (and html.c
 * under it) -> the model -> the article page (XHTML for the EPUB, HTML for
 * the site), the cover, the drawn cover, nav and NCX, in memory.
 *
 * Input format.  The first byte picks what the rest is:
 *     'H' REST   REST is the body HTML: the content string, type 0, of a
 *                minimal article/view envelope built here
 *     'D' REST   REST is the body delta JSON ({"ops":[...]}), type 3
 *     'S' REST   REST is the content with no type member (the parser sniffs)
 *     anything else: the whole input is the response, as it came from the API
 * so the fuzzer can mutate HTML and deltas directly instead of through JSON
 * string escapes, while the envelope keeps being fuzzed too.
 *
 * Beyond "no crash, leak or UB", the rendered article must hold no element
 * the parser promises to drop (script, iframe, ...), no on* event handler
 * and no href or src with a scheme other than https (cv.h: "only https
 * targets survive").  render.c writes through libxml2, which escapes '<'
 * and '"' in text and attribute values, so every '<' in the output starts
 * markup and every attribute value ends at the next '"'.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assets.h"
#include "buf.h"
#include "cv.h"
#include "fuzz.h"
#include "jsonval.h"
#include "links.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "render.h"
#include "xalloc.h"

static void
json_quote(struct buf *b, const uint8_t *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (ch == '"' || ch == '\\')
			buf_addf(b, "\\%c", ch);
		else if (ch < 0x20)
			buf_addf(b, "\\u%04x", ch);
		else
			buf_addc(b, (char)ch);
	}
	buf_addc(b, '"');
}

/* The response for a marked input (see the top), or NULL for a plain one. */
static char *
wrap(const uint8_t *data, size_t size, size_t *len)
{
	struct buf b;

	if (size == 0 || (data[0] != 'H' && data[0] != 'D' && data[0] != 'S'))
		return NULL;
	buf_init(&b, 0);
	buf_adds(&b, "{\"code\":0,\"message\":\"0\",\"data\":{\"id\":4242,\"title\":\"t\","
	    "\"author\":{\"mid\":7,\"name\":\"a\",\"face\":\"//i0.hdslb.com/bfs/face/a.jpg\"},"
	    "\"banner_url\":\"https://i0.hdslb.com/bfs/article/b.jpg\",\"publish_time\":1,");
	if (data[0] == 'H')
		buf_adds(&b, "\"type\":0,");
	else if (data[0] == 'D')
		buf_adds(&b, "\"type\":3,");
	buf_adds(&b, "\"content\":");
	json_quote(&b, data + 1, size - 1);
	buf_adds(&b, "}}");
	return buf_detach(&b, len);
}

static void
add_picture(const char *url, void *ctx)
{
	struct assets *t = ctx;
	struct asset *a = assets_add(t, url);

	if (a == NULL || a->state != ASSET_PENDING)
		return;
	if (t->n % 2) {
		a->state = ASSET_READY;
		a->media = MEDIA_JPEG;
		a->href = xasprintf("images/%zu.jpg", t->n);
		a->width = (int)t->n * 100;
		a->height = 50;
	} else {
		a->state = ASSET_MISSING;
		a->problem = xstrdup("not in the cache");
	}
}

static int
starts_with_ci(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* abort() unless the markup in out[0..len) keeps the promises in the comment at the top. */
static void
check_clean(const char *out, size_t len)
{
	static const char *const banned[] = {
		"script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input",
		"button", "textarea", "base", "meta", "link", "svg", "math", NULL,
	};
	const char *end = out + len, *p = out;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *q = ++p, *gt;
		size_t nl;

		if (q < end && (*q == '!' || *q == '?' || *q == '/'))
			continue;
		nl = 0;
		while (q + nl < end && (isalnum((unsigned char)q[nl]) || q[nl] == ':' || q[nl] == '-'))
			nl++;
		for (size_t i = 0; banned[i]; i++)
			/* the page's own <meta charset> and <link rel=stylesheet> are in the template */
			if (nl == strlen(banned[i]) && strncasecmp(q, banned[i], nl) == 0 &&
			    strcmp(banned[i], "meta") != 0 && strcmp(banned[i], "link") != 0)
				abort();
		gt = memchr(q, '>', (size_t)(end - q));
		if (gt == NULL)
			abort();
		/* attributes: name="value" ... */
		for (const char *s = q + nl; s < gt;) {
			const char *name, *val, *ve;
			size_t an;

			while (s < gt && isspace((unsigned char)*s))
				s++;
			name = s;
			while (s < gt && *s != '=' && !isspace((unsigned char)*s) && *s != '/')
				s++;
			an = (size_t)(s - name);
			if (s >= gt || *s != '=') {
				s++;
				continue;
			}
			if (s + 1 >= gt || (s[1] != '"' && s[1] != '\''))
				abort();
			val = s + 2;
			ve = memchr(val, s[1], (size_t)(gt - val));
			if (ve == NULL)
				abort();
			if (an > 2 && strncasecmp(name, "on", 2) == 0)
				abort();
			if ((an == 4 && strncasecmp(name, "href", 4) == 0) ||
			    (an == 3 && strncasecmp(name, "src", 3) == 0) ||
			    (an == 10 && strncasecmp(name, "xlink:href", 10) == 0)) {
				size_t vl = (size_t)(ve - val), sl = 0;

				/* a scheme is letters, digits, + - . before a ':' */
				while (sl < vl && (isalnum((unsigned char)val[sl]) || val[sl] == '+' ||
				    val[sl] == '-' || val[sl] == '.'))
					sl++;
				if (sl < vl && val[sl] == ':' && !starts_with_ci(val, vl, "https:"))
					abort();
			}
			s = ve + 1;
		}
		p = gt;
	}
}

static void
render_all(const struct article *a, const struct assets *t)
{
	struct links links;
	struct render_opts o = { OA_SOURCE_TEMPLATES, "zh-CN", RENDER_EPUB, 1764300000, NULL, &links };
	struct toc toc = { 0 };
	struct err e;
	char *out = NULL;
	size_t len;

	/* the article links to itself (a card of its own cv): archive.c does the same */
	links_init(&links);
	links_add(&links, INPUT_CV, a->id + 2, "opus-cv.xhtml");
	err_init(&e);
	if (render_article(a, t, "opus-cv.xhtml", &o, &toc, &out, &len, &e) == 0) {
		check_clean(out, len);
		free(out);
	}
	if (render_cover(a, t->n ? &t->v[0] : NULL, t->n ? NULL : "cover.svg", &o, &out, &len,
	    &e) == 0)
		free(out);
	if (render_cover_svg(a, &o, &out, &len, &e) == 0)
		free(out);
	if (render_nav(a->title, &toc, "cover.xhtml", "opus-cv.xhtml", &o, &out, &len, &e) == 0)
		free(out);
	if (render_ncx(a->title, "urn:uuid:x", &toc, &out, &len, &e) == 0)
		free(out);
	toc_release(&toc);
	o.flavour = RENDER_SITE;
	if (render_article(a, t, "cv.html", &o, NULL, &out, &len, &e) == 0) {
		check_clean(out, len);
		free(out);
	}
	links_release(&links);
}

FUZZ_TARGET(cv)
{
	static int init;
	struct article *a;
	struct jsv *root;
	struct err e;
	size_t len = size;
	char *wrapped = wrap(data, size, &len);
	const char *buf = wrapped ? wrapped : (const char *)data;

	if (!init) {
		log_set_level(LOG_QUIET);
		render_global_init();
		init = 1;
	}
	err_init(&e);
	root = jsv_parse(buf, len, OPUS_MAX_DEPTH, &e);
	(void)cv_is_article_view(root);
	a = root ? cv_parse(root, &e) : NULL;
	if (a == NULL) {
		if (!e.set)
			abort();
	} else {
		struct assets t;

		if (strncmp(a->id, "cv", 2) != 0 || a->title == NULL)
			abort();
		assets_init(&t);
		article_each_picture(a, add_picture, &t);
		render_all(a, &t);
		assets_release(&t);
		article_free(a);
	}
	jsv_free(root);
	free(wrapped);
	return 0;
}
