#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "cv.h"
#include "field.h"
#include "html.h"
#include "input.h"
#include "jsonval.h"
#include "model.h"
#include "opus.h"
#include "text.h"
#include "url.h"
#include "xalloc.h"

/*
 * Parser state.  Paths here are shallow (data.author.name,
 * data.content.ops[3].insert), so each read names where it reads (at())
 * instead of keeping a path stack; warnings name the article only.
 */
struct cctx {
	struct field_ctx f;     /* error, path, warnings: see field.h */
	char id[40];            /* "cv123" once known */
	struct article *a;
	struct buf warned;      /* " name " of every markup kind already reported */
	bool warned_all;        /* warned is full: no more kinds are named */
};

/* How many bytes of kind names warn_once keeps (about a hundred kinds). */
#define WARNED_MAX 4096

/* --- errors and warnings ------------------------------------------------------------ */

/* Set the path that the next read reports errors at; return the kit's context. */
static struct field_ctx *
at(struct cctx *c, const char *where)
{
	field_pop(&c->f, 0);
	field_push(&c->f, "%s", where);
	return &c->f;
}

static void
warn(struct cctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
warn(struct cctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_vwarn(at(c, ""), fmt, ap);
	va_end(ap);
}

/* Warn about a kind of markup once per article (a page of <font> is one warning). */
static void
warn_once(struct cctx *c, const char *kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
warn_once(struct cctx *c, const char *kind, const char *fmt, ...)
{
	char key[80], what[512];
	va_list ap;

	snprintf(key, sizeof key, " %s ", kind);
	if (strstr(buf_str(&c->warned), key))
		return;
	/* a page of thousands of made-up tag names: the list (and its search) stays small */
	if (c->warned.len > WARNED_MAX) {
		if (!c->warned_all)
			warn(c, "more kinds of unknown markup than are worth reporting; not naming the rest");
		c->warned_all = true;
		return;
	}
	buf_adds(&c->warned, key);
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	warn(c, "%s", what);
}

static char *
clean(struct cctx *c, const char *s, size_t n)
{
	return field_clean(&c->f, s, n);
}

/* A picture URL made absolute https, or NULL (with a warning when it was not a web address). */
static char *
picture_url(struct cctx *c, const char *s)
{
	return field_picture_url(at(c, ""), s);
}

/* --- runs ------------------------------------------------------------------------- */

struct style {
	unsigned bits;          /* STYLE_* */
	char color[8];
	int font_size;
	const char *href;       /* inside a link: its target (borrowed) */
};

static bool
runs_at_line_start(const struct runs *r)
{
	return r->n == 0 || r->v[r->n - 1].kind == RUN_BREAK;
}

static bool
runs_end_in_space(const struct runs *r)
{
	const char *t;
	size_t n;

	if (r->n == 0 || r->v[r->n - 1].text == NULL)
		return false;
	t = r->v[r->n - 1].text;
	n = run_text_len(&r->v[r->n - 1]);
	return n > 0 && t[n - 1] == ' ';
}

/* Drop the spaces that end the last run (before a break, at the end of a block). */
static void
runs_trim_end(struct runs *r)
{
	while (r->n > 0 && r->v[r->n - 1].kind != RUN_BREAK && r->v[r->n - 1].text) {
		struct run *x = &r->v[r->n - 1];
		size_t n = run_text_len(x);

		while (n > 0 && x->text[n - 1] == ' ')
			x->text[--n] = '\0';
		x->text_len = n;
		if (n > 0 || x->kind != RUN_TEXT)
			break;
		free(x->text);
		r->n--;
	}
}

/* At the end of a block: trailing breaks and spaces show nothing (browsers agree). */
static void
runs_trim_block(struct runs *r)
{
	runs_trim_end(r);
	while (r->n > 0 && r->v[r->n - 1].kind == RUN_BREAK) {
		r->n--;
		runs_trim_end(r);
	}
}

/* Append cleaned text s with style st, merging with the run before when it looks the same. */
static void
add_text(struct runs *r, const char *s, const struct style *st)
{
	struct run *x = r->n ? &r->v[r->n - 1] : NULL;

	if (*s == '\0')
		return;
	if (x && (st->href ? x->kind == RUN_LINK && x->href && strcmp(x->href, st->href) == 0 :
	    x->kind == RUN_TEXT && x->style == st->bits && strcmp(x->color, st->color) == 0 &&
	    x->font_size == st->font_size)) {
		/* one growing string: a paragraph of many same-style spans stays linear */
		run_append_text(x, s, strlen(s));
		return;
	}
	if (st->href) {
		x = runs_push(r, RUN_LINK);
		x->text = xstrdup(s);
		x->href = xstrdup(st->href);
		x->extra = xstrdup("WEB");
		return;
	}
	x = runs_push(r, RUN_TEXT);
	x->text = xstrdup(s);
	x->style = st->bits;
	x->font_size = st->font_size;
	snprintf(x->color, sizeof x->color, "%s", st->color);
}

/* Append text holding "\n"s as line breaks (delta inserts, code-less plain text). */
static void
add_lines(struct cctx *c, struct runs *r, const char *s, size_t n, const struct style *st)
{
	char *t = clean(c, s, n), *p = t;

	while (*p) {
		size_t k = strcspn(p, "\n");
		char save = p[k];

		p[k] = '\0';
		add_text(r, p, st);
		p[k] = save;
		p += k;
		if (*p == '\n') {
			runs_push(r, RUN_BREAK);
			p++;
		}
	}
	free(t);
}

static void
add_formula(struct runs *r, char *tex)
{
	struct run *x;

	if (tex == NULL || text_is_blank(tex)) {
		free(tex);
		return;
	}
	x = runs_push(r, RUN_FORMULA);
	x->text = tex;
}

static void
set_card(struct card *cd, const char *kind, char *title, char *url, char *cover)
{
	cd->kind = xstrdup(kind);
	cd->title = title;
	cd->url = url;
	cd->cover = cover;
}

/*
 * A link for a card of this kind and id (spec §1.2; inferred where the spec
 * gives no address).  The id may carry its prefix ("av170001", "cv2",
 * "lv3"); only letters and digits make a link.  Returns the kind's label in
 * *label.  NULL when the kind has no address or the id is odd.
 */
static char *
card_link(const char *kind, const char *id, const char **label)
{
	static const struct {
		const char *kind, *label, *prefix, *fmt;
	} kinds[] = {
		{ "video", "视频", "av", "https://www.bilibili.com/video/%s" },
		{ "article", "专栏", "cv", "https://www.bilibili.com/read/cv%s" },
		{ "fanju", "番剧", "md", "https://www.bilibili.com/bangumi/media/md%s" },
		{ "music", "音频", "au", "https://www.bilibili.com/audio/au%s" },
		{ "shop", "商品", "", NULL },
		{ "goods", "商品", "", NULL },
		{ "mall", "商品", "", NULL },
		{ "caricature", "漫画", "mc", "https://manga.bilibili.com/detail/mc%s" },
		{ "live", "直播", "lv", "https://live.bilibili.com/%s" },
		{ "vote", "投票", "", "https://t.bilibili.com/vote/h5/index/#/result?vote_id=%s" },
	};
	size_t n = strlen(id);

	*label = NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const char *p = id;
		size_t pl = strlen(kinds[i].prefix);

		if (strcmp(kind, kinds[i].kind) != 0)
			continue;
		*label = kinds[i].label;
		if (kinds[i].fmt == NULL || n == 0 || n > 40)
			return NULL;
		if (strspn(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != n)
			return NULL;
		if (strcmp(kind, "video") == 0) {
			/* "BV1xx411c7mD" and "av170001" are both addresses; a bare number is an aid */
			if (strspn(id, "0123456789") == n)
				return xasprintf("https://www.bilibili.com/video/av%s", id);
			return xasprintf(kinds[i].fmt, id);
		}
		if (pl && strncasecmp(p, kinds[i].prefix, pl) == 0)
			p += pl;
		if (*p == '\0' || strspn(p, "0123456789") != strlen(p))
			return NULL;
		return xasprintf(kinds[i].fmt, p);
	}
	return NULL;
}

/* Fill a card block for a kind ("video", ...) and an id; cover is taken over. */
static void
make_card(struct cctx *c, struct block *b, const char *kind, const char *id, char *title,
    char *cover)
{
	const char *label;
	char *url = card_link(kind, id ? id : "", &label);

	if (label == NULL) {
		warn_once(c, kind, "unknown card kind '%s'; kept as a plain card", kind);
		label = kind;
	}
	if (title == NULL || text_is_blank(title)) {
		free(title);
		title = id && *id ? xasprintf("%s %s", label, id) : xstrdup(label);
	}
	set_card(&b->card, kind, title, url, cover);
}

/* ===================================================================================
 * HTML (content type 0)
 * =================================================================================== */

/*
 * Where the walk puts things.  Blocks go into box->children (a container
 * block; the article's top level is one too, moved into the article at the
 * end).  Inline content goes to the paragraph open in the box, or, inside a
 * list item, to that item; blocks met inside a list wait in box until the
 * list is done, so the list block is never moved while it is filled.
 */
struct flow {
	struct cctx *c;
	struct block *box;
	long open;              /* index in box->children of the open paragraph or heading, or -1 */
	enum align align;       /* of paragraphs opened from now on */
	struct block *list;     /* inside a list: the list block */
	int list_level;
	long item;              /* index of the open item in list->items, or -1 */
	bool cell_sep;          /* a table cell began: set it apart from the one before */
};

static struct runs *
inline_target(struct flow *f)
{
	if (f->list) {
		if (f->item < 0) {
			struct list_item *it = block_push_item(f->list);

			it->level = f->list_level;
			f->item = (long)f->list->nitems - 1;
		}
		return &f->list->items[f->item].runs;
	}
	if (f->open < 0) {
		struct block *b = block_push_child(f->box, BLOCK_PARAGRAPH);

		b->align = f->align;
		f->open = (long)f->box->nchildren - 1;
	}
	return &f->box->children[f->open].runs;
}

/* True when nothing takes inline content right now (blank text there is no content). */
static bool
inline_closed(const struct flow *f)
{
	if (f->list)
		return f->item < 0 || f->list->items[f->item].runs.n == 0;
	return f->open < 0 || f->box->children[f->open].runs.n == 0;
}

static void
close_inline(struct flow *f)
{
	f->cell_sep = false;
	if (f->list) {
		if (f->item >= 0)
			runs_trim_block(&f->list->items[f->item].runs);
		return;
	}
	if (f->open >= 0)
		runs_trim_block(&f->box->children[f->open].runs);
	f->open = -1;
}

/* A new block at this point of the flow (inline content before it is finished). */
static struct block *
push_block(struct flow *f, enum block_kind kind)
{
	struct block *b;

	close_inline(f);
	b = block_push_child(f->box, kind);
	b->align = f->align;
	return b;
}

/* Add HTML text: runs of white space are one space, none at the start of a line. */
static void
html_text(struct flow *f, const char *raw, const struct style *st)
{
	struct buf b;
	char *t;
	bool space = false;

	buf_init(&b, 0);
	for (const char *p = raw; *p; p++) {
		if (strchr(" \t\n\r\f\v", *p)) {
			space = true;
			continue;
		}
		if (space)
			buf_addc(&b, ' ');
		space = false;
		buf_addc(&b, *p);
	}
	if (space)
		buf_addc(&b, ' ');
	if (b.len == 0 || (!strcmp(buf_str(&b), " ") && inline_closed(f))) {
		buf_release(&b);
		return;         /* white space between blocks */
	}
	t = clean(f->c, buf_str(&b), b.len);
	{
		struct runs *r = inline_target(f);
		const char *s = t;

		if (f->cell_sep && !inline_closed(f)) {
			struct style plain = { 0 };

			add_text(r, " | ", &plain);
		}
		f->cell_sep = false;
		if (*s == ' ' && (runs_at_line_start(r) || runs_end_in_space(r)))
			s++;
		add_text(r, s, st);
	}
	free(t);
	buf_release(&b);
}

/* The text under n as it is (for code): text nodes joined, <br> as a newline. */
static void
raw_text(const struct html_node *n, struct buf *out)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct html_node *k = &n->kids[i];

		if (k->kind == HTML_TEXT)
			buf_adds(out, k->text);
		else if (strcmp(k->name, "br") == 0)
			buf_addc(out, '\n');
		else if (strcmp(k->name, "script") != 0 && strcmp(k->name, "style") != 0)
			raw_text(k, out);
	}
}

