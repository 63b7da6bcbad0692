#include "config.h"

#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "input.h"
#include "jsonval.h"
#include "model.h"
#include "opus.h"
#include "text.h"
#include "xalloc.h"

/* Parser state. */
struct pctx {
	struct field_ctx f;     /* path, error, warnings: see field.h */
	char id[40];            /* the opus id once known */
	struct article *a;
	struct block *pending_pics;     /* VIEW_PICTURE pictures of the current paragraph */
};

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

static void
parse_word(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *w = field_obj(&c->f, node, "word");
	struct jsv *st;
	char *words, *color, cbuf[8];
	unsigned style = 0;
	long long fs = 0;
	size_t old;

	if (w == NULL) {
		/* a broken node costs that node, not the article */
		if (!c->f.failed)
			field_warn(&c->f, "a word node without 'word'; skipped");
		return;
	}
	old = field_push(&c->f, ".word");
	words = field_str(&c->f, w, "words");
	st = field_obj(&c->f, w, "style");
	if (st) {
		size_t o2 = field_push(&c->f, ".style");

		if (field_bool(&c->f, st, "bold"))
			style |= STYLE_BOLD;
		if (field_bool(&c->f, st, "italic"))
			style |= STYLE_ITALIC;
		if (field_bool(&c->f, st, "strikethrough"))
			style |= STYLE_STRIKE;
		if (field_bool(&c->f, st, "underline"))
			style |= STYLE_UNDERLINE;
		field_pop(&c->f, o2);
	}
	color = field_str(&c->f, w, "color");
	field_num(&c->f, w, "font_size", &fs);
	if (words)
		add_text_runs(r, words, style, field_color(color, color ? strlen(color) : 0, cbuf),
		    fs > 0 && fs < 1000 ? (int)fs : 0);
	else if (!c->f.failed)
		field_warn(&c->f, "word without words");
	free(words);
	free(color);
	field_pop(&c->f, old);
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
	struct jsv *rich = field_obj(&c->f, node, "rich");
	char *type, *text, *href, *rid;
	const char *kind;
	size_t old;

	if (rich == NULL) {
		if (!c->f.failed)
			field_warn(&c->f, "a rich text node without 'rich'; skipped");
		return;
	}
	old = field_push(&c->f, ".rich");
	type = field_str(&c->f, rich, "type");
	text = field_str(&c->f, rich, "text");
	if (text == NULL || *text == '\0') {
		free(text);
		text = field_str(&c->f, rich, "orig_text");
	}
	if (text == NULL)
		text = xstrdup("");
	href = field_link(&c->f, rich, "jump_url");
	rid = field_id(&c->f, rich, "rid");
	kind = type && strncmp(type, "RICH_TEXT_NODE_TYPE_", 20) == 0 ? type + 20 : (type ? type : "");
	if (c->f.failed) {
		free(text);
		free(href);
	} else if (strcmp(kind, "EMOJI") == 0) {
		struct jsv *em = field_obj(&c->f, rich, "emoji");
		struct run *x = runs_push(r, RUN_EMOJI);
		long long size = 0;
		size_t o2 = field_push(&c->f, ".emoji");
		char *etext = field_str(&c->f, em, "text");

		x->img_url = field_picture(&c->f, em, "icon_url");
		if (x->img_url == NULL)
			x->img_url = field_picture(&c->f, em, "gif_url");
		field_num(&c->f, em, "size", &size);
		x->emoji_size = size == 1 || size == 2 ? (int)size : 0;
		if (etext && *etext) {
			x->text = etext;
			free(text);
		} else {
			free(etext);
			x->text = text;
		}
		free(href);
		field_pop(&c->f, o2);
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
		struct jsv *pics = field_arr(&c->f, rich, "pics");
		size_t o2 = field_push(&c->f, ".pics");

		for (size_t i = 0; i < jsv_len(pics) && !c->f.failed; i++) {
			struct jsv *p = jsv_at(pics, i);
			size_t o3 = field_push(&c->f, "[%zu]", i);
			char *u = field_picture(&c->f, p, "src");
			long long w = 0, h = 0;

			if (u) {
				struct picture *pic;

				if (c->pending_pics == NULL) {
					c->pending_pics = xcalloc(1, sizeof *c->pending_pics);
					c->pending_pics->kind = BLOCK_PICTURES;
				}
				pic = block_push_picture(c->pending_pics);
				pic->url = u;
				field_num(&c->f, p, "width", &w);
				field_num(&c->f, p, "height", &h);
				pic->width = field_size(w);
				pic->height = field_size(h);
			}
			field_pop(&c->f, o3);
		}
		field_pop(&c->f, o2);
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
			field_warn(&c->f, "unknown rich text type '%s'; kept its text", kind);
		if (href == NULL && strcmp(kind, "GOODS") == 0) {
			struct jsv *g = field_obj(&c->f, rich, "goods");

			href = field_link(&c->f, g, "jump_url");
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
	field_pop(&c->f, old);
}

static void
parse_formula(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *f = field_obj(&c->f, node, "formula");
	size_t old = field_push(&c->f, ".formula");
	char *tex = field_str(&c->f, f, "latex_content");

	if (tex && *tex) {
		struct run *x = runs_push(r, RUN_FORMULA);

		x->text = tex;
	} else {
		free(tex);
		if (!c->f.failed)
			field_warn(&c->f, "formula without latex_content");
	}
	field_pop(&c->f, old);
}

/*
 * A user node (spec §3.1, TEXT_NODE_TYPE_USER: user{name, mid}): a mention,
 * like a rich AT node, linked to the writer's space when mid is digits.
 */
static void
parse_user(struct pctx *c, const struct jsv *node, struct runs *r)
{
	struct jsv *u = field_obj(&c->f, node, "user");
	size_t old = field_push(&c->f, ".user");
	char *name = field_str(&c->f, u, "name");
	char *mid = field_id(&c->f, u, "mid");
	char *href = NULL;

	if (mid && *mid && strspn(mid, "0123456789") == strlen(mid))
		href = xasprintf("https://space.bilibili.com/%s", mid);
	if (c->f.failed || name == NULL || *name == '\0') {
		if (!c->f.failed)
			field_warn(&c->f, "a user node without a name; skipped");
		free(name);
		free(href);
	} else {
		char *at = name[0] == '@' ? xstrdup(name) : xasprintf("@%s", name);

		free(name);
		add_link(r, RUN_MENTION, at, href, mid);
	}
	free(mid);
	field_pop(&c->f, old);
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
	struct jsv *nodes = field_arr(&c->f, holder, key);
	size_t old = field_push(&c->f, ".%s", key);

	for (size_t i = 0; i < jsv_len(nodes) && !c->f.failed; i++) {
		struct jsv *node = jsv_at(nodes, i);
		size_t o2 = field_push(&c->f, "[%zu]", i);
		char *type;

		if (jsv_type(node) == JSV_NULL) {
			field_warn(&c->f, "a null text node; skipped");
			field_pop(&c->f, o2);
			continue;
		}
		if (jsv_type(node) != JSV_OBJECT) {
			field_fail(&c->f, NULL, "expected an object, got %s", jsv_type_name(node));
			break;
		}
		type = field_str(&c->f, node, "type");
		if (c->f.failed) {
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
			t = field_clean(&c->f, buf_str(&b), b.len);
			field_warn(&c->f, "unknown text node type '%s'; kept its text", type ? type : "(none)");
			add_text_runs(r, t, 0, NULL, 0);
			free(t);
			buf_release(&b);
		}
		free(type);
		field_pop(&c->f, o2);
		jsv_drop(nodes, i);     /* read once: a long paragraph's nodes go as they are read */
	}
	field_pop(&c->f, old);
}

/* --- paragraphs ------------------------------------------------------------------- */

/* Read holder.text.nodes into runs. */
static void
parse_text(struct pctx *c, const struct jsv *holder, struct runs *r)
{
	struct jsv *text = field_obj(&c->f, holder, "text");
	size_t old = field_push(&c->f, ".text");

	parse_nodes(c, text, "nodes", r);
	field_pop(&c->f, old);
}

static enum align
parse_align(struct pctx *c, const struct jsv *p)
{
	long long a = 0;
	struct jsv *fmt = jsv_get(p, "format");

	if (!field_num(&c->f, p, "align", &a) && jsv_type(fmt) == JSV_OBJECT)
		field_num(&c->f, fmt, "align", &a);
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
	size_t lead = 0;

	while (r->n > 0 && r->v[r->n - 1].kind == RUN_BREAK)
		r->n--;
	/* one move for all leading breaks: a heading of many "\n"s stays linear */
	while (lead < r->n && r->v[lead].kind == RUN_BREAK)
		lead++;
	if (lead > 0) {
		memmove(r->v, r->v + lead, (r->n - lead) * sizeof *r->v);
		r->n -= lead;
	}
}

static void
parse_pictures(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *pic = field_obj(&c->f, p, "pic");
	struct jsv *pics;
	long long style = 0;
	size_t old = field_push(&c->f, ".pic");

	pics = field_arr(&c->f, pic, "pics");
	field_num(&c->f, pic, "style", &style);
	b->pic_style = (int)style;
	for (size_t i = 0; i < jsv_len(pics) && !c->f.failed; i++) {
		struct jsv *q = jsv_at(pics, i);
		size_t o2 = field_push(&c->f, ".pics[%zu]", i);
		char *u;
		long long w = 0, h = 0;
		double size = 0;

		if (jsv_type(q) == JSV_NULL) {
			field_warn(&c->f, "a null picture; skipped");
			field_pop(&c->f, o2);
			continue;
		}
		if (jsv_type(q) != JSV_OBJECT) {
			field_fail(&c->f, NULL, "expected an object, got %s", jsv_type_name(q));
			break;
		}
		u = field_picture(&c->f, q, "url");
		field_num(&c->f, q, "width", &w);
		field_num(&c->f, q, "height", &h);
		jsv_double(jsv_get(q, "size"), &size);
		if (u) {
			struct picture *x = block_push_picture(b);

			x->url = u;
			x->width = field_size(w);
			x->height = field_size(h);
			x->size_kib = size > 0 ? size : 0;
		}
		field_pop(&c->f, o2);
	}
	if (b->npics == 0 && !c->f.failed)
		field_warn(&c->f, "picture paragraph without pictures");
	field_pop(&c->f, old);
}

static void
parse_list(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *list = field_obj(&c->f, p, "list");
	struct jsv *items;
	long long style = 0;
	size_t old = field_push(&c->f, ".list");

	field_num(&c->f, list, "style", &style);
	b->ordered = style == 1;
	items = field_arr(&c->f, list, "items");
	for (size_t i = 0; i < jsv_len(items) && !c->f.failed; i++) {
		struct jsv *it = jsv_at(items, i);
		size_t o2 = field_push(&c->f, ".items[%zu]", i);
		struct list_item *li;
		long long level = 1, order = 0;

		if (jsv_type(it) == JSV_NULL) {
			field_warn(&c->f, "a null list item; skipped");
			field_pop(&c->f, o2);
			continue;
		}
		if (jsv_type(it) != JSV_OBJECT) {
			field_fail(&c->f, NULL, "expected an object, got %s", jsv_type_name(it));
			break;
		}
		li = block_push_item(b);
		field_num(&c->f, it, "level", &level);
		field_num(&c->f, it, "order", &order);
		li->level = level < 1 ? 1 : level > 16 ? 16 : (int)level;
		li->order = order > 0 && order < 1000000 ? (int)order : 0;
		parse_nodes(c, it, "nodes", &li->runs);
		field_pop(&c->f, o2);
		jsv_drop(items, i);     /* read once, as paragraphs are */
	}
	field_pop(&c->f, old);
}

static void
parse_code(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *code = field_obj(&c->f, p, "code");
	size_t old = field_push(&c->f, ".code");
	char *content = field_str(&c->f, code, "content");
	char *lang = field_str(&c->f, code, "lang");

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
	field_pop(&c->f, old);
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
		s = field_clean(&c->f, str, len);
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
	XGROW(cd->lines, cd->lines_cap, cd->nlines + 1);
	cd->lines[cd->nlines++] = s;
}

static char *
card_str(struct pctx *c, const struct jsv *o, const char *path)
{
	struct jsv *v = jsv_path(o, path);
	size_t len;
	const char *s = jsv_str(v, &len);

	return s && *s ? field_clean(&c->f, s, len) : NULL;
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
		XGROW(cd->lines, cd->lines_cap, cd->nlines + 1);
		cd->lines[cd->nlines++] = field_clean(&c->f, buf_str(&score), score.len);
	}
	buf_release(&score);
	card_line(c, cd, sub, "match_info.center_bottom", NULL);
	for (size_t i = 0; i < 2; i++) {
		struct jsv *team = jsv_get(info, teams[i]);
		size_t o = field_push(&c->f, ".match_info.%s", teams[i]);
		struct card *ti;

		if (jsv_type(team) != JSV_OBJECT) {
			field_pop(&c->f, o);
			continue;
		}
		ti = card_push_item(cd);
		ti->title = card_str(c, team, "name");
		ti->cover = field_picture(&c->f, team, "pic");
		field_pop(&c->f, o);
	}
}

static void
parse_card(struct pctx *c, const struct jsv *p, struct block *b)
{
	struct jsv *lc = field_obj(&c->f, p, "link_card");
	struct jsv *card, *sub = NULL;
	const struct card_spec *spec = NULL;
	char *type;
	const char *kind, *subkey = NULL;
	size_t old = field_push(&c->f, ".link_card");

	card = field_obj(&c->f, lc, "card");
	field_push(&c->f, ".card");
	type = field_str(&c->f, card, "type");
	kind = type && strncmp(type, "LINK_CARD_TYPE_", 15) == 0 ? type + 15 : (type ? type : "");
	for (size_t i = 0; i < sizeof card_specs / sizeof card_specs[0]; i++)
		if (strcmp(kind, card_specs[i].type) == 0)
			spec = &card_specs[i];
	b->card.kind = xstrdup(*kind ? kind : "UNKNOWN");
	if (spec) {
		sub = field_obj(&c->f, card, subkey = spec->key);
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
			field_warn(&c->f, "unknown link card type '%s'; kept its text", *kind ? kind : "(none)");
		/* no type given but a known card's member: that card, with all it shows (goods, teams) */
		if (spec && *kind == '\0') {
			free(b->card.kind);
			b->card.kind = xstrdup(spec->type);
		}
	}
	if (!c->f.failed && sub) {
		const char *title_key = spec ? spec->title : "title";
		size_t o2 = field_push(&c->f, ".%s", subkey);

		b->card.title = card_str(c, sub, title_key);
		if (b->card.title == NULL)
			b->card.title = card_str(c, sub, "title");
		b->card.url = field_link(&c->f, sub, "jump_url");
		b->card.cover = field_picture(&c->f, sub, "cover");
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
			struct jsv *items = field_arr(&c->f, sub, "items");
			size_t o3 = field_push(&c->f, ".items");

			for (size_t i = 0; i < jsv_len(items) && !c->f.failed; i++) {
				struct jsv *it = jsv_at(items, i);
				struct card *ci;
				size_t o4 = field_push(&c->f, "[%zu]", i);

				ci = card_push_item(&b->card);
				ci->title = card_str(c, it, "name");
				ci->url = field_link(&c->f, it, "jump_url");
				ci->cover = field_picture(&c->f, it, "cover");
				card_line(c, ci, it, "brief", NULL);
				card_line(c, ci, it, "price", NULL);
				field_pop(&c->f, o4);
			}
			field_pop(&c->f, o3);
			if (b->card.title == NULL && b->card.nitems == 0)
				b->card.title = xstrdup("商品");
		}
		if (strcmp(b->card.kind, "MATCH") == 0)
			parse_match(c, sub, &b->card);
		if (strcmp(b->card.kind, "ITEM_NULL") == 0 && b->card.title == NULL)
			b->card.title = xstrdup("(内容已失效)");
		if (strcmp(b->card.kind, "VOTE") == 0 && b->card.url == NULL) {
			long long vid;

			if (field_num(&c->f, sub, "vote_id", &vid))
				b->card.url = xasprintf(
				    "https://t.bilibili.com/vote/h5/index/#/result?vote_id=%lld", vid);
		}
		field_pop(&c->f, o2);
	}
	if (!c->f.failed && b->card.title == NULL && b->card.nlines == 0 && b->card.nitems == 0) {
		struct buf t;

		buf_init(&t, 0);
		collect_text(card, &t, 0);
		b->card.title = field_clean(&c->f, buf_str(&t), t.len);
		buf_release(&t);
		if (*b->card.title == '\0') {
			free(b->card.title);
			b->card.title = xstrdup("(链接卡片)");
		}
	}
	free(type);
	field_pop(&c->f, old);
}

