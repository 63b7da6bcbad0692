#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonval.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "text.h"
#include "url.h"
#include "xalloc.h"

/*
 * Parser state.  path is the JSON path of the value being read, grown and
 * cut as the walk goes down and up, so an error can say exactly where.
 */
struct pctx {
	struct err *e;
	bool failed;
	bool bad_utf8;
	char id[40];            /* the opus id once known, for warnings */
	char path[512];
	size_t pathlen;
	struct article *a;
	struct block *pending_pics;     /* VIEW_PICTURE pictures of the current paragraph */
};

/* --- path and error helpers -------------------------------------------------- */

static size_t
path_push(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t
path_push(struct pctx *c, const char *fmt, ...)
{
	size_t old = c->pathlen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->path + old, sizeof c->path - old, fmt, ap);
	va_end(ap);
	if (n > 0) {
		c->pathlen += (size_t)n;
		if (c->pathlen >= sizeof c->path)
			c->pathlen = sizeof c->path - 1;
	}
	return old;
}

static void
path_pop(struct pctx *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

static void
fail_at(struct pctx *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail_at(struct pctx *c, const char *key, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (c->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	err_set(c->e, "%s%s%s: %s", c->path, key && c->pathlen ? "." : "",
	    key ? key : "", what);
	c->failed = true;
}

static void
warn(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(struct pctx *c, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	log_warn("opus %s: %s: %s", c->id[0] ? c->id : "?", c->path, what);
}

/* --- typed getters ------------------------------------------------------------- */

static struct jsv *
get_typed(struct pctx *c, const struct jsv *o, const char *key, enum jsv_type want,
    const char *want_name)
{
	struct jsv *v = jsv_get(o, key);

	if (v == NULL)
		return NULL;
	if (jsv_type(v) != want) {
		fail_at(c, key, "expected %s, got %s", want_name, jsv_type_name(v));
		return NULL;
	}
	return v;
}

static struct jsv *
get_obj(struct pctx *c, const struct jsv *o, const char *key)
{
	return get_typed(c, o, key, JSV_OBJECT, "an object");
}

static struct jsv *
get_arr(struct pctx *c, const struct jsv *o, const char *key)
{
	return get_typed(c, o, key, JSV_ARRAY, "an array");
}

static char *
clean(struct pctx *c, const char *s, size_t n)
{
	return text_clean(s, n, &c->bad_utf8);
}

/* Return a cleaned copy of string member key, or NULL when absent or null. */
static char *
get_str(struct pctx *c, const struct jsv *o, const char *key)
{
	struct jsv *v = get_typed(c, o, key, JSV_STRING, "a string");
	size_t n;
	const char *s = jsv_str(v, &n);

	return s ? clean(c, s, n) : NULL;
}

/* Like get_str(), but a number is accepted too and written out (ids, counts). */
static char *
get_str_or_num(struct pctx *c, const struct jsv *o, const char *key)
{
	struct jsv *v = jsv_get(o, key);
	long long n;
	double d;

	if (v == NULL)
		return NULL;
	if (jsv_type(v) == JSV_STRING)
		return get_str(c, o, key);
	if (jsv_int(v, &n))
		return xasprintf("%lld", n);
	if (jsv_double(v, &d))
		return xasprintf("%g", d);
	fail_at(c, key, "expected a string or a number, got %s", jsv_type_name(v));
	return NULL;
}

/* Read a number member (also a string of digits, as the API sometimes sends). */
static bool
get_num(struct pctx *c, const struct jsv *o, const char *key, long long *out)
{
	struct jsv *v = jsv_get(o, key);
	const char *s;
	char *end;

	if (v == NULL)
		return false;
	if (jsv_int(v, out))
		return true;
	s = jsv_str(v, NULL);
	if (s && *s) {
		long long n = strtoll(s, &end, 10);

		if (*end == '\0') {
			*out = n;
			return true;
		}
	}
	if (jsv_type(v) == JSV_DOUBLE) {
		double d;

		jsv_double(v, &d);
		*out = (long long)d;
		return true;
	}
	fail_at(c, key, "expected a number, got %s", jsv_type_name(v));
	return false;
}

static bool
get_bool(struct pctx *c, const struct jsv *o, const char *key)
{
	struct jsv *v = jsv_get(o, key);
	long long n;

	if (v == NULL)
		return false;
	if (jsv_type(v) == JSV_BOOL)
		return jsv_true(v);
	if (jsv_int(v, &n))
		return n != 0;
	fail_at(c, key, "expected a boolean, got %s", jsv_type_name(v));
	return false;
}

/* A link target: absolute https, or NULL for anything unsafe or absent. */
static char *
get_link(struct pctx *c, const struct jsv *o, const char *key)
{
	char *s = get_str(c, o, key);
	char *u = url_link(s);

	free(s);
	return u;
}

/* A picture URL as given, made absolute https; NULL when not a web address. */
static char *
get_picture_url(struct pctx *c, const struct jsv *o, const char *key)
{
	char *s = get_str(c, o, key);
	char *u;

	if (s == NULL || *s == '\0') {
		free(s);
		return NULL;
	}
	u = url_link(s);
	if (u == NULL)
		warn(c, "%s: picture URL '%.200s' is not a web address; left out", key, s);
	free(s);
	return u;
}

/* --- text nodes ----------------------------------------------------------------- */

/* Add text to runs, turning each "\n" into a line break. */
static void
add_text_runs(struct runs *r, const char *s, unsigned style, const char *color, int font_size)
{
	while (*s) {
		size_t n = strcspn(s, "\n");

		if (n > 0) {
			struct run *x = runs_push(r, RUN_TEXT);

			x->text = xstrndup(s, n);
			x->style = style;
			x->font_size = font_size;
			if (color)
				snprintf(x->color, sizeof x->color, "%s", color);
		}
		s += n;
		if (*s == '\n') {
			runs_push(r, RUN_BREAK);
			s++;
		}
	}
}

/* Return a canonical "#rrggbb" or NULL for anything else (colours go into a style attribute). */
static const char *
parse_color(const char *s, char out[8])
{
	size_t n;

	if (s == NULL || s[0] != '#')
		return NULL;
	n = strlen(s + 1);
	if (n != 6 && n != 3)
		return NULL;
	for (size_t i = 1; i <= n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return NULL;
	if (n == 3)
		snprintf(out, 8, "#%c%c%c%c%c%c", s[1], s[1], s[2], s[2], s[3], s[3]);
	else
		snprintf(out, 8, "%s", s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static void
parse_word(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *w = get_obj(c, node, "word");
	struct jsv *st;
	char *words, *color, cbuf[8];
	unsigned style = 0;
	long long fs = 0;
	size_t old;

	if (w == NULL) {
		/* a broken node costs that node, not the article */
		if (!c->failed)
			warn(c, "a word node without 'word'; skipped");
		return;
	}
	old = path_push(c, ".word");
	words = get_str(c, w, "words");
	st = get_obj(c, w, "style");
	if (st) {
		size_t o2 = path_push(c, ".style");

		if (get_bool(c, st, "bold"))
			style |= STYLE_BOLD;
		if (get_bool(c, st, "italic"))
			style |= STYLE_ITALIC;
		if (get_bool(c, st, "strikethrough"))
			style |= STYLE_STRIKE;
		if (get_bool(c, st, "underline"))
			style |= STYLE_UNDERLINE;
		path_pop(c, o2);
	}
	color = get_str(c, w, "color");
	get_num(c, w, "font_size", &fs);
	if (words)
		add_text_runs(r, words, style, parse_color(color, cbuf),
		    fs > 0 && fs < 1000 ? (int)fs : 0);
	else if (!c->failed)
		warn(c, "word without words");
	free(words);
	free(color);
	path_pop(c, old);
}

static void
add_link(struct runs *r, enum run_kind kind, char *text, char *href, const char *extra)
{
	struct run *x = runs_push(r, kind);

	x->text = text;
	x->href = href;
	x->extra = xstrdup(extra);
}

static void
parse_rich(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *rich = get_obj(c, node, "rich");
	char *type, *text, *href, *rid;
	const char *kind;
	size_t old;

	if (rich == NULL) {
		if (!c->failed)
			warn(c, "a rich text node without 'rich'; skipped");
		return;
	}
	old = path_push(c, ".rich");
	type = get_str(c, rich, "type");
	text = get_str(c, rich, "text");
	if (text == NULL || *text == '\0') {
		free(text);
		text = get_str(c, rich, "orig_text");
	}
	if (text == NULL)
		text = xstrdup("");
	href = get_link(c, rich, "jump_url");
	rid = get_str_or_num(c, rich, "rid");
	kind = type && strncmp(type, "RICH_TEXT_NODE_TYPE_", 20) == 0 ? type + 20 : (type ? type : "");
	if (c->failed) {
		free(text);
		free(href);
	} else if (strcmp(kind, "EMOJI") == 0) {
		struct jsv *em = get_obj(c, rich, "emoji");
		struct run *x = runs_push(r, RUN_EMOJI);
		long long size = 0;
		size_t o2 = path_push(c, ".emoji");
		char *etext = get_str(c, em, "text");

		x->img_url = get_picture_url(c, em, "icon_url");
		if (x->img_url == NULL)
			x->img_url = get_picture_url(c, em, "gif_url");
		get_num(c, em, "size", &size);
		x->emoji_size = size == 1 || size == 2 ? (int)size : 0;
		if (etext && *etext) {
			x->text = etext;
			free(text);
		} else {
			free(etext);
			x->text = text;
		}
		free(href);
		path_pop(c, o2);
	} else if (strcmp(kind, "AT") == 0) {
		free(href);
		href = rid && *rid ? xasprintf("https://space.bilibili.com/%s", rid) : NULL;
		/* an id is digits; anything else makes no safe link */
		if (rid && strspn(rid, "0123456789") != strlen(rid)) {
			free(href);
			href = NULL;
		}
		add_link(r, RUN_MENTION, text, href, rid);
	} else if (strcmp(kind, "TOPIC") == 0) {
		add_link(r, RUN_TOPIC, text, href, NULL);
	} else if (strcmp(kind, "TEXT") == 0) {
		add_text_runs(r, text, 0, NULL, 0);
		free(text);
		free(href);
	} else if (strcmp(kind, "LOTTERY") == 0) {
		free(href);
		href = c->id[0] ? xasprintf("https://www.bilibili.com/h5/lottery/result?"
		    "business_type=1&business_id=%s", c->id) : NULL;
		add_link(r, RUN_LINK, text, href, kind);
	} else if (strcmp(kind, "VOTE") == 0) {
		if (href == NULL && rid && strspn(rid, "0123456789") == strlen(rid) && *rid)
			href = xasprintf("https://t.bilibili.com/vote/h5/index/#/result?vote_id=%s", rid);
		add_link(r, RUN_LINK, text, href, kind);
	} else if (strcmp(kind, "VIEW_PICTURE") == 0) {
		struct jsv *pics = get_arr(c, rich, "pics");
		size_t o2 = path_push(c, ".pics");

		for (size_t i = 0; i < jsv_len(pics) && !c->failed; i++) {
			struct jsv *p = jsv_at(pics, i);
			size_t o3 = path_push(c, "[%zu]", i);
			char *u = get_picture_url(c, p, "src");
			long long w = 0, h = 0;

			if (u) {
				struct picture *pic;

				if (c->pending_pics == NULL) {
					c->pending_pics = xcalloc(1, sizeof *c->pending_pics);
					c->pending_pics->kind = BLOCK_PICTURES;
				}
				pic = block_push_picture(c->pending_pics);
				pic->url = u;
				get_num(c, p, "width", &w);
				get_num(c, p, "height", &h);
				pic->width = w > 0 && w < 100000 ? (int)w : 0;
				pic->height = h > 0 && h < 100000 ? (int)h : 0;
			}
			path_pop(c, o3);
		}
		path_pop(c, o2);
		/* The pictures follow the paragraph; the words stay as text. */
		add_text_runs(r, text, 0, NULL, 0);
		free(text);
		free(href);
	} else {
		static const char *const known[] = {
			"WEB", "BV", "AV", "CV", "GOODS", "OGV_SEASON", "OGV_EP",
			"MAIL", "TAOBAO", "NONE", "USER", "SEARCH_WORD", NULL,
		};
		bool is_known = false;

		for (size_t i = 0; known[i]; i++)
			if (strcmp(kind, known[i]) == 0)
				is_known = true;
		if (!is_known)
			warn(c, "unknown rich text type '%s'; kept its text", kind);
		if (href == NULL && strcmp(kind, "GOODS") == 0) {
			struct jsv *g = get_obj(c, rich, "goods");

			href = get_link(c, g, "jump_url");
		}
		if (href)
			add_link(r, RUN_LINK, text, href, kind);
		else {
			add_text_runs(r, text, 0, NULL, 0);
			free(text);
		}
	}
	free(type);
	free(rid);
	path_pop(c, old);
}

static void
parse_formula(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *f = get_obj(c, node, "formula");
	size_t old = path_push(c, ".formula");
	char *tex = get_str(c, f, "latex_content");

	if (tex && *tex) {
		struct run *x = runs_push(r, RUN_FORMULA);

		x->text = tex;
	} else {
		free(tex);
		if (!c->failed)
			warn(c, "formula without latex_content");
	}
	path_pop(c, old);
}

/*
 * A user node (spec §3.1, TEXT_NODE_TYPE_USER: user{name, mid}): a mention,
 * like a rich AT node, linked to the writer's space when mid is digits.
 */
static void
parse_user(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *u = get_obj(c, node, "user");
	size_t old = path_push(c, ".user");
	char *name = get_str(c, u, "name");
	char *mid = get_str_or_num(c, u, "mid");
	char *href = NULL;

	if (mid && *mid && strspn(mid, "0123456789") == strlen(mid))
		href = xasprintf("https://space.bilibili.com/%s", mid);
	if (c->failed || name == NULL || *name == '\0') {
		if (!c->failed)
			warn(c, "a user node without a name; skipped");
		free(name);
		free(href);
	} else {
		char *at = name[0] == '@' ? xstrdup(name) : xasprintf("@%s", name);

		free(name);
		add_link(r, RUN_MENTION, at, href, mid);
	}
	free(mid);
	path_pop(c, old);
}

/*
 * Collect every string under keys that carry visible text, for things we do
 * not know.  A string equal to the one collected just before is left out:
 * a node's text and orig_text, or a rich emoji's text and its emoji's text,
 * are usually the same words.
 */
struct collect {
	struct buf *out;
	const char *last;       /* the string collected last, or NULL */
	int depth;
};

static void collect_in(const struct jsv *v, struct collect *k);

static bool
collect_text_member(const char *key, struct jsv *v, void *ctx)
{
	static const char *const keys[] = {
		"words", "text", "title", "content", "desc", "orig_text", "latex_content", NULL,
	};
	struct collect *k = ctx;
	const char *s = jsv_str(v, NULL);

	if (s == NULL) {
		collect_in(v, k);
		return true;
	}
	for (size_t i = 0; keys[i]; i++) {
		if (strcmp(key, keys[i]) != 0 || *s == '\0')
			continue;
		if (k->last == NULL || strcmp(k->last, s) != 0) {
			if (k->out->len)
				buf_addc(k->out, ' ');
			buf_adds(k->out, s);
			k->last = s;
		}
		break;
	}
	return true;
}

static void
collect_in(const struct jsv *v, struct collect *k)
{
	if (k->depth > 16)
		return;
	k->depth++;
	if (jsv_type(v) == JSV_OBJECT) {
		jsv_each(v, collect_text_member, k);
	} else if (jsv_type(v) == JSV_ARRAY) {
		for (size_t i = 0; i < jsv_len(v); i++)
			collect_in(jsv_at(v, i), k);
	}
	k->depth--;
}

static void
collect_text(const struct jsv *v, struct buf *out, int depth)
{
	struct collect k = { out, NULL, depth };

	collect_in(v, &k);
}

static void
parse_nodes(struct pctx *c, const struct jsv *holder, const char *key, struct runs *r)
{
	struct jsv *nodes = get_arr(c, holder, key);
	size_t old = path_push(c, ".%s", key);

	for (size_t i = 0; i < jsv_len(nodes) && !c->failed; i++) {
		struct jsv *node = jsv_at(nodes, i);
		size_t o2 = path_push(c, "[%zu]", i);
		char *type;

		if (jsv_type(node) == JSV_NULL) {
			warn(c, "a null text node; skipped");
			path_pop(c, o2);
			continue;
		}
		if (jsv_type(node) != JSV_OBJECT) {
			fail_at(c, NULL, "expected an object, got %s", jsv_type_name(node));
			break;
		}
		type = get_str(c, node, "type");
		if (c->failed) {
			free(type);
			break;
		}
		if (type && strcmp(type, "TEXT_NODE_TYPE_WORD") == 0)
			parse_word(c, node, r);
		else if (type && strcmp(type, "TEXT_NODE_TYPE_RICH") == 0)
			parse_rich(c, node, r);
		else if (type && strcmp(type, "TEXT_NODE_TYPE_FORMULA") == 0)
			parse_formula(c, node, r);
		else if (type && strcmp(type, "TEXT_NODE_TYPE_USER") == 0)
			parse_user(c, node, r);
		else {
			struct buf b;
			char *t;

			buf_init(&b, 0);
			collect_text(node, &b, 0);
			t = clean(c, buf_str(&b), b.len);
			warn(c, "unknown text node type '%s'; kept its text", type ? type : "(none)");
			add_text_runs(r, t, 0, NULL, 0);
			free(t);
			buf_release(&b);
		}
		free(type);
		path_pop(c, o2);
	}
	path_pop(c, old);
}

/* --- paragraphs ------------------------------------------------------------------- */

/* Read holder.text.nodes into runs. */
static void
parse_text(struct pctx *c, const struct jsv *holder, struct runs *r)
{
	struct jsv *text = get_obj(c, holder, "text");
	size_t old = path_push(c, ".text");

	parse_nodes(c, text, "nodes", r);
	path_pop(c, old);
}

static enum align
parse_align(struct pctx *c, const struct jsv *p)
{
	long long a = 0;
	struct jsv *fmt = jsv_get(p, "format");

	if (!get_num(c, p, "align", &a) && jsv_type(fmt) == JSV_OBJECT)
		get_num(c, fmt, "align", &a);
	switch (a) {
	case 1: return ALIGN_CENTER;
	case 2: return ALIGN_RIGHT;
	case 3: return ALIGN_JUSTIFY;
	default: return ALIGN_DEFAULT;
	}
}

/*
 * Before para_type 8 existed, a heading was a text paragraph whose every word
 * is bold at font_size >= 22 (24 for the top level).  Return the level, or 0.
 */
static int
legacy_heading_level(const struct runs *r)
{
	int max = 0;
	bool any = false;

	for (size_t i = 0; i < r->n; i++) {
		const struct run *x = &r->v[i];

		if (x->kind == RUN_BREAK)
			continue;
		if (x->kind != RUN_TEXT)
			return 0;
		if (text_is_blank(x->text))
			continue;
		if (!(x->style & STYLE_BOLD) || x->font_size < 22)
			return 0;
		any = true;
		if (x->font_size > max)
			max = x->font_size;
	}
	/* a heading is one line: breaks between words mean a bold paragraph */
	for (size_t i = 0; any && i < r->n; i++)
		if (r->v[i].kind == RUN_BREAK && i > 0 && i + 1 < r->n)
			return 0;
	if (!any)
		return 0;
	return max >= 24 ? 1 : 2;
}

/* Drop line breaks at both ends of a heading's runs. */
static void
trim_breaks(struct runs *r)
{
	while (r->n > 0 && r->v[r->n - 1].kind == RUN_BREAK)
		r->n--;
	while (r->n > 0 && r->v[0].kind == RUN_BREAK) {
		memmove(r->v, r->v + 1, (r->n - 1) * sizeof *r->v);
		r->n--;
	}
}

static void
parse_pictures(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *pic = get_obj(c, p, "pic");
	struct jsv *pics;
	long long style = 0;
	size_t old = path_push(c, ".pic");

	pics = get_arr(c, pic, "pics");
	get_num(c, pic, "style", &style);
	b->pic_style = (int)style;
	for (size_t i = 0; i < jsv_len(pics) && !c->failed; i++) {
		struct jsv *q = jsv_at(pics, i);
		size_t o2 = path_push(c, ".pics[%zu]", i);
		char *u;
		long long w = 0, h = 0;
		double size = 0;

		if (jsv_type(q) == JSV_NULL) {
			warn(c, "a null picture; skipped");
			path_pop(c, o2);
			continue;
		}
		if (jsv_type(q) != JSV_OBJECT) {
			fail_at(c, NULL, "expected an object, got %s", jsv_type_name(q));
			break;
		}
		u = get_picture_url(c, q, "url");
		get_num(c, q, "width", &w);
		get_num(c, q, "height", &h);
		jsv_double(jsv_get(q, "size"), &size);
		if (u) {
			struct picture *x = block_push_picture(b);

			x->url = u;
			x->width = w > 0 && w < 100000 ? (int)w : 0;
			x->height = h > 0 && h < 100000 ? (int)h : 0;
			x->size_kib = size > 0 ? size : 0;
		}
		path_pop(c, o2);
	}
	if (b->npics == 0 && !c->failed)
		warn(c, "picture paragraph without pictures");
	path_pop(c, old);
}

static void
parse_list(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *list = get_obj(c, p, "list");
	struct jsv *items;
	long long style = 0;
	size_t old = path_push(c, ".list");

	get_num(c, list, "style", &style);
	b->ordered = style == 1;
	items = get_arr(c, list, "items");
	for (size_t i = 0; i < jsv_len(items) && !c->failed; i++) {
		struct jsv *it = jsv_at(items, i);
		size_t o2 = path_push(c, ".items[%zu]", i);
		struct list_item *li;
		long long level = 1, order = 0;

		if (jsv_type(it) == JSV_NULL) {
			warn(c, "a null list item; skipped");
			path_pop(c, o2);
			continue;
		}
		if (jsv_type(it) != JSV_OBJECT) {
			fail_at(c, NULL, "expected an object, got %s", jsv_type_name(it));
			break;
		}
		li = block_push_item(b);
		get_num(c, it, "level", &level);
		get_num(c, it, "order", &order);
		li->level = level < 1 ? 1 : level > 16 ? 16 : (int)level;
		li->order = order > 0 && order < 1000000 ? (int)order : 0;
		parse_nodes(c, it, "nodes", &li->runs);
		path_pop(c, o2);
	}
	path_pop(c, old);
}

static void
parse_code(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *code = get_obj(c, p, "code");
	size_t old = path_push(c, ".code");
	char *content = get_str(c, code, "content");
	char *lang = get_str(c, code, "lang");

	if (content) {
		/* The API entity-encodes code (&quot; &amp; &gt;): decode once, here. */
		char *dec = text_decode_entities(content);

		b->code = text_clean(dec, strlen(dec), NULL);
		free(dec);
	} else {
		b->code = xstrdup("");
	}
	if (lang) {
		const char *l = lang;
		size_t n;

		if (strncmp(l, "language-", 9) == 0)
			l += 9;
		n = strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#._-");
		if (n > 0 && l[n] == '\0' && n < 40)
			b->lang = xstrdup(l);
	}
	free(content);
	free(lang);
	path_pop(c, old);
}

/* A description line from a card's member path; numbers are written out. */
static void
card_line(struct pctx *c, struct card *cd, const struct jsv *o, const char *path,
    const char *fmt)
{
	struct jsv *v = jsv_path(o, path);
	char *s = NULL;
	long long n;
	size_t len;
	const char *str;

	if (v == NULL)
		return;
	if ((str = jsv_str(v, &len)) != NULL)
		s = clean(c, str, len);
	else if (jsv_int(v, &n))
		s = xasprintf("%lld", n);
	else
		return;
	if (*s == '\0') {
		free(s);
		return;
	}
	if (fmt) {
		char *t = xasprintf(fmt, s);

		free(s);
		s = t;
	}
	cd->lines = xreallocarray(cd->lines, cd->nlines + 1, sizeof *cd->lines);
	cd->lines[cd->nlines++] = s;
}

static char *
card_str(struct pctx *c, const struct jsv *o, const char *path)
{
	struct jsv *v = jsv_path(o, path);
	size_t len;
	const char *s = jsv_str(v, &len);

	return s && *s ? clean(c, s, len) : NULL;
}

/*
 * How each card type shows: which member is the title and which lines follow.
 * Paths are dotted member names inside the card's sub-object.
 */
static const struct card_spec {
	const char *type;       /* LINK_CARD_TYPE_ suffix */
	const char *key;        /* the sub-object */
	const char *title;
	const char *lines[5];
} card_specs[] = {
	{ "UGC", "ugc", "title", { "head_text", "desc_second", "duration" } },
	{ "COMMON", "common", "title", { "head_text", "desc1", "desc2", "sub_type" } },
	{ "GOODS", "goods", "head_text", { NULL } },
	{ "VOTE", "vote", "desc", { "join_num", "end_time" } },
	{ "RESERVE", "reserve", "title", { "desc1.text", "desc2.text", "desc3.text" } },
	{ "LIVE", "live", "title", { "badge.text", "desc_first", "desc_second" } },
	{ "MUSIC", "music", "title", { "label" } },
	{ "OPUS", "opus", "title", { "author.name", "stat.view" } },
	/* then the score (center_top), the state and the two teams: parse_match */
	{ "MATCH", "match", "match_info.title", { "match_info.sub_title" } },
	{ "UPOWER_LOTTERY", "upower_lottery", "title", { "desc.text", "hint.text" } },
	{ "ITEM_NULL", "item_null", "text", { NULL } },
};

/* A new, empty item of card cd (owned by cd). */
static struct card *
card_add_item(struct card *cd)
{
	struct card *ci;

	cd->items = xreallocarray(cd->items, cd->nitems + 1, sizeof *cd->items);
	ci = &cd->items[cd->nitems++];
	memset(ci, 0, sizeof *ci);
	return ci;
}

/*
 * A match card after its subtitle (spec: match_info.center_top[] such as
 * ["2 : 1", "BO5"], center_bottom, left_team and right_team {name, pic}): the
 * score and the state as lines, in the card's order, then each team as an
 * item with its name and picture.
 */
static void
parse_match(struct pctx *c, const struct jsv *sub, struct card *cd)
{
	struct jsv *info = jsv_get(sub, "match_info");
	struct jsv *top = jsv_get(info, "center_top");
	static const char *const teams[] = { "left_team", "right_team" };
	struct buf score;

	buf_init(&score, 0);
	for (size_t i = 0; i < jsv_len(top); i++) {
		size_t len;
		const char *s = jsv_str(jsv_at(top, i), &len);

		if (s == NULL || len == 0)
			continue;
		if (score.len)
			buf_add(&score, " · ", strlen(" · "));
		buf_add(&score, s, len);
	}
	if (score.len) {
		cd->lines = xreallocarray(cd->lines, cd->nlines + 1, sizeof *cd->lines);
		cd->lines[cd->nlines++] = clean(c, buf_str(&score), score.len);
	}
	buf_release(&score);
	card_line(c, cd, sub, "match_info.center_bottom", NULL);
	for (size_t i = 0; i < 2; i++) {
		struct jsv *team = jsv_get(info, teams[i]);
		size_t o = path_push(c, ".match_info.%s", teams[i]);
		struct card *ti;

		if (jsv_type(team) != JSV_OBJECT) {
			path_pop(c, o);
			continue;
		}
		ti = card_add_item(cd);
		ti->title = card_str(c, team, "name");
		ti->cover = get_picture_url(c, team, "pic");
		path_pop(c, o);
	}
}

static void
parse_card(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *lc = get_obj(c, p, "link_card");
	struct jsv *card, *sub = NULL;
	const struct card_spec *spec = NULL;
	char *type;
	const char *kind, *subkey = NULL;
	size_t old = path_push(c, ".link_card");

	card = get_obj(c, lc, "card");
	path_push(c, ".card");
	type = get_str(c, card, "type");
	kind = type && strncmp(type, "LINK_CARD_TYPE_", 15) == 0 ? type + 15 : (type ? type : "");
	for (size_t i = 0; i < sizeof card_specs / sizeof card_specs[0]; i++)
		if (strcmp(kind, card_specs[i].type) == 0)
			spec = &card_specs[i];
	b->card.kind = xstrdup(*kind ? kind : "UNKNOWN");
	if (spec) {
		sub = get_obj(c, card, subkey = spec->key);
	} else {
		/* Unknown type, or none given (BAC's inferred example): take the first object member. */
		static const char *const guesses[] = {
			"ugc", "common", "goods", "vote", "reserve", "live", "music", "opus",
			"match", "upower_lottery", "item_null", NULL,
		};

		for (size_t i = 0; guesses[i] && sub == NULL; i++) {
			sub = jsv_get(card, subkey = guesses[i]);
			if (jsv_type(sub) != JSV_OBJECT)
				sub = NULL;
			else if (*kind == '\0') {
				for (size_t j = 0; j < sizeof card_specs / sizeof card_specs[0]; j++)
					if (strcmp(card_specs[j].key, guesses[i]) == 0)
						spec = &card_specs[j];
			}
		}
		if (spec == NULL || *kind)
			warn(c, "unknown link card type '%s'; kept its text", *kind ? kind : "(none)");
		/* no type given but a known card's member: that card, with all it shows (goods, teams) */
		if (spec && *kind == '\0') {
			free(b->card.kind);
			b->card.kind = xstrdup(spec->type);
		}
	}
	if (!c->failed && sub) {
		const char *title_key = spec ? spec->title : "title";
		size_t o2 = path_push(c, ".%s", subkey);

		b->card.title = card_str(c, sub, title_key);
		if (b->card.title == NULL)
			b->card.title = card_str(c, sub, "title");
		b->card.url = get_link(c, sub, "jump_url");
		b->card.cover = get_picture_url(c, sub, "cover");
		if (spec) {
			for (size_t i = 0; i < 5 && spec->lines[i]; i++) {
				const char *fmt = NULL;

				if (strcmp(spec->lines[i], "head_text") == 0) {
					free(b->card.badge);
					b->card.badge = card_str(c, sub, "head_text");
					continue;
				}
				if (strcmp(spec->key, "vote") == 0 && strcmp(spec->lines[i], "join_num") == 0)
					fmt = "%s 人参与";
				if (strcmp(spec->key, "opus") == 0 && strcmp(spec->lines[i], "stat.view") == 0)
					fmt = "%s 阅读";
				if (strcmp(spec->lines[i], "end_time") == 0)
					continue;       /* a timestamp: not worth a raw number */
				card_line(c, &b->card, sub, spec->lines[i], fmt);
			}
		} else {
			card_line(c, &b->card, sub, "desc", NULL);
			card_line(c, &b->card, sub, "desc1", NULL);
			card_line(c, &b->card, sub, "desc2", NULL);
			card_line(c, &b->card, sub, "text", NULL);
		}
		if (strcmp(b->card.kind, "GOODS") == 0) {
			struct jsv *items = get_arr(c, sub, "items");
			size_t o3 = path_push(c, ".items");

			for (size_t i = 0; i < jsv_len(items) && !c->failed; i++) {
				struct jsv *it = jsv_at(items, i);
				struct card *ci;
				size_t o4 = path_push(c, "[%zu]", i);

				ci = card_add_item(&b->card);
				ci->title = card_str(c, it, "name");
				ci->url = get_link(c, it, "jump_url");
				ci->cover = get_picture_url(c, it, "cover");
				card_line(c, ci, it, "brief", NULL);
				card_line(c, ci, it, "price", NULL);
				path_pop(c, o4);
			}
			path_pop(c, o3);
			if (b->card.title == NULL && b->card.nitems == 0)
				b->card.title = xstrdup("商品");
		}
		if (strcmp(b->card.kind, "MATCH") == 0)
			parse_match(c, sub, &b->card);
		if (strcmp(b->card.kind, "ITEM_NULL") == 0 && b->card.title == NULL)
			b->card.title = xstrdup("(内容已失效)");
		if (strcmp(b->card.kind, "VOTE") == 0 && b->card.url == NULL) {
			long long vid;

			if (get_num(c, sub, "vote_id", &vid))
				b->card.url = xasprintf(
				    "https://t.bilibili.com/vote/h5/index/#/result?vote_id=%lld", vid);
		}
		path_pop(c, o2);
	}
	if (!c->failed && b->card.title == NULL && b->card.nlines == 0 && b->card.nitems == 0) {
		struct buf t;

		buf_init(&t, 0);
		collect_text(card, &t, 0);
		b->card.title = clean(c, buf_str(&t), t.len);
		buf_release(&t);
		if (*b->card.title == '\0') {
			free(b->card.title);
			b->card.title = xstrdup("(链接卡片)");
		}
	}
	free(type);
	path_pop(c, old);
}

static void
parse_paragraph(struct pctx *c, const struct jsv *p)
{
	long long type = -1;
	struct block *b;

	if (jsv_type(p) == JSV_NULL) {
		warn(c, "a null paragraph; skipped");
		return;
	}
	if (jsv_type(p) != JSV_OBJECT) {
		fail_at(c, NULL, "expected an object, got %s", jsv_type_name(p));
		return;
	}
	if (!get_num(c, p, "para_type", &type)) {
		/*
		 * No type: the member that carries the content says it (as for a
		 * link card without one); with none of them, an unknown paragraph
		 * whose text is kept below.
		 */
		static const struct {
			const char *key;
			long long type;
		} by_member[] = {
			{ "heading", 8 }, { "pic", 2 }, { "line", 3 }, { "list", 5 },
			{ "link_card", 6 }, { "code", 7 }, { "text", 1 },
		};

		if (c->failed)
			return;
		type = -1;
		for (size_t i = 0; i < sizeof by_member / sizeof by_member[0] && type == -1; i++)
			if (jsv_type(jsv_get(p, by_member[i].key)) == JSV_OBJECT)
				type = by_member[i].type;
		if (type == -1)
			warn(c, "a paragraph without para_type; kept its text");
		else
			warn(c, "a paragraph without para_type; read as para_type %lld by its '%s'",
			    type, type == 8 ? "heading" : type == 2 ? "pic" : type == 3 ? "line" :
			    type == 5 ? "list" : type == 6 ? "link_card" : type == 7 ? "code" : "text");
	}
	switch (type) {
	case 1: {
		b = article_push_block(c->a, BLOCK_PARAGRAPH);
		b->align = parse_align(c, p);
		parse_text(c, p, &b->runs);
		if ((b->level = legacy_heading_level(&b->runs)) > 0) {
			b->kind = BLOCK_HEADING;
			trim_breaks(&b->runs);
		}
		break;
	}
	case 2:
		b = article_push_block(c->a, BLOCK_PICTURES);
		b->align = parse_align(c, p);
		parse_pictures(c, p, b);
		break;
	case 3: {
		struct jsv *line = get_obj(c, p, "line");
		size_t old = path_push(c, ".line");

		struct jsv *pic = get_obj(c, line, "pic");

		path_push(c, ".pic");
		b = article_push_block(c->a, BLOCK_DIVIDER);
		b->img_url = get_picture_url(c, pic, "url");
		path_pop(c, old);
		break;
	}
	case 4: {
		struct jsv *text = get_obj(c, p, "text");
		struct jsv *bq = get_obj(c, p, "blockquote");

		b = article_push_block(c->a, BLOCK_QUOTE);
		b->align = parse_align(c, p);
		if (text)
			parse_text(c, p, &b->runs);
		if (bq) {
			/* A variant two parsers accept: blockquote.children[].text.nodes. */
			struct jsv *ch = get_arr(c, bq, "children");
			size_t old = path_push(c, ".blockquote.children");

			for (size_t i = 0; i < jsv_len(ch) && !c->failed; i++) {
				size_t o2 = path_push(c, "[%zu]", i);
				struct block *kid = block_push_child(b, BLOCK_PARAGRAPH);

				parse_text(c, jsv_at(ch, i), &kid->runs);
				path_pop(c, o2);
			}
			path_pop(c, old);
		}
		break;
	}
	case 5:
		b = article_push_block(c->a, BLOCK_LIST);
		parse_list(c, p, b);
		break;
	case 6:
		b = article_push_block(c->a, BLOCK_CARD);
		parse_card(c, p, b);
		break;
	case 7:
		b = article_push_block(c->a, BLOCK_CODE);
		parse_code(c, p, b);
		break;
	case 8: {
		struct jsv *h = get_obj(c, p, "heading");
		long long level = 1;
		size_t old;

		b = article_push_block(c->a, BLOCK_HEADING);
		b->align = parse_align(c, p);
		old = path_push(c, ".heading");
		get_num(c, h, "level", &level);
		b->level = level < 1 ? 1 : level > 5 ? 5 : (int)level;
		parse_nodes(c, h, "nodes", &b->runs);
		path_pop(c, old);
		trim_breaks(&b->runs);
		break;
	}
	default: {
		struct jsv *text = jsv_get(p, "text");

		b = article_push_block(c->a, BLOCK_UNKNOWN);
		b->type_name = type == -1 ? xstrdup("para_type (none)") : xasprintf("para_type %lld", type);
		if (jsv_type(text) == JSV_OBJECT && jsv_get(text, "nodes")) {
			parse_text(c, p, &b->runs);
		} else {
			struct buf t;
			char *s;

			buf_init(&t, 0);
			collect_text(p, &t, 0);
			s = clean(c, buf_str(&t), t.len);
			add_text_runs(&b->runs, s, 0, NULL, 0);
			free(s);
			buf_release(&t);
		}
		if (type != -1)
			warn(c, "unknown para_type %lld; kept its text", type);
		break;
	}
	}
	if (c->pending_pics) {
		struct block *pb = article_push_block(c->a, BLOCK_PICTURES);

		*pb = *c->pending_pics;
		free(c->pending_pics);
		c->pending_pics = NULL;
	}
}

/* --- modules ------------------------------------------------------------------------ */

static void
parse_content(struct pctx *c, const struct jsv *m)
{
	struct jsv *paras = get_arr(c, m, "paragraphs");
	size_t old = path_push(c, ".paragraphs");

	if (paras == NULL && !c->failed)
		warn(c, "no paragraphs");
	for (size_t i = 0; i < jsv_len(paras) && !c->failed; i++) {
		size_t o2 = path_push(c, "[%zu]", i);

		parse_paragraph(c, jsv_at(paras, i));
		/* the model holds copies now: the article grows into the memory the tree gives back */
		jsv_drop(paras, i);
		path_pop(c, o2);
	}
	path_pop(c, old);
}

/* Store v in *dst, freeing what was there: a repeated module replaces the earlier one. */
static void
set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

static void
parse_author(struct pctx *c, const struct jsv *m)
{
	struct article *a = c->a;
	long long ts = 0;

	set_str(&a->author_url, NULL);
	set_str(&a->author_name, get_str(c, m, "name"));
	set_str(&a->author_mid, get_str_or_num(c, m, "mid"));
	if (a->author_mid && strspn(a->author_mid, "0123456789") != strlen(a->author_mid)) {
		free(a->author_mid);
		a->author_mid = NULL;
	}
	set_str(&a->author_face, get_picture_url(c, m, "face"));
	if (a->author_mid)
		a->author_url = xasprintf("https://space.bilibili.com/%s", a->author_mid);
	if (get_num(c, m, "pub_ts", &ts) && ts != 0) {
		if (model_time_ok(ts))
			a->pub_ts = ts;
		else
			warn(c, "pub_ts %lld is not a date a book can carry; left out", ts);
	}
	set_str(&a->pub_time_text, get_str(c, m, "pub_time"));
}

static void
parse_top(struct pctx *c, const struct jsv *m)
{
	size_t old = path_push(c, ".display.album");
	struct jsv *pics = get_arr(c, jsv_path(m, "display.album"), "pics");

	path_push(c, ".pics");

	for (size_t i = 0; i < jsv_len(pics) && !c->failed; i++) {
		struct jsv *q = jsv_at(pics, i);
		size_t o2 = path_push(c, "[%zu]", i);
		char *u = get_picture_url(c, q, "url");
		long long w = 0, h = 0;

		get_num(c, q, "width", &w);
		get_num(c, q, "height", &h);
		if (u) {
			struct picture *p;

			c->a->top = xreallocarray(c->a->top, c->a->ntop + 1, sizeof *c->a->top);
			p = &c->a->top[c->a->ntop++];
			memset(p, 0, sizeof *p);
			p->url = u;
			p->width = w > 0 && w < 100000 ? (int)w : 0;
			p->height = h > 0 && h < 100000 ? (int)h : 0;
		}
		path_pop(c, o2);
	}
	path_pop(c, old);
}

static void
parse_extend(struct pctx *c, const struct jsv *m)
{
	struct jsv *items = get_arr(c, m, "items");
	size_t old = path_push(c, ".items");

	for (size_t i = 0; i < jsv_len(items) && !c->failed; i++) {
		size_t o2 = path_push(c, "[%zu]", i);
		char *t = get_str(c, jsv_at(items, i), "text");

		if (t && *t && !text_is_blank(t)) {
			c->a->tags = xreallocarray(c->a->tags, c->a->ntags + 1, sizeof *c->a->tags);
			c->a->tags[c->a->ntags++] = t;
		} else {
			free(t);
		}
		path_pop(c, o2);
	}
	path_pop(c, old);
}

static void
parse_stat(struct pctx *c, const struct jsv *m)
{
	static const struct {
		const char *key;
		size_t off;
	} stats[] = {
		{ "like", offsetof(struct article, like) },
		{ "coin", offsetof(struct article, coin) },
		{ "favorite", offsetof(struct article, favorite) },
		{ "comment", offsetof(struct article, comment) },
		{ "forward", offsetof(struct article, forward) },
	};

	for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
		struct jsv *s = get_obj(c, m, stats[i].key);
		struct stat_count *sc = (struct stat_count *)((char *)c->a + stats[i].off);
		size_t old = path_push(c, ".%s", stats[i].key);

		if (s && !get_bool(c, s, "hidden") && get_num(c, s, "count", &sc->count))
			sc->known = true;
		path_pop(c, old);
	}
}

static void
parse_blocked(struct pctx *c, const struct jsv *m)
{
	struct block *b = article_push_block(c->a, BLOCK_NOTICE);
	char *hint = get_str(c, m, "hint_message");
	char *button = get_str(c, jsv_get(m, "button"), "text");

	b->title = get_str(c, m, "title");
	if (b->title == NULL)
		b->title = xstrdup("部分内容不可见");
	if (hint)
		add_text_runs(&b->runs, hint, 0, NULL, 0);
	if (button && *button) {
		if (b->runs.n)
			runs_push(&b->runs, RUN_BREAK);
		add_text_runs(&b->runs, button, 0, NULL, 0);
	}
	free(hint);
	free(button);
	warn(c, "part of this opus is blocked (%s); archived what is visible", b->title);
}

static bool
module_has_text(const char *key, struct jsv *v, void *ctx)
{
	(void)v;
	if (strncmp(key, "module_", 7) == 0 && strcmp(key, "module_type") != 0) {
		*(const char **)ctx = key;
		return false;
	}
	return true;
}

static void
parse_modules(struct pctx *c, const struct jsv *mods, bool *has_content)
{
	for (size_t i = 0; i < jsv_len(mods) && !c->failed; i++) {
		struct jsv *m = jsv_at(mods, i);
		size_t old = path_push(c, "[%zu]", i);
		char *type;

		if (jsv_type(m) != JSV_OBJECT) {
			/* One broken module costs that module, not the article (a null
			 * slot is what a half-deleted module looks like). */
			warn(c, "expected an object, got %s; module skipped", jsv_type_name(m));
			path_pop(c, old);
			continue;
		}
		type = get_str(c, m, "module_type");
		if (c->failed) {
			free(type);
			break;
		}
		if (type == NULL) {
			warn(c, "module without module_type; skipped");
		} else if (strcmp(type, "MODULE_TYPE_TITLE") == 0) {
			struct jsv *t = get_obj(c, m, "module_title");

			path_push(c, ".module_title");
			free(c->a->title);
			c->a->title = get_str(c, t, "text");
		} else if (strcmp(type, "MODULE_TYPE_AUTHOR") == 0) {
			struct jsv *au = get_obj(c, m, "module_author");

			path_push(c, ".module_author");
			parse_author(c, au);
		} else if (strcmp(type, "MODULE_TYPE_CONTENT") == 0) {
			struct jsv *mc = get_obj(c, m, "module_content");

			path_push(c, ".module_content");
			if (mc)
				*has_content = true;
			parse_content(c, mc);
		} else if (strcmp(type, "MODULE_TYPE_TOP") == 0) {
			struct jsv *top = get_obj(c, m, "module_top");

			path_push(c, ".module_top");
			parse_top(c, top);
		} else if (strcmp(type, "MODULE_TYPE_COLLECTION") == 0) {
			struct jsv *col = get_obj(c, m, "module_collection");

			path_push(c, ".module_collection");
			set_str(&c->a->collection_name, get_str(c, col, "name"));
			set_str(&c->a->collection_id, get_str_or_num(c, col, "id"));
			set_str(&c->a->collection_count, get_str_or_num(c, col, "count"));
		} else if (strcmp(type, "MODULE_TYPE_TOPIC") == 0) {
			struct jsv *t = get_obj(c, m, "module_topic");

			path_push(c, ".module_topic");
			set_str(&c->a->topic, get_str(c, t, "name"));
			set_str(&c->a->topic_url, get_link(c, t, "jump_url"));
		} else if (strcmp(type, "MODULE_TYPE_EXTEND") == 0) {
			struct jsv *ext = get_obj(c, m, "module_extend");

			path_push(c, ".module_extend");
			parse_extend(c, ext);
		} else if (strcmp(type, "MODULE_TYPE_STAT") == 0) {
			struct jsv *st = get_obj(c, m, "module_stat");

			path_push(c, ".module_stat");
			parse_stat(c, st);
		} else if (strcmp(type, "MODULE_TYPE_BLOCKED") == 0) {
			struct jsv *bl = get_obj(c, m, "module_blocked");

			path_push(c, ".module_blocked");
			*has_content = true;
			parse_blocked(c, bl);
		} else if (strcmp(type, "MODULE_TYPE_BOTTOM") == 0 ||
		    strcmp(type, "MODULE_TYPE_MORE") == 0) {
			/* share excerpt and menu: nothing a reader needs */
		} else {
			/* A module we do not know: keep its text visible at the end. */
			const char *key = NULL;
			struct buf t;
			char *s;

			jsv_each(m, module_has_text, &key);
			buf_init(&t, 0);
			if (key)
				collect_text(jsv_get(m, key), &t, 0);
			s = clean(c, buf_str(&t), t.len);
			if (*s) {
				struct block *b = article_push_block(c->a, BLOCK_UNKNOWN);

				b->type_name = xstrdup(type);
				add_text_runs(&b->runs, s, 0, NULL, 0);
			}
			warn(c, "unknown module type '%s'%s", type, *s ? "; kept its text" : "");
			free(s);
			buf_release(&t);
		}
		free(type);
		path_pop(c, old);
	}
}

int
opus_id_valid(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 30 && s[n] == '\0';
}

enum opus_result
opus_parse(const char *buf, size_t n, struct article **out, char **fallback_cv, struct err *e)
{
	struct pctx c;
	struct jsv *root, *data, *item, *mods, *fb;
	long long code = 0;
	enum opus_result rc = OPUS_ERROR;
	bool has_content = false;
	char *id = NULL;

	*out = NULL;
	*fallback_cv = NULL;
	memset(&c, 0, sizeof c);
	c.e = e;
	root = jsv_parse(buf, n, OPUS_MAX_DEPTH, e);
	if (root == NULL)
		return OPUS_ERROR;
	if (jsv_type(root) != JSV_OBJECT) {
		err_set(e, "expected a JSON object (a response envelope), got %s", jsv_type_name(root));
		goto out;
	}
	if (jsv_get(root, "code") == NULL) {
		err_set(e, "not an API response: no 'code' member");
		goto out;
	}
	if (!get_num(&c, root, "code", &code))
		goto out;
	if (code != 0) {
		char *msg = get_str(&c, root, "message");

		err_set(e, "API error %lld: %s", code, msg && *msg ? msg : "(no message)");
		free(msg);
		goto out;
	}
	data = get_obj(&c, root, "data");
	if (c.failed)
		goto out;
	if (data == NULL) {
		err_set(e, "the response has no 'data'");
		goto out;
	}
	path_push(&c, "data");
	fb = get_obj(&c, data, "fallback");
	if (fb) {
		char *fid = get_str_or_num(&c, fb, "id");

		if (fid && opus_id_valid(fid)) {
			*fallback_cv = fid;
			rc = OPUS_FALLBACK;
			goto out;
		}
		free(fid);
		if (!c.failed)
			fail_at(&c, "fallback.id", "missing or not a number");
		goto out;
	}
	item = get_obj(&c, data, "item");
	if (item == NULL) {
		if (!c.failed)
			fail_at(&c, "item", "missing");
		goto out;
	}
	path_push(&c, ".item");
	id = get_str_or_num(&c, item, "id_str");
	if (c.failed)
		goto out;
	if (id == NULL || !opus_id_valid(id)) {
		fail_at(&c, "id_str", id ? "'%.60s' is not an opus id" : "missing%s", id ? id : "");
		goto out;
	}
	snprintf(c.id, sizeof c.id, "%s", id);
	c.a = article_new();
	c.a->id = id;
	id = NULL;
	c.a->source_url = xasprintf("https://www.bilibili.com/opus/%s", c.a->id);
	{
		struct jsv *basic = get_obj(&c, item, "basic");
		long long ct = 0;
		size_t old = path_push(&c, ".basic");

		if (basic && get_num(&c, basic, "comment_type", &ct) && ct == 12) {
			char *rid = get_str_or_num(&c, basic, "rid_str");

			if (rid && opus_id_valid(rid))
				c.a->cv_id = rid;
			else
				free(rid);
		}
		if (basic && !c.failed) {
			/* a fallback title, used when MODULE_TYPE_TITLE is missing */
			char *t = get_str(&c, basic, "title");
			const char *suffix = " - 哔哩哔哩";

			if (t) {
				size_t tl = strlen(t), sl = strlen(suffix);

				if (tl >= sl && strcmp(t + tl - sl, suffix) == 0)
					t[tl - sl] = '\0';
				c.a->title = t;
			}
		}
		path_pop(&c, old);
	}
	mods = get_arr(&c, item, "modules");
	if (c.failed)
		goto out;
	if (mods == NULL) {
		fail_at(&c, "modules", "missing");
		goto out;
	}
	path_push(&c, ".modules");
	parse_modules(&c, mods, &has_content);
	if (c.failed)
		goto out;
	c.path[0] = '\0';
	c.pathlen = 0;
	path_push(&c, "data.item.modules");
	if (!has_content && c.a->ntop == 0) {
		err_set(e, "the response has no MODULE_TYPE_CONTENT: nothing to archive");
		goto out;
	}
	if (c.a->nblocks == 0 && c.a->ntop == 0)
		warn(&c, "the article has no content");
	if (c.a->title == NULL || *c.a->title == '\0') {
		free(c.a->title);
		c.a->title = xasprintf("opus %s", c.a->id);
		warn(&c, "no title; using '%s'", c.a->title);
	}
	if (c.a->author_name == NULL) {
		warn(&c, "no author");
	}
	if (c.bad_utf8) {
		log_warn("opus %s: invalid UTF-8 in the response, replaced with U+FFFD", c.a->id);
		c.a->repaired = true;
	}
	c.a->raw = xstrndup(buf, n);
	c.a->raw_len = n;
	c.a->raw_name = xstrdup("opus-detail");
	*out = c.a;
	c.a = NULL;
	rc = OPUS_OK;
out:
	if (rc == OPUS_ERROR && c.failed && c.id[0])
		err_prefix(e, "opus %s", c.id);
	if (c.pending_pics) {
		block_release(c.pending_pics);
		free(c.pending_pics);
	}
	article_free(c.a);
	free(id);
	jsv_free(root);
	return rc;
}