static const char *
style_value(const char *style, const char *prop, size_t *len)
{
	const char *p = style;
	size_t pl = strlen(prop);

	while (p && *p) {
		const char *decl = p + strspn(p, " \t\n;");
		const char *end = decl + strcspn(decl, ";");

		if ((size_t)(end - decl) > pl && strncasecmp(decl, prop, pl) == 0) {
			const char *v = decl + pl;

			v += strspn(v, " \t\n");
			if (*v == ':') {
				v++;
				v += strspn(v, " \t\n");
				*len = (size_t)(end - v);
				while (*len > 0 && strchr(" \t\n", v[*len - 1]))
					(*len)--;
				return v;
			}
		}
		p = *end ? end + 1 : NULL;
	}
	return NULL;
}

static bool
value_is(const char *v, size_t n, const char *word)
{
	return v && n == strlen(word) && strncasecmp(v, word, n) == 0;
}

static enum align
html_align(const struct html_node *n, enum align dflt)
{
	size_t len = 0;
	const char *v = style_value(html_attr(n, "style"), "text-align", &len);
	const char *a = html_attr(n, "align");

	if (v == NULL && a) {
		v = a;
		len = strlen(a);
	}
	if (value_is(v, len, "center"))
		return ALIGN_CENTER;
	if (value_is(v, len, "right"))
		return ALIGN_RIGHT;
	if (value_is(v, len, "justify"))
		return ALIGN_JUSTIFY;
	if (value_is(v, len, "left"))
		return ALIGN_DEFAULT;
	return dflt;
}