static void
parse_paragraph(struct pctx *c, const struct jsv *p)
{
	long long type = -1;
	struct block *b;

	if (jsv_type(p) == JSV_NULL) {
		field_warn(&c->f, "a null paragraph; skipped");
		return;
	}
	if (jsv_type(p) != JSV_OBJECT) {
		field_fail(&c->f, NULL, "expected an object, got %s", jsv_type_name(p));
		return;
	}
	if (!field_num(&c->f, p, "para_type", &type)) {
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

		if (c->f.failed)
			return;
		type = -1;
		for (size_t i = 0; i < sizeof by_member / sizeof by_member[0] && type == -1; i++)
			if (jsv_type(jsv_get(p, by_member[i].key)) == JSV_OBJECT)
				type = by_member[i].type;
		if (type == -1)
			field_warn(&c->f, "a paragraph without para_type; kept its text");
		else
			field_warn(&c->f, "a paragraph without para_type; read as para_type %lld by its '%s'",
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
		struct jsv *line = field_obj(&c->f, p, "line");
		size_t old = field_push(&c->f, ".line");

		struct jsv *pic = field_obj(&c->f, line, "pic");

		field_push(&c->f, ".pic");
		b = article_push_block(c->a, BLOCK_DIVIDER);
		b->img_url = field_picture(&c->f, pic, "url");
		field_pop(&c->f, old);
		break;
	}
	case 4: {
		struct jsv *text = field_obj(&c->f, p, "text");
		struct jsv *bq = field_obj(&c->f, p, "blockquote");

		b = article_push_block(c->a, BLOCK_QUOTE);
		b->align = parse_align(c, p);
		if (text)
			parse_text(c, p, &b->runs);
		if (bq) {
			/* A variant two parsers accept: blockquote.children[].text.nodes. */
			struct jsv *ch = field_arr(&c->f, bq, "children");
			size_t old = field_push(&c->f, ".blockquote.children");

			for (size_t i = 0; i < jsv_len(ch) && !c->f.failed; i++) {
				size_t o2 = field_push(&c->f, "[%zu]", i);
				struct block *kid = block_push_child(b, BLOCK_PARAGRAPH);

				parse_text(c, jsv_at(ch, i), &kid->runs);
				field_pop(&c->f, o2);
			}
			field_pop(&c->f, old);
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
		struct jsv *h = field_obj(&c->f, p, "heading");
		long long level = 1;
		size_t old;

		b = article_push_block(c->a, BLOCK_HEADING);
		b->align = parse_align(c, p);
		old = field_push(&c->f, ".heading");
		field_num(&c->f, h, "level", &level);
		b->level = level < 1 ? 1 : level > 5 ? 5 : (int)level;
		parse_nodes(c, h, "nodes", &b->runs);
		field_pop(&c->f, old);
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
			s = field_clean(&c->f, buf_str(&t), t.len);
			add_text_runs(&b->runs, s, 0, NULL, 0);
			free(s);
			buf_release(&t);
		}
		if (type != -1)
			field_warn(&c->f, "unknown para_type %lld; kept its text", type);
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
	struct jsv *paras = field_arr(&c->f, m, "paragraphs");
	size_t old = field_push(&c->f, ".paragraphs");

	if (paras == NULL && !c->f.failed)
		field_warn(&c->f, "no paragraphs");
	for (size_t i = 0; i < jsv_len(paras) && !c->f.failed; i++) {
		size_t o2 = field_push(&c->f, "[%zu]", i);

		parse_paragraph(c, jsv_at(paras, i));
		/* the model holds copies now: the article grows into the memory the tree gives back */
		jsv_drop(paras, i);
		field_pop(&c->f, o2);
	}
	field_pop(&c->f, old);
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
	long long ts = 0;

	field_author(&c->f, c->a, m);
	if (field_num(&c->f, m, "pub_ts", &ts))
		field_date(&c->f, c->a, ts, "pub_ts");
	set_str(&c->a->pub_time_text, field_str(&c->f, m, "pub_time"));
}

static void
parse_top(struct pctx *c, const struct jsv *m)
{
	size_t old = field_push(&c->f, ".display.album");
	struct jsv *pics = field_arr(&c->f, jsv_path(m, "display.album"), "pics");

	field_push(&c->f, ".pics");

	for (size_t i = 0; i < jsv_len(pics) && !c->f.failed; i++) {
		struct jsv *q = jsv_at(pics, i);
		size_t o2 = field_push(&c->f, "[%zu]", i);
		char *u = field_picture(&c->f, q, "url");
		long long w = 0, h = 0;

		field_num(&c->f, q, "width", &w);
		field_num(&c->f, q, "height", &h);
		if (u) {
			struct picture *p;

			XGROW(c->a->top, c->a->top_cap, c->a->ntop + 1);
			p = &c->a->top[c->a->ntop++];
			memset(p, 0, sizeof *p);
			p->url = u;
			p->width = field_size(w);
			p->height = field_size(h);
		}
		field_pop(&c->f, o2);
	}
	field_pop(&c->f, old);
}

static void
parse_extend(struct pctx *c, const struct jsv *m)
{
	struct jsv *items = field_arr(&c->f, m, "items");
	size_t old = field_push(&c->f, ".items");

	for (size_t i = 0; i < jsv_len(items) && !c->f.failed; i++) {
		size_t o2 = field_push(&c->f, "[%zu]", i);

		field_add_tag(c->a, field_str(&c->f, jsv_at(items, i), "text"));
		field_pop(&c->f, o2);
	}
	field_pop(&c->f, old);
}

static void
parse_stat(struct pctx *c, const struct jsv *m)
{
	static const struct field_stat stats[] = {
		{ "like", offsetof(struct article, like) },
		{ "coin", offsetof(struct article, coin) },
		{ "favorite", offsetof(struct article, favorite) },
		{ "comment", offsetof(struct article, comment) },
		{ "forward", offsetof(struct article, forward) },
	};

	field_stats(&c->f, c->a, m, stats, sizeof stats / sizeof stats[0]);
}

static void
parse_blocked(struct pctx *c, const struct jsv *m)
{
	struct block *b = article_push_block(c->a, BLOCK_NOTICE);
	char *hint = field_str(&c->f, m, "hint_message");
	char *button = field_str(&c->f, jsv_get(m, "button"), "text");

	b->title = field_str(&c->f, m, "title");
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
	field_warn(&c->f, "part of this opus is blocked (%s); archived what is visible", b->title);
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
	for (size_t i = 0; i < jsv_len(mods) && !c->f.failed; i++) {
		struct jsv *m = jsv_at(mods, i);
		size_t old = field_push(&c->f, "[%zu]", i);
		char *type;

		if (jsv_type(m) != JSV_OBJECT) {
			/* One broken module costs that module, not the article (a null
			 * slot is what a half-deleted module looks like). */
			field_warn(&c->f, "expected an object, got %s; module skipped", jsv_type_name(m));
			field_pop(&c->f, old);
			continue;
		}
		type = field_str(&c->f, m, "module_type");
		if (c->f.failed) {
			free(type);
			break;
		}
		if (type == NULL) {
			field_warn(&c->f, "module without module_type; skipped");
		} else if (strcmp(type, "MODULE_TYPE_TITLE") == 0) {
			struct jsv *t = field_obj(&c->f, m, "module_title");

			field_push(&c->f, ".module_title");
			free(c->a->title);
			c->a->title = field_str(&c->f, t, "text");
		} else if (strcmp(type, "MODULE_TYPE_AUTHOR") == 0) {
			struct jsv *au = field_obj(&c->f, m, "module_author");

			field_push(&c->f, ".module_author");
			parse_author(c, au);
		} else if (strcmp(type, "MODULE_TYPE_CONTENT") == 0) {
			struct jsv *mc = field_obj(&c->f, m, "module_content");

			field_push(&c->f, ".module_content");
			if (mc)
				*has_content = true;
			parse_content(c, mc);
		} else if (strcmp(type, "MODULE_TYPE_TOP") == 0) {
			struct jsv *top = field_obj(&c->f, m, "module_top");

			field_push(&c->f, ".module_top");
			parse_top(c, top);
		} else if (strcmp(type, "MODULE_TYPE_COLLECTION") == 0) {
			struct jsv *col = field_obj(&c->f, m, "module_collection");

			field_push(&c->f, ".module_collection");
			set_str(&c->a->collection_name, field_str(&c->f, col, "name"));
			set_str(&c->a->collection_id, field_id(&c->f, col, "id"));
			set_str(&c->a->collection_count, field_id(&c->f, col, "count"));
		} else if (strcmp(type, "MODULE_TYPE_TOPIC") == 0) {
			struct jsv *t = field_obj(&c->f, m, "module_topic");

			field_push(&c->f, ".module_topic");
			set_str(&c->a->topic, field_str(&c->f, t, "name"));
			set_str(&c->a->topic_url, field_link(&c->f, t, "jump_url"));
		} else if (strcmp(type, "MODULE_TYPE_EXTEND") == 0) {
			struct jsv *ext = field_obj(&c->f, m, "module_extend");

			field_push(&c->f, ".module_extend");
			parse_extend(c, ext);
		} else if (strcmp(type, "MODULE_TYPE_STAT") == 0) {
			struct jsv *st = field_obj(&c->f, m, "module_stat");

			field_push(&c->f, ".module_stat");
			parse_stat(c, st);
		} else if (strcmp(type, "MODULE_TYPE_BLOCKED") == 0) {
			struct jsv *bl = field_obj(&c->f, m, "module_blocked");

			field_push(&c->f, ".module_blocked");
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
			s = field_clean(&c->f, buf_str(&t), t.len);
			if (*s) {
				struct block *b = article_push_block(c->a, BLOCK_UNKNOWN);

				b->type_name = xstrdup(type);
				add_text_runs(&b->runs, s, 0, NULL, 0);
			}
			field_warn(&c->f, "unknown module type '%s'%s", type, *s ? "; kept its text" : "");
			free(s);
			buf_release(&t);
		}
		free(type);
		field_pop(&c->f, old);
	}
}

enum opus_result
opus_parse(const struct jsv *root, struct article **out, char **fallback_cv, struct err *e)
{
	struct pctx c;
	struct jsv *data, *item, *mods, *fb;
	enum opus_result rc = OPUS_ERROR;
	bool has_content = false;
	char *id = NULL;

	*out = NULL;
	*fallback_cv = NULL;
	memset(&c, 0, sizeof c);
	field_init(&c.f, e, "opus ?");
	data = field_envelope(&c.f, root);
	if (data == NULL)
		goto out;
	field_push(&c.f, "data");
	fb = field_obj(&c.f, data, "fallback");
	if (fb) {
		char *fid = field_id(&c.f, fb, "id");

		if (fid && input_id_valid(fid)) {
			*fallback_cv = fid;
			rc = OPUS_FALLBACK;
			goto out;
		}
		free(fid);
		field_fail(&c.f, "fallback.id", "missing or not a number");
		goto out;
	}
	item = field_obj(&c.f, data, "item");
	if (item == NULL) {
		field_fail(&c.f, "item", "missing");
		goto out;
	}
	field_push(&c.f, ".item");
	id = field_id(&c.f, item, "id_str");
	if (c.f.failed)
		goto out;
	if (id == NULL || !input_id_valid(id)) {
		field_fail(&c.f, "id_str", id ? "'%.60s' is not an opus id" : "missing%s", id ? id : "");
		goto out;
	}
	snprintf(c.id, sizeof c.id, "%s", id);
	snprintf(c.f.name, sizeof c.f.name, "opus %s", id);
	c.a = article_new();
	c.a->id = id;
	id = NULL;
	c.a->source_url = xasprintf("https://www.bilibili.com/opus/%s", c.a->id);
	{
		struct jsv *basic = field_obj(&c.f, item, "basic");
		long long ct = 0;
		size_t old = field_push(&c.f, ".basic");

		if (basic && field_num(&c.f, basic, "comment_type", &ct) && ct == 12) {
			char *rid = field_id(&c.f, basic, "rid_str");

			if (rid && input_id_valid(rid))
				c.a->cv_id = rid;
			else
				free(rid);
		}
		if (basic && !c.f.failed) {
			/* a fallback title, used when MODULE_TYPE_TITLE is missing */
			char *t = field_str(&c.f, basic, "title");
			const char *suffix = " - 哔哩哔哩";

			if (t) {
				size_t tl = strlen(t), sl = strlen(suffix);

				if (tl >= sl && strcmp(t + tl - sl, suffix) == 0)
					t[tl - sl] = '\0';
				c.a->title = t;
			}
		}
		field_pop(&c.f, old);
	}
	mods = field_arr(&c.f, item, "modules");
	if (c.f.failed)
		goto out;
	if (mods == NULL) {
		field_fail(&c.f, "modules", "missing");
		goto out;
	}
	field_push(&c.f, ".modules");
	parse_modules(&c, mods, &has_content);
	if (c.f.failed)
		goto out;
	field_pop(&c.f, 0);
	field_push(&c.f, "data.item.modules");
	if (!has_content && c.a->ntop == 0) {
		err_set(e, "the response has no MODULE_TYPE_CONTENT: nothing to archive");
		goto out;
	}
	if (c.a->nblocks == 0 && c.a->ntop == 0)
		field_warn(&c.f, "the article has no content");
	{
		char *untitled = xasprintf("opus %s", c.a->id);

		field_finish(&c.f, c.a, untitled, "opus-detail");
		free(untitled);
	}
	*out = c.a;
	c.a = NULL;
	rc = OPUS_OK;
out:
	if (rc == OPUS_ERROR && c.f.failed && c.id[0])
		err_prefix(e, "opus %s", c.id);
	if (c.pending_pics) {
		block_release(c.pending_pics);
		free(c.pending_pics);
	}
	article_free(c.a);
	free(id);
	return rc;
}