/* The 专栏 editor's colour classes (Nemo's ARTICLE_COLOR_MAP); "default" is the body colour. */
static const char *
class_color(const char *name, size_t n)
{
	static const struct {
		const char *name, *hex;
	} map[] = {
		{ "blue-01", "#56c1fe" }, { "lblue-01", "#73fdea" }, { "green-01", "#89fa4e" },
		{ "yellow-01", "#fff359" }, { "pink-01", "#ff968d" }, { "purple-01", "#ff8cc6" },
		{ "blue-02", "#02a2ff" }, { "lblue-02", "#18e7cf" }, { "green-02", "#60d837" },
		{ "yellow-02", "#fbe231" }, { "pink-02", "#ff654e" }, { "purple-02", "#ef5fa8" },
		{ "blue-03", "#0176ba" }, { "lblue-03", "#068f86" }, { "green-03", "#1db100" },
		{ "yellow-03", "#f8ba00" }, { "pink-03", "#ee230d" }, { "purple-03", "#cb297a" },
		{ "blue-04", "#004e80" }, { "lblue-04", "#017c76" }, { "green-04", "#017001" },
		{ "yellow-04", "#ff9201" }, { "pink-04", "#b41700" }, { "purple-04", "#99195e" },
		{ "gray-01", "#d6d5d5" }, { "gray-02", "#929292" }, { "gray-03", "#5f5f5f" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i].name) == n && strncmp(map[i].name, name, n) == 0)
			return map[i].hex;
	return NULL;
}

/* Read the inline style an element adds: tag, class and style attribute. */
static void
html_style(const struct html_node *n, struct style *st)
{
	const char *name = n->name, *cls = html_attr(n, "class"), *css = html_attr(n, "style");
	const char *v;
	size_t len;

	if (!strcmp(name, "strong") || !strcmp(name, "b"))
		st->bits |= STYLE_BOLD;
	else if (!strcmp(name, "em") || !strcmp(name, "i") || !strcmp(name, "cite"))
		st->bits |= STYLE_ITALIC;
	else if (!strcmp(name, "s") || !strcmp(name, "strike") || !strcmp(name, "del"))
		st->bits |= STYLE_STRIKE;
	else if (!strcmp(name, "u") || !strcmp(name, "ins"))
		st->bits |= STYLE_UNDERLINE;
	if ((v = style_value(css, "text-decoration", &len))) {
		if (len >= 12 && strstr(v, "line-through") && strstr(v, "line-through") < v + len)
			st->bits |= STYLE_STRIKE;
		if (len >= 9 && strstr(v, "underline") && strstr(v, "underline") < v + len)
			st->bits |= STYLE_UNDERLINE;
	}
	if ((v = style_value(css, "font-weight", &len)) &&
	    (value_is(v, len, "bold") || value_is(v, len, "bolder") || (len == 3 && v[0] >= '6' && v[0] <= '9')))
		st->bits |= STYLE_BOLD;
	if ((v = style_value(css, "font-style", &len)) && value_is(v, len, "italic"))
		st->bits |= STYLE_ITALIC;
	if ((v = style_value(css, "color", &len))) {
		char hex[8];

		if (field_color(v, len, hex))
			memcpy(st->color, hex, sizeof hex);
	}
	while (cls && *cls) {
		size_t w;

		cls += strspn(cls, " \t\n\r\f");
		w = strcspn(cls, " \t\n\r\f");
		if (w > 10 && strncmp(cls, "font-size-", 10) == 0) {
			long fs = strtol(cls + 10, NULL, 10);

			if (fs > 0 && fs < 200)
				st->font_size = (int)fs;
		} else if (w > 6 && strncmp(cls, "color-", 6) == 0) {
			const char *hex = class_color(cls + 6, w - 6);

			/* "default" and unknown names leave the colour as it is */
			if (hex)
				snprintf(st->color, sizeof st->color, "%s", hex);
		}
		cls += w;
	}
}

/* Return the card kind of an img ("video" from class "video-card"), or NULL. */
static const char *
card_kind(const struct html_node *n, char *out, size_t size)
{
	const char *cls = html_attr(n, "class");

	while (cls && *cls) {
		size_t w;

		cls += strspn(cls, " \t\n\r\f");
		w = strcspn(cls, " \t\n\r\f");
		if (w > 5 && w < size + 5 && strncmp(cls + w - 5, "-card", 5) == 0) {
			snprintf(out, size, "%.*s", (int)(w - 5), cls);
			return out;
		}
		cls += w;
	}
	return NULL;
}

static bool
class_prefix(const struct html_node *n, const char *prefix)
{
	const char *cls = html_attr(n, "class");
	size_t pl = strlen(prefix);

	while (cls && *cls) {
		cls += strspn(cls, " \t\n\r\f");
		if (strncmp(cls, prefix, pl) == 0)
			return true;
		cls += strcspn(cls, " \t\n\r\f");
	}
	return false;
}

static char *
img_src(struct cctx *c, const struct html_node *img)
{
	const char *s = html_attr(img, "data-src");

	if (s == NULL || text_is_blank(s))
		s = html_attr(img, "src");
	return picture_url(c, s);
}

static char *
attr_text(struct cctx *c, const struct html_node *n, const char *name)
{
	const char *v = html_attr(n, name);

	if (v == NULL || text_is_blank(v))
		return NULL;
	return clean(c, v, strlen(v));
}

/* A pixel size attribute; 0 when absent or odd. */
static int
attr_size(const struct html_node *n, const char *name)
{
	const char *v = html_attr(n, name);

	return v ? field_size(strtol(v, NULL, 10)) : 0;
}

static void walk_children(struct flow *f, const struct html_node *n, const struct style *st);

/* A picture from an img (with the caption of its figure, if any). */
static void
html_picture(struct flow *f, const struct html_node *img, const struct html_node *caption)
{
	char *u = img_src(f->c, img);
	struct picture *p;
	struct block *b;

	if (u == NULL) {
		char *alt = attr_text(f->c, img, "alt");

		/* a picture we cannot fetch: its words stay */
		if (alt) {
			struct style plain = { 0 };

			html_text(f, alt, &plain);
			free(alt);
		}
		return;
	}
	b = push_block(f, BLOCK_PICTURES);
	p = block_push_picture(b);
	p->url = u;
	p->alt = attr_text(f->c, img, "alt");
	p->width = attr_size(img, "width");
	p->height = attr_size(img, "height");
	if (caption) {
		struct buf t;
		char *s;

		buf_init(&t, 0);
		raw_text(caption, &t);
		s = clean(f->c, buf_str(&t), t.len);
		/* the caption's white space is the markup's, not the author's */
		for (char *q = s; *q; q++)
			if (strchr("\t\n\r\f\v", *q))
				*q = ' ';
		if (!text_is_blank(s))
			p->caption = s;
		else
			free(s);
		buf_release(&t);
	}
}

static void
html_img(struct flow *f, const struct html_node *img)
{
	char kind[32];
	const char *aid = html_attr(img, "aid");

	if (class_prefix(img, "cut-off")) {
		struct block *b = push_block(f, BLOCK_DIVIDER);

		b->img_url = img_src(f->c, img);
	} else if (html_has_class(img, "latex")) {
		const char *alt = html_attr(img, "alt");
		char *tex = alt ? html_unescape_uri(alt) : NULL;

		add_formula(inline_target(f), tex ? clean(f->c, tex, strlen(tex)) : NULL);
		free(tex);
	} else if (aid && card_kind(img, kind, sizeof kind)) {
		/* several ids in one card image: one card each */
		const char *p = aid;
		char *cover = img_src(f->c, img);

		while (*p) {
			size_t n = strcspn(p, ",");
			char *one = xstrndup(p, n);
			struct block *b;

			if (!text_is_blank(one)) {
				b = push_block(f, BLOCK_CARD);
				make_card(f->c, b, kind, one, NULL, cover ? xstrdup(cover) : NULL);
			}
			free(one);
			p += n;
			if (*p == ',')
				p++;
		}
		free(cover);
	} else {
		html_picture(f, img, NULL);
	}
}

/* A figure: a picture with its caption, a code box, or just a container. */
static void
html_figure(struct flow *f, const struct html_node *fig, const struct style *st)
{
	const struct html_node *img = NULL, *cap = NULL, *pre = NULL;

	for (size_t i = 0; i < fig->nkids; i++) {
		const struct html_node *k = &fig->kids[i];

		if (k->kind != HTML_ELEMENT)
			continue;
		if (!strcmp(k->name, "img") && img == NULL)
			img = k;
		else if (!strcmp(k->name, "figcaption"))
			cap = k;
		else if (!strcmp(k->name, "pre"))
			pre = k;
	}
	if (pre && html_has_class(fig, "code-box")) {
		struct block *b = push_block(f, BLOCK_CODE);
		const char *lang = html_attr(pre, "data-lang");
		const char *cc = html_attr(pre, "codecontent");
		char *code;

		if (lang && !text_is_blank(lang)) {
			size_t n = strcspn(lang, "@");

			if (n > 9 && strncmp(lang, "language-", 9) == 0) {
				lang += 9;
				n -= 9;
			}
			b->lang = n > 0 ? clean(f->c, lang, n) : NULL;
		}
		if (cc) {
			code = html_unescape_uri(cc);
		} else {
			struct buf t;

			buf_init(&t, 0);
			raw_text(pre, &t);
			code = buf_detach(&t, NULL);
		}
		b->code = clean(f->c, code, strlen(code));
		free(code);
		return;
	}
	if (img && html_attr(img, "aid") == NULL && !class_prefix(img, "cut-off") &&
	    !html_has_class(img, "latex")) {
		bool only = true;

		/* a picture box: the picture and its caption, nothing else with words */
		for (size_t i = 0; i < fig->nkids; i++) {
			const struct html_node *k = &fig->kids[i];

			if (k != img && k != cap && (k->kind == HTML_ELEMENT || !text_is_blank(k->text)))
				only = false;
		}
		if (only) {
			html_picture(f, img, cap);
			return;
		}
	}
	walk_children(f, fig, st);
	close_inline(f);
}

static void
html_list(struct flow *f, const struct html_node *n, const struct style *st)
{
	bool ordered = strcmp(n->name, "ol") == 0;
	struct flow in = *f;
	struct block holder;

	if (f->list) {
		/* a list inside a list item: its items join the outer list, one level deeper */
		in.list_level = f->list_level + 1 > 16 ? 16 : f->list_level + 1;
		in.item = -1;
		close_inline(f);
		walk_children(&in, n, st);
		f->item = -1;
		return;
	}
	close_inline(f);
	/* Blocks met inside the items wait in holder, so the list does not move while filled. */
	memset(&holder, 0, sizeof holder);
	holder.kind = BLOCK_QUOTE;
	in.box = &holder;
	in.open = -1;
	in.list = xcalloc(1, sizeof *in.list);
	in.list->kind = BLOCK_LIST;
	in.list->ordered = ordered;
	in.list_level = 1;
	in.item = -1;
	walk_children(&in, n, st);
	if (in.list->nitems > 0) {
		struct block *b = block_push_child(f->box, BLOCK_LIST);

		*b = *in.list;
	} else {
		block_release(in.list);
	}
	free(in.list);
	for (size_t i = 0; i < holder.nchildren; i++)
		*block_push_child(f->box, BLOCK_PARAGRAPH) = holder.children[i];
	free(holder.children);
	f->open = -1;
}

static void
html_li(struct flow *f, const struct html_node *n, const struct style *st)
{
	if (f->list == NULL) {
		/* an item outside any list: a paragraph */
		close_inline(f);
		walk_children(f, n, st);
		close_inline(f);
		return;
	}
	close_inline(f);
	f->item = -1;
	{
		struct list_item *it = block_push_item(f->list);
		const char *v = html_attr(n, "value");

		it->level = f->list_level;
		if (f->list->ordered && v)
			it->order = field_size(strtol(v, NULL, 10));
		f->item = (long)f->list->nitems - 1;
	}
	walk_children(f, n, st);
	close_inline(f);
	f->item = -1;
}

static void
html_table_row(struct flow *f, const struct html_node *tr, const struct style *st)
{
	close_inline(f);
	for (size_t i = 0; i < tr->nkids; i++) {
		const struct html_node *k = &tr->kids[i];

		if (k->kind == HTML_ELEMENT && (!strcmp(k->name, "td") || !strcmp(k->name, "th"))) {
			struct style cs = *st;

			if (!strcmp(k->name, "th"))
				cs.bits |= STYLE_BOLD;
			/* the model has no tables: a row is a line, its cells set apart */
			walk_children(f, k, &cs);
			f->cell_sep = true;
		} else {
			walk_children(f, k, st);
		}
	}
	close_inline(f);
}

enum elem_role { ROLE_UNKNOWN, ROLE_DROP, ROLE_INLINE, ROLE_BLOCK };

static enum elem_role
role_of(const char *name)
{
	static const char *const drop[] = {
		"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
		"noscript", "template", "link", "meta", "base", "form", "input", "button", "select",
		"option", "optgroup", "textarea", "svg", "math", "canvas", "video", "audio", "source",
		"track", "head", "title", "param", "map", "area", "dialog", "picture", "portal", NULL,
	};
	static const char *const inl[] = {
		"span", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "code", "font",
		"small", "big", "sub", "sup", "mark", "abbr", "cite", "q", "label", "time", "kbd", "var",
		"samp", "bdi", "bdo", "dfn", "tt", "nobr", "ruby", "rt", "rp", "acronym", "data", "wbr",
		NULL,
	};
	static const char *const blk[] = {
		"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "center",
		"address", "dl", "dt", "dd", "details", "summary", "hgroup", "fieldset", "legend",
		"caption", "table", "tbody", "thead", "tfoot", "figcaption", "html", "body", NULL,
	};

	for (size_t i = 0; drop[i]; i++)
		if (!strcmp(name, drop[i]))
			return ROLE_DROP;
	for (size_t i = 0; inl[i]; i++)
		if (!strcmp(name, inl[i]))
			return ROLE_INLINE;
	for (size_t i = 0; blk[i]; i++)
		if (!strcmp(name, blk[i]))
			return ROLE_BLOCK;
	return ROLE_UNKNOWN;
}

/* p, div and the like: what they hold starts a new paragraph (in a list item, a new line). */
static void
walk_block_container(struct flow *f, const struct html_node *k, const struct style *st)
{
	enum align saved = f->align;
	struct style in = *st;

	f->align = !strcmp(k->name, "center") ? ALIGN_CENTER : html_align(k, f->align);
	close_inline(f);
	if (f->list && f->item >= 0 && f->list->items[f->item].runs.n > 0 &&
	    !runs_at_line_start(&f->list->items[f->item].runs))
		runs_push(&f->list->items[f->item].runs, RUN_BREAK);
	html_style(k, &in);
	walk_children(f, k, &in);
	close_inline(f);
	f->align = saved;
}

static void
walk_element(struct flow *f, const struct html_node *k, const struct style *st)
{
	const char *name = k->name;
	struct style in = *st;
	enum elem_role role;

	if (!strcmp(name, "br")) {
		struct runs *r = inline_target(f);

		runs_trim_end(r);
		runs_push(r, RUN_BREAK);
	} else if (!strcmp(name, "img")) {
		html_img(f, k);
	} else if (!strcmp(name, "hr")) {
		push_block(f, BLOCK_DIVIDER);
	} else if (!strcmp(name, "figure")) {
		html_figure(f, k, st);
	} else if (!strcmp(name, "ul") || !strcmp(name, "ol")) {
		html_list(f, k, st);
	} else if (!strcmp(name, "li")) {
		html_li(f, k, st);
	} else if (!strcmp(name, "tr")) {
		html_table_row(f, k, st);
	} else if (!strcmp(name, "a")) {
		char *href = url_link(html_attr(k, "href"));

		html_style(k, &in);
		/* a link that is not a web address keeps its words, not its target */
		in.href = href ? href : st->href;
		walk_children(f, k, &in);
		free(href);
	} else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0') {
		if (f->list) {
			in.bits |= STYLE_BOLD;
			walk_children(f, k, &in);
			return;
		}
		{
			struct block *b = push_block(f, BLOCK_HEADING);

			b->level = name[1] - '0';
			b->align = html_align(k, f->align);
			f->open = (long)f->box->nchildren - 1;
		}
		walk_children(f, k, st);
		close_inline(f);
		if (f->box->children[f->box->nchildren - 1].kind == BLOCK_HEADING &&
		    f->box->children[f->box->nchildren - 1].runs.n == 0) {
			/* an empty heading is no heading */
			f->box->nchildren--;
			block_release(&f->box->children[f->box->nchildren]);
		}
	} else if (!strcmp(name, "blockquote") && f->list) {
		/* a quote inside a list item: its lines stay in the item */
		walk_block_container(f, k, st);
	} else if (!strcmp(name, "blockquote")) {
		struct flow q = *f;
		struct block holder;

		/* fill a detached copy: the quote's own box may not move while it is filled */
		memset(&holder, 0, sizeof holder);
		holder.kind = BLOCK_QUOTE;
		holder.align = html_align(k, ALIGN_DEFAULT);
		q.box = &holder;
		q.open = -1;
		q.align = ALIGN_DEFAULT;
		push_block(f, BLOCK_QUOTE);
		walk_children(&q, k, st);
		close_inline(&q);
		f->box->children[f->box->nchildren - 1] = holder;
	} else if (!strcmp(name, "pre")) {
		struct block *b = push_block(f, BLOCK_CODE);
		struct buf t;

		buf_init(&t, 0);
		raw_text(k, &t);
		b->code = clean(f->c, buf_str(&t), t.len);
		buf_release(&t);
	} else if ((role = role_of(name)) == ROLE_DROP) {
		static const char *const empty[] = {
			"embed", "source", "track", "param", "link", "meta", "base", "input", "area", NULL,
		};

		warn_once(f->c, name, "dropped a <%s> element from the article", name);
		/* these hold nothing in HTML: what the parser put in them follows them */
		for (size_t i = 0; empty[i]; i++)
			if (!strcmp(name, empty[i]))
				walk_children(f, k, st);
	} else if (role == ROLE_INLINE) {
		html_style(k, &in);
		walk_children(f, k, &in);
	} else if (role == ROLE_BLOCK) {
		walk_block_container(f, k, st);
	} else {
		/* an element this program does not know: its words stay, inline */
		warn_once(f->c, name, "unknown element <%.40s>; kept its text", name);
		html_style(k, &in);
		walk_children(f, k, &in);
	}
}

static void
walk_children(struct flow *f, const struct html_node *n, const struct style *st)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct html_node *k = &n->kids[i];

		if (k->kind == HTML_TEXT)
			html_text(f, k->text, st);
		else
			walk_element(f, k, st);
	}
}

/* Remove blocks that hold nothing at all (a paragraph of white space). */
static void
drop_empty(struct block *box)
{
	size_t j = 0;

	for (size_t i = 0; i < box->nchildren; i++) {
		struct block *b = &box->children[i];

		if ((b->kind == BLOCK_PARAGRAPH || b->kind == BLOCK_HEADING) && b->runs.n == 0) {
			block_release(b);
			continue;
		}
		if (b->kind == BLOCK_QUOTE)
			drop_empty(b);
		box->children[j++] = *b;
	}
	box->nchildren = j;
}

static void
parse_html(struct cctx *c, const char *html, size_t n, struct block *box)
{
	struct err he;
	struct html_node *root;
	struct flow f = { c, box, -1, ALIGN_DEFAULT, NULL, 0, -1, false };
	struct style st = { 0 };

	err_init(&he);
	root = html_parse(html, n, &he);
	if (root == NULL) {
		field_fail(at(c, "data.content"), NULL, "%s", he.msg);
		return;
	}
	walk_children(&f, root, &st);
	close_inline(&f);
	html_free(root);
}

/* ===================================================================================
 * Quill delta (content type 3)
 * =================================================================================== */

struct dstate {
	struct cctx *c;
	struct block *box;
	struct runs line;       /* the line being written, until its "\n" */
	long list, quote, code; /* index in box->children of the block the next line may join, or -1 */
	struct buf code_text;   /* the lines of the open code block (d->code), until it ends */
	char where[64];         /* "data.content.ops[N]" */
};

static bool
attr_flag(const struct jsv *attrs, const char *key)
{
	struct jsv *v = jsv_get(attrs, key);
	long long n;

	if (jsv_type(v) == JSV_BOOL)
		return jsv_true(v);
	if (jsv_int(v, &n))
		return n != 0;
	return jsv_type(v) == JSV_STRING && *jsv_str(v, NULL);
}

static void
delta_inline_style(const struct jsv *attrs, struct style *st, char **href)
{
	const char *color = jsv_str(jsv_get(attrs, "color"), NULL);
	const char *link = jsv_str(jsv_get(attrs, "link"), NULL);

	memset(st, 0, sizeof *st);
	*href = NULL;
	if (attr_flag(attrs, "bold"))
		st->bits |= STYLE_BOLD;
	if (attr_flag(attrs, "italic"))
		st->bits |= STYLE_ITALIC;
	if (attr_flag(attrs, "strike"))
		st->bits |= STYLE_STRIKE;
	if (attr_flag(attrs, "underline"))
		st->bits |= STYLE_UNDERLINE;
	if (color) {
		char hex[8];

		if (field_color(color, strlen(color), hex))
			memcpy(st->color, hex, sizeof hex);
	}
	if (link) {
		/* a link that is not a web address keeps its words, as in HTML */
		*href = url_link(link);
		st->href = *href;
	}
}

static enum align
delta_align(const struct jsv *attrs)
{
	const char *a = jsv_str(jsv_get(attrs, "align"), NULL);

	if (a == NULL)
		return ALIGN_DEFAULT;
	if (!strcmp(a, "center"))
		return ALIGN_CENTER;
	if (!strcmp(a, "right"))
		return ALIGN_RIGHT;
	if (!strcmp(a, "justify"))
		return ALIGN_JUSTIFY;
	return ALIGN_DEFAULT;
}

/* No block is open to the next line any more; an open code block gets its text. */
static void
delta_reset(struct dstate *d)
{
	if (d->code >= 0) {
		struct block *b = &d->box->children[d->code];

		free(b->code);
		b->code = buf_detach(&d->code_text, NULL);
	}
	d->list = d->quote = d->code = -1;
}

static struct block *
delta_push(struct dstate *d, enum block_kind kind)
{
	delta_reset(d);
	return block_push_child(d->box, kind);
}

/* End the line with the block attributes of its "\n". */
static void
delta_end_line(struct dstate *d, const struct jsv *attrs)
{
	struct jsv *list = jsv_get(attrs, "list");
	long long header = 0, indent = 0;
	struct block *b;

	runs_trim_end(&d->line);
	jsv_int(jsv_get(attrs, "indent"), &indent);
	if (jsv_get(attrs, "code-block")) {
		char *plain = runs_plain_text(&d->line);
		const char *lang = jsv_str(jsv_get(attrs, "code-block"), NULL);

		/* a block of many lines is joined once, when it ends (delta_reset) */
		if (d->code >= 0) {
			buf_addc(&d->code_text, '\n');
		} else {
			b = delta_push(d, BLOCK_CODE);
			if (lang && *lang && strcmp(lang, "plain") != 0)
				b->lang = clean(d->c, lang, strlen(lang));
			d->code = (long)d->box->nchildren - 1;
		}
		buf_adds(&d->code_text, plain);
		free(plain);
		runs_release(&d->line);
		return;
	}
	if (d->line.n == 0) {
		/* an empty line is the editor's spacing */
		delta_reset(d);
		return;
	}
	if (list) {
		const char *kind = jsv_str(list, NULL);
		bool ordered = kind && !strcmp(kind, "ordered");
		struct list_item *it;

		if (d->list < 0 || d->box->children[d->list].ordered != ordered) {
			b = delta_push(d, BLOCK_LIST);
			b->ordered = ordered;
			d->list = (long)d->box->nchildren - 1;
		}
		b = &d->box->children[d->list];
		it = block_push_item(b);
		it->level = indent > 0 && indent < 16 ? (int)indent + 1 : 1;
		it->runs = d->line;
		memset(&d->line, 0, sizeof d->line);
		return;
	}
	if (attr_flag(attrs, "blockquote")) {
		long keep = d->quote;
		struct block *kid;

		if (keep < 0) {
			b = delta_push(d, BLOCK_QUOTE);
			keep = (long)d->box->nchildren - 1;
		}
		d->list = d->code = -1;
		d->quote = keep;
		kid = block_push_child(&d->box->children[keep], BLOCK_PARAGRAPH);
		kid->align = delta_align(attrs);
		kid->runs = d->line;
		memset(&d->line, 0, sizeof d->line);
		return;
	}
	if (jsv_int(jsv_get(attrs, "header"), &header) && header > 0) {
		b = delta_push(d, BLOCK_HEADING);
		b->level = header > 5 ? 5 : (int)header;
	} else {
		b = delta_push(d, BLOCK_PARAGRAPH);
	}
	b->align = delta_align(attrs);
	b->runs = d->line;
	memset(&d->line, 0, sizeof d->line);
}

/* Finish a line that an embedded block interrupts: it becomes a paragraph as it is. */
static void
delta_flush(struct dstate *d)
{
	if (d->line.n > 0)
		delta_end_line(d, NULL);
	delta_reset(d);
}

/* Collect the string members that look like words, for an embed we do not know. */
static bool
embed_text(const char *key, struct jsv *v, void *ctx)
{
	struct buf *b = ctx;
	const char *s = jsv_str(v, NULL);

	if (s && *s && (!strcmp(key, "title") || !strcmp(key, "text") || !strcmp(key, "desc") ||
	    !strcmp(key, "content") || !strcmp(key, "name"))) {
		if (b->len)
			buf_addc(b, ' ');
		buf_adds(b, s);
	}
	return true;
}

struct embed_key {
	const char *key;
	struct jsv *val;
};

static bool
first_member(const char *key, struct jsv *v, void *ctx)
{
	struct embed_key *k = ctx;

	k->key = key;
	k->val = v;
	return false;
}

static void
delta_embed(struct dstate *d, const struct jsv *obj, const struct jsv *attrs)
{
	struct cctx *c = d->c;
	struct embed_key k = { NULL, NULL };
	char where[128];

	jsv_each(obj, first_member, &k);
	if (k.key == NULL) {
		warn(c, "%s.insert: an empty embed; skipped", d->where);
		return;
	}
	snprintf(where, sizeof where, "%s.insert.%s", d->where, k.key);
	if (!strcmp(k.key, "native-image") || !strcmp(k.key, "image")) {
		const char *s = jsv_type(k.val) == JSV_STRING ? jsv_str(k.val, NULL) : NULL;
		char *url = s ? picture_url(c, s) : NULL;
		char *alt;
		long long w = 0, h = 0, size = 0;
		struct picture *p;
		struct block *b;

		if (s == NULL) {
			char *u = field_str(at(c, where), k.val, "url");

			url = picture_url(c, u);
			free(u);
		}
		if (c->f.failed || url == NULL)
			return;
		alt = field_str(at(c, where), k.val, "alt");
		field_num(at(c, where), k.val, "width", &w);
		field_num(at(c, where), k.val, "height", &h);
		field_num(at(c, where), k.val, "size", &size);
		delta_flush(d);
		b = delta_push(d, BLOCK_PICTURES);
		p = block_push_picture(b);
		p->url = url;
		p->width = field_size(w);
		p->height = field_size(h);
		p->size_kib = size > 0 ? (double)size / 1024.0 : 0;     /* the delta counts bytes */
		/* "read-normal-img" names the editor's picture style, not the picture */
		if (alt && !text_is_blank(alt) && strncmp(alt, "read-", 5) != 0)
			p->alt = alt;
		else
			free(alt);
	} else if (!strcmp(k.key, "cut-off")) {
		char *u = field_str(at(c, where), k.val, "url");
		struct block *b;

		delta_flush(d);
		b = delta_push(d, BLOCK_DIVIDER);
		b->img_url = picture_url(c, u);
		free(u);
	} else if (!strcmp(k.key, "formula")) {
		const char *s = jsv_str(k.val, NULL);

		if (s)
			add_formula(&d->line, clean(c, s, strlen(s)));
	} else if (strlen(k.key) > 5 && !strcmp(k.key + strlen(k.key) - 5, "-card")) {
		char *kind = xstrndup(k.key, strlen(k.key) - 5);
		char *id = field_id(at(c, where), k.val, "id");
		char *title = field_str(at(c, where), k.val, "title");
		char *u = field_str(at(c, where), k.val, "url");
		char *cover = NULL, *link = NULL;
		struct block *b;

		if (u) {
			const char *dot = strrchr(u, '.');

			/* url is the card's picture in the samples; a page address is the link */
			if (dot && (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") ||
			    !strcasecmp(dot, ".png") || !strcasecmp(dot, ".gif") || !strcasecmp(dot, ".webp")))
				cover = picture_url(c, u);
			else
				link = url_link(u);
		}
		if (!c->f.failed) {
			delta_flush(d);
			b = delta_push(d, BLOCK_CARD);
			make_card(c, b, kind, id, title, cover);
			title = cover = NULL;
			if (b->card.url == NULL) {
				b->card.url = link;
				link = NULL;
			}
		}
		free(kind);
		free(id);
		free(title);
		free(u);
		free(cover);
		free(link);
	} else {
		struct buf t;
		char *s;
		struct style plain = { 0 };

		buf_init(&t, 0);
		jsv_each(k.val, embed_text, &t);
		if (jsv_type(k.val) == JSV_STRING)
			buf_adds(&t, jsv_str(k.val, NULL));
		s = clean(c, buf_str(&t), t.len);
		warn_once(c, k.key, "unknown embed '%.40s' in the delta%s", k.key,
		    *s ? "; kept its text" : "");
		add_lines(c, &d->line, s, strlen(s), &plain);
		free(s);
		buf_release(&t);
	}
	(void)attrs;
}

static void
parse_delta(struct cctx *c, const char *content, size_t n, struct block *box)
{
	struct err je;
	struct jsv *root, *ops;
	struct dstate d;

	memset(&d, 0, sizeof d);
	d.c = c;
	d.box = box;
	d.code = -1;
	buf_init(&d.code_text, 0);
	delta_reset(&d);
	err_init(&je);
	root = jsv_parse(content, n, OPUS_MAX_DEPTH, &je);
	if (root == NULL) {
		field_fail(at(c, "data.content"), NULL, "the delta (content type 3) is not JSON: %s",
		    je.msg);
		return;
	}
	ops = jsv_type(root) == JSV_ARRAY ? root : field_arr(at(c, "data.content"), root, "ops");
	if (ops == NULL) {
		if (!c->f.failed)
			field_fail(at(c, "data.content"), NULL, "the delta has no 'ops' array");
		jsv_free(root);
		return;
	}
	for (size_t i = 0; i < jsv_len(ops) && !c->f.failed; i++) {
		struct jsv *op = jsv_at(ops, i), *ins, *attrs;

		snprintf(d.where, sizeof d.where, "data.content.ops[%zu]", i);
		if (jsv_type(op) != JSV_OBJECT) {
			field_fail(at(c, d.where), NULL, "expected an object, got %s", jsv_type_name(op));
			break;
		}
		attrs = field_obj(at(c, d.where), op, "attributes");
		ins = jsv_get(op, "insert");
		if (c->f.failed)
			break;
		if (jsv_type(ins) == JSV_STRING) {
			size_t len;
			const char *s = jsv_str(ins, &len);
			char *href;
			struct style st;

			delta_inline_style(attrs, &st, &href);
			while (len > 0) {
				size_t k = strcspn(s, "\n");

				if (k > len)
					k = len;
				add_lines(c, &d.line, s, k, &st);
				s += k;
				len -= k;
				if (len > 0 && *s == '\n') {
					delta_end_line(&d, attrs);
					s++;
					len--;
				} else if (len > 0) {
					/* a NUL inside the string: skip it */
					s++;
					len--;
				}
			}
			free(href);
		} else if (jsv_type(ins) == JSV_OBJECT) {
			delta_embed(&d, ins, attrs);
		} else if (ins == NULL) {
			/* retain/delete ops have no place in a stored document */
			warn_once(c, "delta-noinsert", "%s: an op without insert; skipped", d.where);
		} else {
			field_fail(at(c, d.where), "insert", "expected a string or an object, got %s",
			    jsv_type_name(ins));
		}
	}
	delta_flush(&d);
	runs_release(&d.line);
	buf_release(&d.code_text);
	jsv_free(root);
}

/* ===================================================================================
 * The response
 * =================================================================================== */

static void
parse_meta(struct cctx *c, const struct jsv *data)
{
	struct article *a = c->a;
	struct jsv *author = field_obj(at(c, "data"), data, "author");
	struct jsv *tags = field_arr(at(c, "data"), data, "tags");
	struct jsv *cats = field_arr(at(c, "data"), data, "categories");
	struct jsv *list = field_obj(at(c, "data"), data, "list");
	struct jsv *stats = field_obj(at(c, "data"), data, "stats");
	long long ts = 0;
	char *banner;

	a->title = field_str(at(c, "data"), data, "title");
	if (author)
		field_author(at(c, "data.author"), a, author);
	if ((field_num(at(c, "data"), data, "publish_time", &ts) && ts != 0) ||
	    (field_num(at(c, "data"), data, "ctime", &ts) && ts != 0)) {
		at(c, "");
		field_date(&c->f, a, ts, "publish time");
	}
	for (size_t i = 0; i < jsv_len(tags) && !c->f.failed; i++) {
		char where[48];

		snprintf(where, sizeof where, "data.tags[%zu]", i);
		field_add_tag(a, field_str(at(c, where), jsv_at(tags, i), "name"));
	}
	{
		/* "生活 / 日常": the category path, else the category alone */
		struct buf b;

		buf_init(&b, 0);
		for (size_t i = 0; i < jsv_len(cats) && !c->f.failed; i++) {
			char where[48], *t;

			snprintf(where, sizeof where, "data.categories[%zu]", i);
			t = field_str(at(c, where), jsv_at(cats, i), "name");
			if (t && !text_is_blank(t))
				buf_addf(&b, "%s%s", b.len ? " / " : "", t);
			free(t);
		}
		if (b.len)
			a->category = buf_detach(&b, NULL);
		else
			a->category = field_str(at(c, "data.category"),
			    field_obj(at(c, "data"), data, "category"), "name");
		buf_release(&b);
		if (a->category && text_is_blank(a->category)) {
			free(a->category);
			a->category = NULL;
		}
	}
	if (list) {
		a->collection_name = field_str(at(c, "data.list"), list, "name");
		a->collection_id = field_id(at(c, "data.list"), list, "id");
		if (a->collection_name && text_is_blank(a->collection_name)) {
			free(a->collection_name);
			a->collection_name = NULL;
		}
	}
	a->summary = field_str(at(c, "data"), data, "summary");
	if (a->summary && text_is_blank(a->summary)) {
		free(a->summary);
		a->summary = NULL;
	}
	field_num(at(c, "data"), data, "words", &a->words);
	if (a->words < 0)
		a->words = 0;
	if (stats) {
		static const struct field_stat map[] = {
			{ "view", offsetof(struct article, view) },
			{ "like", offsetof(struct article, like) },
			{ "coin", offsetof(struct article, coin) },
			{ "favorite", offsetof(struct article, favorite) },
			{ "reply", offsetof(struct article, comment) },
			{ "share", offsetof(struct article, forward) },
		};

		field_stats(at(c, "data.stats"), a, stats, map, sizeof map / sizeof map[0]);
	}
	banner = field_str(at(c, "data"), data, "banner_url");
	if (banner && !text_is_blank(banner)) {
		char *u = picture_url(c, banner);

		if (u) {
			a->top = xcalloc(1, sizeof *a->top);
			a->top[0].url = u;
			a->ntop = a->top_cap = 1;
		}
	}
	free(banner);
}

/* The content's type: 0 HTML, 3 delta; any other is told apart by its first character. */
static void
parse_content(struct cctx *c, const struct jsv *data, struct block *box)
{
	char *content = field_str(at(c, "data"), data, "content");
	long long type = 0;
	bool has_type = field_num(at(c, "data"), data, "type", &type);
	size_t n;
	bool delta;

	if (c->f.failed) {
		free(content);
		return;
	}
	if (content == NULL) {
		field_fail(at(c, "data"), "content", "missing");
		return;
	}
	n = strlen(content);
	if (has_type && (type == 0 || type == 3)) {
		delta = type == 3;
	} else {
		const char *p = content + strspn(content, " \t\r\n");

		delta = *p == '{' || *p == '[';
		if (has_type)
			warn(c, "content type %lld is not one this program knows; reading it as %s",
			    type, delta ? "a delta" : "HTML");
	}
	if (delta)
		parse_delta(c, content, n, box);
	else
		parse_html(c, content, n, box);
	free(content);
}

/* An article/view data has content (a string, unless broken) where an opus detail has item. */
static bool
data_is_article(const struct jsv *data)
{
	return jsv_type(data) == JSV_OBJECT && jsv_get(data, "content") != NULL &&
	    jsv_get(data, "item") == NULL && jsv_get(data, "fallback") == NULL;
}

bool
cv_is_article_view(const struct jsv *root)
{
	return jsv_type(root) == JSV_OBJECT && data_is_article(jsv_get(root, "data"));
}

struct article *
cv_parse(const struct jsv *root, struct err *e)
{
	struct cctx c;
	struct jsv *data;
	struct block box;
	struct article *out = NULL;
	char *id = NULL;

	memset(&c, 0, sizeof c);
	memset(&box, 0, sizeof box);
	field_init(&c.f, e, "article");
	buf_init(&c.warned, 0);
	data = field_envelope(&c.f, root);
	if (data == NULL)
		goto out;
	id = field_id(at(&c, "data"), data, "id");
	if (c.f.failed)
		goto out;
	if (id == NULL || !input_id_valid(id) || strcmp(id, "0") == 0) {
		if (id)
			field_fail(at(&c, "data"), "id", "'%.60s' is not a cv number", id);
		else
			field_fail(at(&c, "data"), "id", "missing");
		goto out;
	}
	snprintf(c.id, sizeof c.id, "cv%s", id);
	snprintf(c.f.name, sizeof c.f.name, "%s", c.id);
	c.a = article_new();
	c.a->id = xstrdup(c.id);
	c.a->source_url = xasprintf("https://www.bilibili.com/read/cv%s", id);
	parse_meta(&c, data);
	if (c.f.failed)
		goto out;
	box.kind = BLOCK_QUOTE;
	parse_content(&c, data, &box);
	if (c.f.failed)
		goto out;
	drop_empty(&box);
	c.a->blocks = box.children;
	c.a->nblocks = box.nchildren;
	c.a->blocks_cap = box.children_cap;
	memset(&box, 0, sizeof box);
	if (c.a->nblocks == 0)
		warn(&c, "the article has no content");
	field_finish(&c.f, c.a, c.id, "article-view");
	out = c.a;
	c.a = NULL;
out:
	if (out == NULL && c.f.failed && c.id[0])
		err_prefix(e, "%s", c.id);
	block_release(&box);
	article_free(c.a);
	buf_release(&c.warned);
	free(id);
	return out;
}
