#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "render.h"
#include "text.h"
#include "xalloc.h"

#define XHTML_NS "http://www.w3.org/1999/xhtml"
#define EPUB_NS "http://www.idpf.org/2007/ops"
#define OPF_NS "http://www.idpf.org/2007/opf"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define NCX_NS "http://www.daisy.org/z3986/2005/ncx/"
#define OCF_NS "urn:oasis:names:tc:opendocument:xmlns:container"
#define SVG_NS "http://www.w3.org/2000/svg"

/* --- words the pages need, in the book's language ----------------------------- */

struct labels {
	const char *published, *edited_note, *source, *archived, *by_tool;
	const char *tags, *topic, *collection, *stats_as_of;
	const char *like, *coin, *favorite, *comment, *forward, *view;
	const char *picture, *missing_picture, *contents, *cover, *start;
	const char *library, *avatar;
	const char *cover_of, *a11y_summary, *original;
	const char *category, *words;
};

static const struct labels labels_zh = {
	"发布于", "", "原文", "存档于", "由 opus-archive " PACKAGE_VERSION " 制作",
	"标签：", "话题：", "收录于文集", "存档时的数据：",
	"点赞", "投币", "收藏", "评论", "转发", "阅读",
	"图片", "图片未能存档", "目录", "封面", "正文",
	"存档的文章", "头像",
	"封面：",
	"从哔哩哔哩存档的图文。文字可由读屏软件朗读；每张图片都有替代文字"
	"（图注、表情名称、卡片标题，或“图片 N”）；标题和目录可用于导航。"
	"作者在原文中使用的颜色已加深，以便在墨水屏和灰度下阅读。",
	"原图地址",
	"分类：", "字数",
};

static const struct labels labels_en = {
	"Published", "", "Original", "Archived on", "made by opus-archive " PACKAGE_VERSION,
	"Tags: ", "Topic: ", "In the collection", "As of archiving: ",
	"likes", "coins", "favourites", "comments", "shares", "views",
	"Picture", "Picture not archived", "Contents", "Cover", "Start",
	"Archived articles", "avatar",
	"Cover: ",
	"An article archived from Bilibili. The text can be read aloud; every picture has "
	"an alternative text (its caption, the emoji's name, the card's title, or "
	"\"Picture N\"); headings and a table of contents allow navigation. Colours the "
	"author used are darkened so that they read on e-ink and in greyscale.",
	"the original",
	"Category: ", "words",
};

static const struct labels *
labels_for(const char *lang)
{
	return lang && (lang[0] == 'z' || lang[0] == 'Z') && (lang[1] == 'h' || lang[1] == 'H') ?
	    &labels_zh : &labels_en;
}

/* --- small tree helpers ---------------------------------------------------------- */

static xmlNodePtr
el(xmlNodePtr parent, const char *name)
{
	/* NULL content: nothing is parsed; a NULL ns inherits the parent's */
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

/* Append user text: xmlNodeAddContent stores it raw and the serialiser escapes it. */
static void
txt(xmlNodePtr n, const char *s)
{
	if (s && *s)
		xmlNodeAddContent(n, BAD_CAST s);
}

static void
attr(xmlNodePtr n, const char *k, const char *v)
{
	/* xmlSetProp keeps the value as text (no entity parsing); the serialiser escapes it */
	xmlSetProp(n, BAD_CAST k, BAD_CAST v);
}

/*
 * A site page's way back to the site's front page (index.html, which every
 * site has): " · Archived articles" at the end of its colophon line.
 */
static void
index_link(xmlNodePtr s, const struct labels *l)
{
	xmlNodePtr a;

	txt(s, " · ");
	a = el(s, "a");
	attr(a, "href", "index.html");
	txt(a, l->library);
}

static xmlNodePtr
el_class(xmlNodePtr parent, const char *name, const char *cls)
{
	xmlNodePtr n = el(parent, name);

	if (cls)
		attr(n, "class", cls);
	return n;
}

static xmlNodePtr
el_text(xmlNodePtr parent, const char *name, const char *cls, const char *text)
{
	xmlNodePtr n = el_class(parent, name, cls);

	txt(n, text);
	return n;
}

static void
newline(xmlNodePtr parent)
{
	xmlAddChild(parent, xmlNewText(BAD_CAST "\n"));
}

static void
epub_attr(xmlNodePtr n, const char *name, const char *value)
{
	xmlNsPtr ns = xmlSearchNsByHref(n->doc, n, BAD_CAST EPUB_NS);

	if (ns == NULL)
		ns = xmlNewNs(xmlDocGetRootElement(n->doc), BAD_CAST EPUB_NS, BAD_CAST "epub");
	xmlSetNsProp(n, ns, BAD_CAST name, BAD_CAST value);
}

/* --- templates and slots ---------------------------------------------------------- */

static xmlDocPtr
load_template(const struct render_opts *o, const char *name, struct err *e)
{
	char *path = xasprintf("%s/%s", o->templates, name);
	xmlDocPtr doc;
	const xmlError *xe;

	/* XML_PARSE_NONET: a template never makes the parser fetch anything */
	doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xe = xmlGetLastError();
		err_set(e, "template '%s': %s", path,
		    xe && xe->message ? xe->message : "cannot be read or parsed\n");
		/* libxml2's messages end with a newline */
		if (e && strlen(e->msg) && e->msg[strlen(e->msg) - 1] == '\n')
			e->msg[strlen(e->msg) - 1] = '\0';
		xmlFreeDoc(doc);
		doc = NULL;
	}
	free(path);
	return doc;
}

static xmlNodePtr
find_slot_in(xmlNodePtr n, const char *name)
{
	for (; n; n = n->next) {
		xmlChar *v;
		xmlNodePtr hit;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		v = xmlGetProp(n, BAD_CAST "data-oa");
		if (v && strcmp((const char *)v, name) == 0) {
			xmlFree(v);
			return n;
		}
		xmlFree(v);
		hit = find_slot_in(n->children, name);
		if (hit)
			return hit;
	}
	return NULL;
}

/* Return the slot element named name, or NULL when the template has none (a user's template may drop slots). */
static xmlNodePtr
slot(xmlDocPtr doc, const char *name)
{
	return find_slot_in(xmlDocGetRootElement(doc), name);
}

static bool
has_content(xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return true;
		if (c->type == XML_TEXT_NODE && c->content &&
		    !text_is_blank((const char *)c->content))
			return true;
	}
	return false;
}

/* Remove the slot markers: empty slots go away entirely, filled ones lose the attribute. */
static void
finish_slots(xmlNodePtr n)
{
	while (n) {
		xmlNodePtr next = n->next;

		if (n->type == XML_ELEMENT_NODE) {
			finish_slots(n->children);
			if (xmlHasProp(n, BAD_CAST "data-oa")) {
				xmlChar *name = xmlGetProp(n, BAD_CAST "data-oa");
				bool keep = has_content(n) || xmlStrEqual(name, BAD_CAST "title");

				xmlFree(name);
				if (keep) {
					xmlUnsetProp(n, BAD_CAST "data-oa");
				} else {
					/* drop the white space before it too, to keep the page tidy */
					xmlNodePtr prev = n->prev;

					if (prev && prev->type == XML_TEXT_NODE && prev->content &&
					    text_is_blank((const char *)prev->content)) {
						xmlUnlinkNode(prev);
						xmlFreeNode(prev);
					}
					xmlUnlinkNode(n);
					xmlFreeNode(n);
				}
			}
		}
		n = next;
	}
}

static void
set_lang(xmlDocPtr doc, const char *lang)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	xmlNodeSetLang(root, BAD_CAST lang);
	attr(root, "lang", lang);
}

static xmlNodePtr
find_head(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);

	for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST "head"))
			return n;
	return NULL;
}

/* The user's stylesheet goes after every stylesheet of the template, so that it wins. */
static void
add_user_css(xmlDocPtr doc, const char *href)
{
	xmlNodePtr head = find_head(doc), last = NULL, n;

	if (head == NULL || href == NULL)
		return;
	for (n = head->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && (xmlStrEqual(n->name, BAD_CAST "link") ||
		    xmlStrEqual(n->name, BAD_CAST "style")))
			last = n;
	n = xmlNewDocNode(doc, head->ns, BAD_CAST "link", NULL);
	attr(n, "rel", "stylesheet");
	attr(n, "type", "text/css");
	attr(n, "href", href);
	if (last) {
		xmlAddNextSibling(last, n);
		xmlAddNextSibling(last, xmlNewText(BAD_CAST "\n"));
	} else {
		xmlAddChild(head, n);
		newline(head);
	}
}

/* What every page from a template gets: its language, and the user's stylesheet. */
static void
prepare(xmlDocPtr doc, const struct render_opts *o)
{
	set_lang(doc, o->lang);
	add_user_css(doc, o->user_css);
}

/* --- serialising ---------------------------------------------------------------- */

/*
 * libxml2's HTML serialiser looks elements up in its HTML table (to know
 * that <br> and <meta> take no end tag) only when they have no namespace, so
 * a page for browsers drops the XHTML namespace from its elements.
 */
static void
drop_xhtml_ns(xmlNodePtr n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->ns && xmlStrEqual(n->ns->href, BAD_CAST XHTML_NS))
			n->ns = NULL;
		drop_xhtml_ns(n->children);
	}
}

/* Phones lay a page out 980 pixels wide unless told otherwise; e-readers need no telling. */
static void
add_viewport(xmlDocPtr doc)
{
	xmlNodePtr head = find_head(doc), n;

	if (head == NULL)
		return;
	for (n = head->children; n; n = n->next) {
		xmlChar *name;
		bool found;

		if (n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, BAD_CAST "meta"))
			continue;
		name = xmlGetProp(n, BAD_CAST "name");
		found = name && xmlStrEqual(name, BAD_CAST "viewport");
		xmlFree(name);
		if (found)
			return;
	}
	n = el(head, "meta");
	attr(n, "name", "viewport");
	attr(n, "content", "width=device-width, initial-scale=1");
	newline(head);
}

/* Drop the comments around the root element: they document the template, not the page. */
static void
drop_top_comments(xmlDocPtr doc)
{
	xmlNodePtr n = doc->children;

	while (n) {
		xmlNodePtr next = n->next;

		if (n->type == XML_COMMENT_NODE) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
		n = next;
	}
}

/*
 * Serialise doc into *out (*len bytes, NUL-terminated; the caller frees it):
 * XHTML, or HTML syntax for a site's pages.  doc is freed either way, so
 * every document builder ends in this one call.
 */
static int
serialise(xmlDocPtr doc, enum render_flavour flavour, char **out, size_t *len, struct err *e)
{
	int rc = 0;

	finish_slots(xmlDocGetRootElement(doc));
	drop_top_comments(doc);
	if (flavour == RENDER_SITE) {
		/* HTML syntax for browsers: <p></p> rather than <p/>, <br> rather than <br/> */
		/* no encoder: the tree is UTF-8 already, and the bytes stay in ob->buffer */
		xmlOutputBufferPtr ob = xmlAllocOutputBuffer(NULL);
		const xmlChar *content;
		size_t n;

		if (ob == NULL) {
			rc = err_set(e, "cannot serialise a page (out of memory)");
			goto out;
		}
		drop_xhtml_ns(xmlDocGetRootElement(doc));
		add_viewport(doc);
		htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
		xmlOutputBufferFlush(ob);
		content = xmlOutputBufferGetContent(ob);
		n = xmlOutputBufferGetSize(ob);
		*out = xstrndup((const char *)content, n);
		*len = n;
		xmlOutputBufferClose(ob);
	} else {
		xmlBufferPtr xb = xmlBufferCreate();
		xmlSaveCtxtPtr sc = xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_AS_XML);

		if (sc == NULL || xmlSaveDoc(sc, doc) < 0)
			rc = err_set(e, "cannot serialise a document");
		if (sc)
			xmlSaveClose(sc);
		if (rc == 0) {
			/*
			 * Taken, not copied: a long article's page is hundreds of KB.
			 * libxml2 allocates with malloc (this program never sets
			 * xmlMemSetup), so the caller's free() is right for it.
			 */
			*len = (size_t)xmlBufferLength(xb);
			*out = (char *)xmlBufferDetach(xb);
		}
		xmlBufferFree(xb);
	}
out:
	xmlFreeDoc(doc);
	return rc;
}

/* --- dates ---------------------------------------------------------------------- */

/* Write the site's local date of ts ("2025-04-06 20:18") into out. */
static void
site_date(long long ts, bool with_time, char *out, size_t n)
{
	if (!model_format_time(ts, MODEL_UTC_OFFSET, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", out, n))
		snprintf(out, n, "?");
}

/* Write ts as ISO 8601 at offset (0: UTC, or MODEL_UTC_OFFSET) into out. */
static void
iso_datetime(long long ts, int offset, char *out, size_t n)
{
	if (!model_format_time(ts, offset, offset == 0 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S+08:00",
	    out, n))
		snprintf(out, n, "1970-01-01T00:00:00Z");
}

/* --- the article ---------------------------------------------------------------- */

struct actx {
	const struct article *a;
	const struct assets *assets;
	const struct render_opts *o;
	const struct labels *l;
	const char *doc;
	struct toc *toc;
	int heading_no;
	int picture_no;
};

static void
toc_add(struct toc *t, int level, const char *text, const char *href)
{
	struct toc_entry *x;

	if (t == NULL)
		return;
	XGROW(t->v, t->cap, t->n + 1);
	x = &t->v[t->n++];
	x->level = level;
	x->text = xstrdup(text);
	x->href = xstrdup(href);
}

void
toc_release(struct toc *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].text);
		free(t->v[i].href);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

static const struct asset *
ready(const struct actx *c, const char *url)
{
	const struct asset *as = url ? assets_find(c->assets, url) : NULL;

	return as && as->state == ASSET_READY ? as : NULL;
}

/*
 * Pixel sizes on <img> help browsers lay out before pictures load, but some
 * reading engines (MuPDF among them) then ignore max-width and cut wide
 * pictures off at the page edge: only the site gets them.
 */
static void
img_size(xmlNodePtr img, const struct asset *as, enum render_flavour flavour)
{
	char num[16];

	if (flavour == RENDER_SITE && as->width > 0 && as->height > 0) {
		snprintf(num, sizeof num, "%d", as->width);
		attr(img, "width", num);
		snprintf(num, sizeof num, "%d", as->height);
		attr(img, "height", num);
	}
}

/* Where a link goes: the local copy of an article archived alongside, else the web. */
static const char *
href_for(const struct actx *c, const char *url)
{
	const char *local = links_local(c->o->links, url);

	return local ? local : url;
}

/* WCAG 2 relative luminance of an sRGB colour (components 0..255). */
static double
luminance(const double rgb[3])
{
	static const double weight[3] = { 0.2126, 0.7152, 0.0722 };
	double y = 0;

	for (int i = 0; i < 3; i++) {
		double v = rgb[i] / 255.0;

		v = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
		y += weight[i] * v;
	}
	return y;
}

void
render_readable_color(const char *hex, char out[8])
{
	double rgb[3], k = 1.0;
	unsigned v[3];

	if (hex == NULL || strlen(hex) != 7 || hex[0] != '#' ||
	    sscanf(hex + 1, "%2x%2x%2x", &v[0], &v[1], &v[2]) != 3) {
		snprintf(out, 8, "#000000");
		return;
	}
	/* contrast with white = 1.05 / (L + 0.05) >= 4.5  <=>  L <= 0.1833 */
	for (;;) {
		for (int i = 0; i < 3; i++)
			rgb[i] = floor(v[i] * k);
		if (luminance(rgb) <= 0.183 || k <= 0)
			break;
		k -= 0.02;
		if (k < 0)
			k = 0;
	}
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)rgb[0], (unsigned)rgb[1], (unsigned)rgb[2]);
}

static void
render_runs(struct actx *c, xmlNodePtr parent, const struct runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct run *x = &r->v[i];
		xmlNodePtr n = parent;

		switch (x->kind) {
		case RUN_BREAK:
			el(parent, "br");
			break;
		case RUN_TEXT:
			if (x->color[0]) {
				char style[32], color[8];

				/* the model only holds #rrggbb here, so this is safe as CSS */
				render_readable_color(x->color, color);
				snprintf(style, sizeof style, "color: %s", color);
				n = el(n, "span");
				attr(n, "style", style);
			}
			if (x->style & STYLE_BOLD)
				n = el(n, "strong");
			if (x->style & STYLE_ITALIC)
				n = el(n, "em");
			if (x->style & STYLE_STRIKE)
				n = el(n, "s");
			if (x->style & STYLE_UNDERLINE)
				n = el(n, "u");
			txt(n, x->text);
			break;
		case RUN_LINK:
		case RUN_MENTION:
		case RUN_TOPIC: {
			const char *cls = x->kind == RUN_MENTION ? "mention" :
			    x->kind == RUN_TOPIC ? "topic" : NULL;

			if (x->href) {
				n = el_class(parent, "a", cls);
				attr(n, "href", href_for(c, x->href));
			} else if (cls) {
				n = el_class(parent, "span", cls);
			}
			txt(n, x->text);
			break;
		}
		case RUN_EMOJI: {
			const struct asset *as = ready(c, x->img_url);

			if (as) {
				n = el_class(parent, "img", x->emoji_size == 1 ? "emoji small" : "emoji");
				attr(n, "src", as->href);
				attr(n, "alt", x->text);
			} else {
				txt(parent, x->text);
			}
			break;
		}
		case RUN_FORMULA:
			n = el_class(parent, "code", "formula");
			txt(n, x->text);
			break;
		}
	}
}

static const char *
align_class(enum align a)
{
	switch (a) {
	case ALIGN_CENTER: return "center";
	case ALIGN_RIGHT: return "right";
	case ALIGN_JUSTIFY: return "justify";
	case ALIGN_DEFAULT:
	default: return NULL;
	}
}

static void
render_picture(struct actx *c, xmlNodePtr parent, const struct picture *p)
{
	const struct asset *as = ready(c, p->url);
	char *alt;
	xmlNodePtr n;

	c->picture_no++;
	/* whole: a fixed buffer cut long captions inside a UTF-8 sequence (not well-formed) */
	if (p->alt && *p->alt)
		alt = xstrdup(p->alt);
	else if (p->caption && *p->caption)
		alt = xstrdup(p->caption);
	else
		alt = xasprintf("%s %d", c->l->picture, c->picture_no);
	if (as) {
		xmlNodePtr fig = el(parent, "figure");

		n = el(fig, "img");
		attr(n, "src", as->href);
		attr(n, "alt", alt);
		img_size(n, as, c->o->flavour);
		if (p->caption && *p->caption)
			el_text(fig, "figcaption", NULL, p->caption);
	} else {
		const struct asset *any = assets_find(c->assets, p->url);
		xmlNodePtr box = el_class(parent, "p", "missing");

		txt(box, "[");
		txt(box, c->l->missing_picture);
		txt(box, ": ");
		txt(box, alt);
		txt(box, "]");
		/* the caption stays with the placeholder too, when the alt text was not it */
		if (p->caption && *p->caption && strcmp(p->caption, alt) != 0) {
			txt(box, " ");
			txt(box, p->caption);
		}
		if (any && any->problem) {
			txt(box, " (");
			txt(box, any->problem);
			txt(box, ")");
		}
		/* a picture address has no place to break: as link text it runs off e-reader pages */
		txt(box, " ");
		n = el(box, "a");
		attr(n, "href", p->url);
		txt(n, c->l->original);
	}
	newline(parent);
	free(alt);
}

static void
render_pictures(struct actx *c, xmlNodePtr parent, const struct block *b)
{
	xmlNodePtr box = parent;

	if (b->npics > 1)
		box = el_class(parent, "div", "album");
	for (size_t i = 0; i < b->npics; i++)
		render_picture(c, box, &b->pics[i]);
}

static void
render_list(struct actx *c, xmlNodePtr parent, const struct block *b)
{
	struct list_nest nest = { 0 };
	struct {
		xmlNodePtr list, last_li;
		int next;
	} st[LIST_NEST_MAX];
	const char *tag = b->ordered ? "ol" : "ul";

	for (size_t i = 0; i < b->nitems; i++) {
		const struct list_item *it = &b->items[i];
		xmlNodePtr li;
		int k;

		if (list_nest_step(&nest, it->level)) {
			k = nest.depth - 1;
			st[k].list = el(k == 0 ? parent : st[k - 1].last_li, tag);
			st[k].next = 1;
			if (b->ordered && it->order > 1) {
				char num[16];

				snprintf(num, sizeof num, "%d", it->order);
				attr(st[k].list, "start", num);
				st[k].next = it->order;
			}
		}
		k = nest.depth - 1;
		li = el(st[k].list, "li");
		if (b->ordered && it->order > 0 && it->order != st[k].next) {
			char num[16];

			snprintf(num, sizeof num, "%d", it->order);
			attr(li, "value", num);
			st[k].next = it->order;
		}
		st[k].next++;
		st[k].last_li = li;
		render_runs(c, li, &it->runs);
	}
}

static void
render_card(struct actx *c, xmlNodePtr parent, const struct card *cd, const char *cls)
{
	xmlNodePtr box = el_class(parent, "div", cls);
	const struct asset *cover = ready(c, cd->cover);
	xmlNodePtr n;

	if (cd->badge)
		el_text(box, "p", "card-badge", cd->badge);
	if (cover) {
		n = el_class(box, "img", "card-cover");
		attr(n, "src", cover->href);
		attr(n, "alt", cd->title ? cd->title : cd->badge ? cd->badge : c->l->picture);
	}
	if (cd->title) {
		n = el_class(box, "p", "card-title");
		if (cd->url) {
			n = el(n, "a");
			attr(n, "href", href_for(c, cd->url));
		}
		txt(n, cd->title);
	}
	for (size_t i = 0; i < cd->nlines; i++)
		el_text(box, "p", "card-line", cd->lines[i]);
	if (cd->url && cd->title == NULL) {
		n = el_class(box, "p", "card-line");
		n = el(n, "a");
		attr(n, "href", href_for(c, cd->url));
		txt(n, cd->url);
	}
	for (size_t i = 0; i < cd->nitems; i++)
		render_card(c, box, &cd->items[i], "card-item");
	newline(parent);
}

static void render_blocks(struct actx *c, xmlNodePtr parent, const struct block *v, size_t n);

static void
render_block(struct actx *c, xmlNodePtr parent, const struct block *b)
{
	const char *al = align_class(b->align);
	xmlNodePtr n;

	switch (b->kind) {
	case BLOCK_PARAGRAPH:
		if (runs_blank(&b->runs))
			return;         /* the editor's empty lines: spacing, not content */
		n = el_class(parent, "p", al);
		render_runs(c, n, &b->runs);
		break;
	case BLOCK_HEADING: {
		char tag[16], id[24], *plain;
		int level = b->level + 1;

		if (level > 6)
			level = 6;
		if (level < 2)
			level = 2;
		snprintf(tag, sizeof tag, "h%d", level);
		snprintf(id, sizeof id, "h%d", ++c->heading_no);
		n = el_class(parent, tag, al);
		attr(n, "id", id);
		render_runs(c, n, &b->runs);
		plain = runs_plain_text(&b->runs);
		if (!text_is_blank(plain)) {
			char *href = xasprintf("%s#%s", c->doc, id);

			toc_add(c->toc, level, plain, href);
			free(href);
		}
		free(plain);
		break;
	}
	case BLOCK_PICTURES:
		render_pictures(c, parent, b);
		return;
	case BLOCK_QUOTE:
		n = el_class(parent, "blockquote", al);
		if (b->runs.n)
			render_runs(c, el(n, "p"), &b->runs);
		render_blocks(c, n, b->children, b->nchildren);
		break;
	case BLOCK_LIST:
		render_list(c, parent, b);
		break;
	case BLOCK_CODE:
		n = el_class(parent, "pre", "code");
		n = el(n, "code");
		if (b->lang) {
			char *cls = xasprintf("language-%s", b->lang);

			attr(n, "class", cls);
			free(cls);
		}
		txt(n, b->code);
		break;
	case BLOCK_DIVIDER: {
		const struct asset *as = ready(c, b->img_url);

		if (as) {
			n = el_class(parent, "div", "divider");
			attr(n, "role", "separator");
			n = el(n, "img");
			attr(n, "src", as->href);
			attr(n, "alt", "");
		} else {
			el(parent, "hr");
		}
		break;
	}
	case BLOCK_CARD:
		render_card(c, parent, &b->card, "card");
		return;
	case BLOCK_NOTICE:
		n = el_class(parent, "div", "notice");
		el_text(n, "p", "notice-title", b->title);
		if (b->runs.n)
			render_runs(c, el(n, "p"), &b->runs);
		break;
	case BLOCK_UNKNOWN:
		n = el_class(parent, "div", "unknown");
		render_runs(c, el(n, "p"), &b->runs);
		break;
	}
	newline(parent);
}

static void
render_blocks(struct actx *c, xmlNodePtr parent, const struct block *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		render_block(c, parent, &v[i]);
}

static void
fill_byline(struct actx *c, xmlDocPtr doc)
{
	const struct article *a = c->a;
	xmlNodePtr s = slot(doc, "byline"), n;
	const struct asset *face = ready(c, a->author_face);

	if (s == NULL)
		return;
	if (face) {
		n = el_class(s, "img", "avatar");
		attr(n, "src", face->href);
		attr(n, "alt", c->l->avatar);
	}
	if (a->author_name) {
		n = el_class(s, a->author_url ? "a" : "span", "author");
		if (a->author_url)
			attr(n, "href", a->author_url);
		txt(n, a->author_name);
	}
	if (a->pub_ts > 0) {
		char when[64], iso[40];

		site_date(a->pub_ts, true, when, sizeof when);
		iso_datetime(a->pub_ts, MODEL_UTC_OFFSET, iso, sizeof iso);
		if (a->author_name)
			txt(s, " · ");
		txt(s, c->l->published);
		txt(s, " ");
		n = el(s, "time");
		attr(n, "datetime", iso);
		txt(n, when);
	} else if (a->pub_time_text) {
		if (a->author_name)
			txt(s, " · ");
		txt(s, a->pub_time_text);
	}
}

static void
fill_colophon(struct actx *c, xmlDocPtr doc)
{
	const struct article *a = c->a;
	const struct labels *l = c->l;
	xmlNodePtr s, n;
	char when[64];

	if ((s = slot(doc, "collection")) && a->collection_name) {
		txt(s, l->collection);
		txt(s, " 「");
		txt(s, a->collection_name);
		txt(s, "」");
		if (a->collection_count) {
			txt(s, " (");
			txt(s, a->collection_count);
			txt(s, ")");
		}
	}
	if ((s = slot(doc, "tags")) && (a->ntags || a->topic || a->category)) {
		if (a->category) {
			txt(s, l->category);
			txt(s, a->category);
			if (a->ntags || a->topic)
				el(s, "br");
		}
		if (a->topic) {
			txt(s, l->topic);
			n = el(s, a->topic_url ? "a" : "span");
			if (a->topic_url)
				attr(n, "href", a->topic_url);
			txt(n, a->topic);
			if (a->ntags)
				el(s, "br");
		}
		if (a->ntags)
			txt(s, l->tags);
		for (size_t i = 0; i < a->ntags; i++) {
			el_text(s, "span", "tag", a->tags[i]);
			txt(s, " ");
		}
	}
	if ((s = slot(doc, "stats"))) {
		const struct {
			const struct stat_count *sc;
			const char *label;
		} st[] = {
			{ &a->view, l->view }, { &a->like, l->like }, { &a->coin, l->coin },
			{ &a->favorite, l->favorite }, { &a->comment, l->comment },
			{ &a->forward, l->forward },
		};
		bool first = true;

		for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
			char num[64];

			if (!st[i].sc->known)
				continue;
			txt(s, first ? l->stats_as_of : " · ");
			first = false;
			if (l == &labels_zh)
				snprintf(num, sizeof num, "%s %lld", st[i].label, st[i].sc->count);
			else
				snprintf(num, sizeof num, "%lld %s", st[i].sc->count, st[i].label);
			txt(s, num);
		}
		if (a->words > 0) {
			char num[64];

			/* a property of the text, not a count that changes: after the counts */
			txt(s, first ? "" : " · ");
			if (l == &labels_zh)
				snprintf(num, sizeof num, "%s %lld", l->words, a->words);
			else
				snprintf(num, sizeof num, "%lld %s", a->words, l->words);
			txt(s, num);
		}
	}
	if ((s = slot(doc, "source"))) {
		txt(s, l->source);
		txt(s, ": ");
		n = el(s, "a");
		attr(n, "href", a->source_url);
		txt(n, a->source_url);
		if (a->cv_id) {
			char *cv = xasprintf("https://www.bilibili.com/read/cv%s", a->cv_id);

			txt(s, " (");
			n = el(s, "a");
			attr(n, "href", cv);
			txt(n, "cv");
			txt(n, a->cv_id);
			txt(s, ")");
			free(cv);
		}
	}
	if ((s = slot(doc, "archived"))) {
		site_date((long long)c->o->now, false, when, sizeof when);
		txt(s, l->archived);
		txt(s, " ");
		txt(s, when);
		txt(s, ", ");
		txt(s, l->by_tool);
		if (c->o->flavour == RENDER_SITE)
			index_link(s, l);
	}
}

int
render_article(const struct article *a, const struct assets *assets, const char *doc_name,
    const struct render_opts *o, struct toc *toc, char **out, size_t *len, struct err *e)
{
	struct actx c = { a, assets, o, labels_for(o->lang), doc_name, toc, 0, 0 };
	xmlDocPtr doc = load_template(o, "article.xhtml", e);
	xmlNodePtr s;

	if (doc == NULL)
		return -1;
	prepare(doc, o);
	if ((s = slot(doc, "title")))
		txt(s, a->title);
	if ((s = slot(doc, "heading"))) {
		attr(s, "id", "title");
		txt(s, a->title);
	}
	{
		char *href = xasprintf("%s#title", doc_name);

		toc_add(toc, 1, a->title, href);
		free(href);
	}
	fill_byline(&c, doc);
	if ((s = slot(doc, "top"))) {
		for (size_t i = 0; i < a->ntop; i++)
			render_picture(&c, s, &a->top[i]);
	}
	if ((s = slot(doc, "content"))) {
		newline(s);
		render_blocks(&c, s, a->blocks, a->nblocks);
	}
	fill_colophon(&c, doc);
	return serialise(doc, o->flavour, out, len, e);
}

int
render_cover(const struct article *a, const struct asset *cover, const char *generated,
    const struct render_opts *o, char **out, size_t *len, struct err *e)
{
	const struct labels *l = labels_for(o->lang);
	xmlDocPtr doc = load_template(o, "cover.xhtml", e);
	xmlNodePtr s, n;
	bool generated_only = false;

	if (doc == NULL)
		return -1;
	prepare(doc, o);
	if ((s = slot(doc, "title")))
		txt(s, a->title);
	if ((s = slot(doc, "image")) && cover && cover->state == ASSET_READY) {
		n = el(s, "img");
		attr(n, "src", cover->href);
		attr(n, "alt", l->cover);
		attr(n, "role", "doc-cover");
		img_size(n, cover, o->flavour);
	} else if (s && generated) {
		/* the picture carries the title and author: so does its text alternative */
		char *alt = xasprintf("%s%s%s%s", l->cover_of, a->title,
		    a->author_name ? " — " : "", a->author_name ? a->author_name : "");

		n = el_class(s, "img", "drawn");
		attr(n, "src", generated);
		attr(n, "alt", alt);
		attr(n, "role", "doc-cover");
		free(alt);
		/* and the page shows it alone, not the same words twice */
		generated_only = true;
	}
	if ((s = slot(doc, "heading")) && !generated_only)
		txt(s, a->title);
	if ((s = slot(doc, "author")) && !generated_only)
		txt(s, a->author_name);
	if ((s = slot(doc, "date")) && a->pub_ts > 0 && !generated_only) {
		char when[32];

		site_date(a->pub_ts, false, when, sizeof when);
		txt(s, when);
	}
	return serialise(doc, o->flavour, out, len, e);
}

/*
 * Build nested lists from toc entries (levels may jump), nested as
 * render_list() nests an article's lists; an entry less deep than the first
 * stays in the outer list.  Return the depth of the nesting built (1
 * for a flat list).
 */
static int
toc_lists(xmlNodePtr root_list, const struct toc *toc, bool ncx, int *play)
{
	int depth = 1;
	struct list_nest nest = { 0 };
	xmlNodePtr list[LIST_NEST_MAX], last[LIST_NEST_MAX];
	int top = toc->n ? toc->v[0].level : 1;

	for (size_t i = 0; i < toc->n; i++) {
		const struct toc_entry *t = &toc->v[i];
		xmlNodePtr item, n;
		int k;

		if (list_nest_step(&nest, t->level < top ? top : t->level)) {
			k = nest.depth - 1;
			/* the NCX nests navPoints in navPoints, the nav document <ol> in <li> */
			list[k] = k == 0 ? root_list : ncx ? last[k - 1] : el(last[k - 1], "ol");
			if (nest.depth > depth)
				depth = nest.depth;
		}
		k = nest.depth - 1;
		if (ncx) {
			char id[32], num[16];

			item = el(list[k], "navPoint");
			snprintf(id, sizeof id, "np%d", *play);
			snprintf(num, sizeof num, "%d", *play);
			(*play)++;
			attr(item, "id", id);
			attr(item, "playOrder", num);
			n = el(item, "navLabel");
			el_text(n, "text", NULL, t->text);
			n = el(item, "content");
			attr(n, "src", t->href);
		} else {
			item = el(list[k], "li");
			n = el(item, "a");
			attr(n, "href", t->href);
			txt(n, t->text);
		}
		last[k] = item;
	}
	return depth;
}

int
render_nav(const char *title, const struct toc *toc, const char *cover_doc, const char *body_doc,
    const struct render_opts *o, char **out, size_t *len, struct err *e)
{
	const struct labels *l = labels_for(o->lang);
	xmlDocPtr doc = load_template(o, "nav.xhtml", e);
	xmlNodePtr s, n;
	int play = 1;

	if (doc == NULL)
		return -1;
	prepare(doc, o);
	if ((s = slot(doc, "title")))
		txt(s, title);
	if ((s = slot(doc, "heading")))
		txt(s, l->contents);
	if ((s = slot(doc, "toc")))
		toc_lists(s, toc, false, &play);
	if ((s = slot(doc, "landmarks"))) {
		if (cover_doc) {
			n = el(el(s, "li"), "a");
			epub_attr(n, "type", "cover");
			attr(n, "href", cover_doc);
			txt(n, l->cover);
		}
		if (body_doc) {
			n = el(el(s, "li"), "a");
			epub_attr(n, "type", "bodymatter");
			attr(n, "href", body_doc);
			txt(n, l->start);
		}
	}
	return serialise(doc, RENDER_EPUB, out, len, e);
}

/* Start a document whose root element is name in namespace ns (the only namespace). */
static xmlDocPtr
new_doc(const char *name, const char *ns_href, xmlNodePtr *root)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNsPtr ns;

	*root = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);
	xmlDocSetRootElement(doc, *root);
	ns = xmlNewNs(*root, BAD_CAST ns_href, NULL);
	xmlSetNs(*root, ns);
	return doc;
}

int
render_ncx(const char *title, const char *identifier, const struct toc *toc,
    char **out, size_t *len, struct err *e)
{
	xmlNodePtr root, head, n;
	xmlDocPtr doc = new_doc("ncx", NCX_NS, &root);
	xmlNodePtr depth_meta;
	char depth[16];
	int play = 1;

	attr(root, "version", "2005-1");
	head = el(root, "head");
	n = el(head, "meta");
	attr(n, "name", "dtb:uid");
	attr(n, "content", identifier);
	n = el(head, "meta");
	attr(n, "name", "dtb:depth");
	depth_meta = n;
	n = el(head, "meta");
	attr(n, "name", "dtb:totalPageCount");
	attr(n, "content", "0");
	n = el(head, "meta");
	attr(n, "name", "dtb:maxPageNumber");
	attr(n, "content", "0");
	n = el(root, "docTitle");
	el_text(n, "text", NULL, title);
	n = el(root, "navMap");
	/* dtb:depth is the nesting really built, known once the lists are. */
	snprintf(depth, sizeof depth, "%d", toc_lists(n, toc, true, &play));
	attr(depth_meta, "content", depth);
	return serialise(doc, RENDER_EPUB, out, len, e);
}

static void
schema_meta(xmlNodePtr meta, const char *property, const char *value)
{
	xmlNodePtr n = el(meta, "meta");
	char *p = xasprintf("schema:%s", property);

	attr(n, "property", p);
	txt(n, value);
	free(p);
}

/*
 * The schema.org accessibility metadata (EPUB Accessibility 1.1), from what
 * the book holds: the renderer gives every picture a text alternative, keeps
 * the reading order and makes the table of contents; the pictures themselves
 * still need eyes (their alternatives are often only "Picture N").
 */
static void
a11y_meta(xmlNodePtr meta, const struct book *book, const struct labels *l)
{
	bool pictures = false, gif = false;

	for (size_t i = 0; i < book->n; i++) {
		const char *mt = book->v[i].media_type;

		/* the generated cover is text drawn as a picture, and its alt says the same */
		if (strncmp(mt, "image/", 6) == 0 && strcmp(mt, "image/svg+xml") != 0)
			pictures = true;
		if (strcmp(mt, "image/gif") == 0)
			gif = true;
	}
	schema_meta(meta, "accessMode", "textual");
	if (pictures)
		schema_meta(meta, "accessMode", "visual");
	schema_meta(meta, "accessModeSufficient", pictures ? "textual,visual" : "textual");
	schema_meta(meta, "accessibilityFeature", "structuralNavigation");
	schema_meta(meta, "accessibilityFeature", "tableOfContents");
	schema_meta(meta, "accessibilityFeature", "readingOrder");
	schema_meta(meta, "accessibilityFeature", "displayTransformability");
	if (pictures)
		schema_meta(meta, "accessibilityFeature", "alternativeText");
	if (gif) {
		/* an animated GIF may flash: that is not known, so it is not denied */
		schema_meta(meta, "accessibilityHazard", "noMotionSimulationHazard");
		schema_meta(meta, "accessibilityHazard", "noSoundHazard");
	} else {
		schema_meta(meta, "accessibilityHazard", "none");
	}
	schema_meta(meta, "accessibilitySummary", l->a11y_summary);
}

int
render_opf(const struct book_meta *m, const struct book *book, const char *ncx_id,
    char **out, size_t *len, struct err *e)
{
	xmlNodePtr root, meta, man, spine, n;
	xmlDocPtr doc = new_doc("package", OPF_NS, &root);
	xmlNsPtr dc;
	char when[40];

	attr(root, "version", "3.0");
	attr(root, "unique-identifier", "bookid");
	xmlNodeSetLang(root, BAD_CAST m->lang);
	meta = el(root, "metadata");
	dc = xmlNewNs(meta, BAD_CAST DC_NS, BAD_CAST "dc");
	n = xmlNewTextChild(meta, dc, BAD_CAST "identifier", BAD_CAST m->identifier);
	attr(n, "id", "bookid");
	xmlNewTextChild(meta, dc, BAD_CAST "title", BAD_CAST m->title);
	if (m->creator && *m->creator) {
		n = xmlNewTextChild(meta, dc, BAD_CAST "creator", BAD_CAST m->creator);
		attr(n, "id", "creator");
	}
	xmlNewTextChild(meta, dc, BAD_CAST "language", BAD_CAST m->lang);
	if (m->date > 0) {
		iso_datetime(m->date, 0, when, sizeof when);
		xmlNewTextChild(meta, dc, BAD_CAST "date", BAD_CAST when);
	}
	if (m->source)
		xmlNewTextChild(meta, dc, BAD_CAST "source", BAD_CAST m->source);
	for (size_t i = 0; i < m->nsubjects; i++)
		xmlNewTextChild(meta, dc, BAD_CAST "subject", BAD_CAST m->subjects[i]);
	if (m->description && *m->description)
		xmlNewTextChild(meta, dc, BAD_CAST "description", BAD_CAST m->description);
	iso_datetime((long long)m->modified, 0, when, sizeof when);
	n = el(meta, "meta");
	attr(n, "property", "dcterms:modified");
	txt(n, when);
	if (m->collection && *m->collection) {
		char pos[24];

		snprintf(pos, sizeof pos, "%d", m->collection_position);
		/* EPUB 3.3 §D.5.2: the book is (part of) this 文集, a series read in order */
		n = el(meta, "meta");
		attr(n, "property", "belongs-to-collection");
		attr(n, "id", "collection");
		txt(n, m->collection);
		n = el(meta, "meta");
		attr(n, "refines", "#collection");
		attr(n, "property", "collection-type");
		txt(n, "series");
		if (m->collection_position > 0) {
			n = el(meta, "meta");
			attr(n, "refines", "#collection");
			attr(n, "property", "group-position");
			txt(n, pos);
		}
		/* calibre's own names, which it and the readers fed by it read from EPUB 2 books */
		n = el(meta, "meta");
		attr(n, "name", "calibre:series");
		attr(n, "content", m->collection);
		if (m->collection_position > 0) {
			n = el(meta, "meta");
			attr(n, "name", "calibre:series_index");
			attr(n, "content", pos);
		}
	}
	if (m->cover_id) {
		/* EPUB 2 readers find the cover through this */
		n = el(meta, "meta");
		attr(n, "name", "cover");
		attr(n, "content", m->cover_id);
	}
	n = el(meta, "meta");
	attr(n, "name", "generator");
	attr(n, "content", "opus-archive " PACKAGE_VERSION);
	a11y_meta(meta, book, labels_for(m->lang));

	man = el(root, "manifest");
	spine = el(root, "spine");
	if (ncx_id)
		attr(spine, "toc", ncx_id);
	for (size_t i = 0; i < book->n; i++) {
		const struct book_item *it = &book->v[i];

		n = el(man, "item");
		attr(n, "id", it->id);
		attr(n, "href", it->path);
		attr(n, "media-type", it->media_type);
		if (it->properties)
			attr(n, "properties", it->properties);
		if (it->spine) {
			xmlNodePtr ref = el(spine, "itemref");

			attr(ref, "idref", it->id);
		}
	}
	return serialise(doc, RENDER_EPUB, out, len, e);
}

/* --- a package document read back (--from-epub) ------------------------------ */

/* Return true when n is the element name of namespace ns. */
static bool
is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST ns) &&
	    xmlStrEqual(n->name, BAD_CAST name);
}

/* Return n's attribute name as an owned string, or NULL. */
static char *
prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* Return the manifest item of package root whose id is id, or NULL. */
static const xmlNode *
manifest_item(const xmlNode *manifest, const char *id)
{
	for (const xmlNode *n = manifest ? manifest->children : NULL; n; n = n->next) {
		xmlChar *v;
		bool same;

		if (!is_el(n, OPF_NS, "item"))
			continue;
		v = xmlGetNoNsProp(n, BAD_CAST "id");
		same = v && xmlStrEqual(v, BAD_CAST id);
		xmlFree(v);
		if (same)
			return n;
	}
	return NULL;
}

/* Fill info from the metadata element: the unique identifier (uid: its id) and the generator. */
static void
read_metadata(const xmlNode *meta, const char *uid, struct opf_info *info)
{
	for (const xmlNode *n = meta->children; n; n = n->next) {
		if (is_el(n, DC_NS, "identifier") && info->identifier == NULL) {
			char *id = prop(n, "id");

			if (uid && id && strcmp(id, uid) == 0) {
				xmlChar *t = xmlNodeGetContent(n);

				info->identifier = xstrdup(t ? (const char *)t : "");
				xmlFree(t);
			}
			free(id);
		} else if (is_el(n, OPF_NS, "meta") && info->generator == NULL) {
			char *name = prop(n, "name");

			if (name && strcmp(name, "generator") == 0)
				info->generator = prop(n, "content");
			free(name);
		}
	}
}

int
render_opf_read(const char *xml, size_t len, struct opf_info *info, struct err *e)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	const xmlNode *meta = NULL, *manifest = NULL, *spine = NULL;
	char *uid;
	int rc = -1;

	memset(info, 0, sizeof *info);
	if (len > INT_MAX)
		return err_set(e, "the package document is too large");
	/* no XML_PARSE_NOENT, no DTD loading: entities stay references, nothing is fetched */
	doc = xmlReadMemory(xml, (int)len, "content.opf", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return err_set(e, "the package document is not well-formed XML");
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !is_el(root, OPF_NS, "package")) {
		err_set(e, "the package document has no OPF <package> element");
		goto out;
	}
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (is_el(n, OPF_NS, "metadata"))
			meta = n;
		else if (is_el(n, OPF_NS, "manifest"))
			manifest = n;
		else if (is_el(n, OPF_NS, "spine"))
			spine = n;
	}
	if (meta == NULL || manifest == NULL || spine == NULL) {
		err_set(e, "the package document lacks its metadata, manifest or spine");
		goto out;
	}
	uid = prop(root, "unique-identifier");
	read_metadata(meta, uid, info);
	free(uid);
	for (const xmlNode *n = spine->children; n; n = n->next) {
		const xmlNode *item;
		char *idref;

		if (!is_el(n, OPF_NS, "itemref"))
			continue;
		idref = prop(n, "idref");
		item = idref ? manifest_item(manifest, idref) : NULL;
		if (item == NULL) {
			err_set(e, "the spine names an item the manifest does not have");
			free(idref);
			goto out;
		}
		XGROW(info->spine, info->cap, info->nspine + 1);
		info->spine[info->nspine].id = idref;
		info->spine[info->nspine].href = prop(item, "href");
		if (info->spine[info->nspine++].href == NULL) {
			err_set(e, "a spine item has no href");
			goto out;
		}
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	return rc;
}

/* Add the src of every img below n (document order) that starts with prefix to *v. */
static void
collect_srcs(const xmlNode *n, const char *prefix, char ***v, size_t *len, size_t *cap)
{
	for (; n; n = n->next) {
		if (is_el(n, XHTML_NS, "img")) {
			char *src = prop(n, "src");

			if (src && strncmp(src, prefix, strlen(prefix)) == 0) {
				XGROW(*v, *cap, *len + 1);
				(*v)[(*len)++] = src;
			} else {
				free(src);
			}
		}
		if (n->type == XML_ELEMENT_NODE)
			collect_srcs(n->children, prefix, v, len, cap);
	}
}

int
render_img_srcs(const char *xhtml, size_t len, const char *prefix, char ***srcs, size_t *n,
    struct err *e)
{
	xmlDocPtr doc;
	size_t cap = 0;

	*srcs = NULL;
	*n = 0;
	if (len > INT_MAX)
		return err_set(e, "the document is too large");
	doc = xmlReadMemory(xhtml, (int)len, "article.xhtml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return err_set(e, "the document is not well-formed XML");
	collect_srcs(xmlDocGetRootElement(doc), prefix, srcs, n, &cap);
	xmlFreeDoc(doc);
	return 0;
}

void
render_opf_info_release(struct opf_info *info)
{
	for (size_t i = 0; i < info->nspine; i++) {
		free(info->spine[i].id);
		free(info->spine[i].href);
	}
	free(info->spine);
	free(info->identifier);
	free(info->generator);
	memset(info, 0, sizeof *info);
}

int
render_container(const char *opf_path, char **out, size_t *len, struct err *e)
{
	xmlNodePtr root, n;
	xmlDocPtr doc = new_doc("container", OCF_NS, &root);

	attr(root, "version", "1.0");
	n = el(el(root, "rootfiles"), "rootfile");
	attr(n, "full-path", opf_path);
	attr(n, "media-type", "application/oebps-package+xml");
	return serialise(doc, RENDER_EPUB, out, len, e);
}

/* A page listing v[] (the index template): the library's front page, or a 文集's page. */
static int
render_listing(const char *title, const char *heading, const char *summary,
    const struct index_entry *v, size_t n, bool back, const struct render_opts *o, char **out,
    size_t *len, struct err *e)
{
	const struct labels *l = labels_for(o->lang);
	xmlDocPtr doc = load_template(o, "index.xhtml", e);
	xmlNodePtr s, li, a;

	if (doc == NULL)
		return -1;
	prepare(doc, o);
	if ((s = slot(doc, "title")))
		txt(s, title);
	if ((s = slot(doc, "heading"))) {
		txt(s, heading);
		if (summary && *summary) {
			/* after the heading, inside its header */
			xmlNodePtr p = xmlNewDocNode(doc, s->ns, BAD_CAST "p", NULL);

			xmlAddNextSibling(s, p);
			attr(p, "class", "summary");
			txt(p, summary);
		}
	}
	if ((s = slot(doc, "list"))) {
		for (size_t i = 0; i < n; i++) {
			newline(s);
			li = el(s, "li");
			if (v[i].thumb) {
				a = el(li, "a");
				attr(a, "href", v[i].href);
				a = el_class(a, "img", "thumb");
				attr(a, "src", v[i].thumb);
				attr(a, "alt", "");
			}
			a = el_class(li, "p", "article-title");
			if (v[i].href) {
				a = el(a, "a");
				attr(a, "href", v[i].href);
			}
			txt(a, v[i].title);
			if (v[i].author || v[i].date > 0 || v[i].note) {
				xmlNodePtr meta = el_class(li, "p", "article-meta");
				char when[32];

				txt(meta, v[i].author);
				if (v[i].date > 0) {
					site_date(v[i].date, false, when, sizeof when);
					if (v[i].author)
						txt(meta, " · ");
					txt(meta, when);
				}
				if (v[i].note) {
					if (v[i].author || v[i].date > 0)
						txt(meta, " · ");
					txt(meta, v[i].note);
				}
			}
		}
		newline(s);
	}
	if ((s = slot(doc, "generator"))) {
		char when[32];

		site_date((long long)o->now, false, when, sizeof when);
		txt(s, l->archived);
		txt(s, " ");
		txt(s, when);
		txt(s, ", ");
		txt(s, l->by_tool);
		if (back)
			index_link(s, l);
	}
	return serialise(doc, o->flavour, out, len, e);
}

int
render_index(const struct index_entry *v, size_t n, const struct render_opts *o,
    char **out, size_t *len, struct err *e)
{
	const struct labels *l = labels_for(o->lang);

	return render_listing(n == 1 ? v[0].title : l->library, l->library, NULL, v, n, false, o, out,
	    len, e);
}

int
render_series_page(const char *title, const char *summary, const struct index_entry *v, size_t n,
    const struct render_opts *o, char **out, size_t *len, struct err *e)
{
	return render_listing(title, title, summary, v, n, true, o, out, len, e);
}

void
render_global_init(void)
{
	xmlInitParser();
}

void
render_global_cleanup(void)
{
	xmlCleanupParser();
}

/* --- the generated cover ------------------------------------------------------ */

/*
 * SVG text does not wrap, so the title is broken into lines here, by an
 * estimate of each character's width: the reading system picks the font
 * (from a list of common CJK ones), so exact metrics are unknowable.
 */

#define COVER_W 600
#define COVER_H 900
#define COVER_FONTS "'Noto Sans CJK SC', 'Source Han Sans SC', 'Source Han Sans CN', " \
	"'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"

/* Decode one UTF-8 character at s (the model holds valid UTF-8); return its length. */
static size_t
utf8_next(const char *s, unsigned *cp)
{
	int len = (int)strnlen(s, 4);
	int c = xmlGetUTF8Char((const unsigned char *)s, &len);

	if (c < 0) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = (unsigned)c;
	return (size_t)len;
}

static bool
is_wide(unsigned c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || c >= 0x20000;
}

/* Width in em. */
static double
char_width(unsigned c)
{
	if (is_wide(c))
		return 1.0;
	if (c == ' ')
		return 0.3;
	if (c >= 'A' && c <= 'Z')
		return 0.68;
	if (c == 'i' || c == 'l' || c == 'j' || c == '.' || c == ',' || c == '\'' || c == '|')
		return 0.3;
	return 0.56;
}

/* Characters that may not begin a line (they stay with the one before). */
static bool
no_line_start(unsigned c)
{
	static const unsigned v[] = {
		0x3001, 0x3002, 0xff0c, 0xff0e, 0xff1a, 0xff1b, 0xff01, 0xff1f, 0xff09, 0x300d,
		0x300f, 0x3011, 0x300b, 0x3009, 0x3015, 0x201d, 0x2019, 0x2026, 0x30fc, 0xff5e,
		',', '.', ';', ':', '!', '?', ')', ']', '}', '%',
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] == c)
			return true;
	return false;
}

/* Characters that may not end a line (they go with the one after). */
static bool
no_line_end(unsigned c)
{
	static const unsigned v[] = {
		0xff08, 0x300c, 0x300e, 0x3010, 0x300a, 0x3008, 0x3014, 0x201c, 0x2018,
		'(', '[', '{',
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] == c)
			return true;
	return false;
}

struct cover_line {
	char *text;             /* owned */
	double width;           /* em */
};

/*
 * Break s into at most max lines of at most width em; when it does not fit,
 * the last line ends in an ellipsis.  Return the number of lines (the caller
 * frees each text).
 */
static size_t
break_lines(const char *s, double width, struct cover_line *v, size_t max, bool *cut)
{
	size_t n = 0, start = 0, last_break = 0, i = 0;
	double w = 0, w_at_break = 0;
	bool truncated = false, prev_word = false;
	unsigned prev = 0;

	while (s[i] == ' ')
		i++;
	start = last_break = i;
	while (s[i] && n < max) {
		unsigned c;
		size_t k = utf8_next(s + i, &c);
		double cw = char_width(c);
		bool word = !is_wide(c) && c != ' ';

		/* a break before c is allowed unless it splits a word or a punctuation rule says no */
		if (i > start && !(word && prev_word) && !no_line_start(c) && !no_line_end(prev)) {
			last_break = i;
			w_at_break = w;
		}
		if (w + cw > width && i > start) {
			size_t end = last_break > start ? last_break : i;
			double lw = last_break > start ? w_at_break : w;

			/* spaces at the break belong to neither line */
			while (end > start + 1 && s[end - 1] == ' ') {
				end--;
				lw -= char_width(' ');
			}
			v[n].text = xstrndup(s + start, end - start);
			v[n].width = lw;
			n++;
			i = end;
			while (s[i] == ' ')
				i++;
			start = last_break = i;
			w = w_at_break = 0;
			prev = 0;
			prev_word = false;
			continue;
		}
		w += cw;
		prev = c;
		prev_word = word;
		i += k;
	}
	if (n < max && i > start) {
		v[n].text = xstrndup(s + start, i - start);
		v[n].width = w;
		n++;
	}
	truncated = s[i] != '\0';
	if (cut)
		*cut = truncated;
	if (truncated && n > 0) {
		/* shorten the last line until the ellipsis fits */
		struct cover_line *l = &v[n - 1];
		size_t len = strlen(l->text);
		char *t;

		while (len > 0 && l->width + 1.0 > width) {
			size_t back = len - 1;
			unsigned c;

			while (back > 0 && ((unsigned char)l->text[back] & 0xc0) == 0x80)
				back--;
			utf8_next(l->text + back, &c);
			l->width -= char_width(c);
			len = back;
		}
		t = xasprintf("%.*s…", (int)len, l->text);
		free(l->text);
		l->text = t;
	}
	return n;
}

/* Set attribute k to v in whole units (the cover's coordinates). */
static void
attr_num(xmlNodePtr n, const char *k, double v)
{
	char num[32];

	snprintf(num, sizeof num, "%.0f", v);
	attr(n, k, num);
}

static xmlNodePtr
svg_text(xmlNodePtr parent, double x, double y, double size, const char *weight,
    const char *fill, const char *s)
{
	xmlNodePtr n = el(parent, "text");

	attr_num(n, "x", x);
	attr_num(n, "y", y);
	attr_num(n, "font-size", size);
	attr(n, "font-family", COVER_FONTS);
	attr(n, "text-anchor", "middle");
	if (weight)
		attr(n, "font-weight", weight);
	attr(n, "fill", fill);
	txt(n, s);
	return n;
}

static void
svg_rect(xmlNodePtr parent, int x, int y, int w, int h, const char *fill)
{
	xmlNodePtr n = el(parent, "rect");

	attr_num(n, "x", x);
	attr_num(n, "y", y);
	attr_num(n, "width", w);
	attr_num(n, "height", h);
	attr(n, "fill", fill);
}

int
render_cover_svg(const struct article *a, const struct render_opts *o, char **out, size_t *len,
    struct err *e)
{
	/* from the largest size down, the first at which the title fits (in fewer lines when large) */
	static const double sizes[] = { 60, 52, 46, 40, 34 };
	static const size_t max_lines[] = { 4, 5, 5, 6, 7 };
	const double text_w = COVER_W - 2 * 70;
	struct cover_line lines[7], who[1];
	size_t nl = 0, nw = 0;
	double size = sizes[0], y;
	xmlNodePtr root, n;
	xmlDocPtr doc = new_doc("svg", SVG_NS, &root);
	char box[32];

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		bool last = i + 1 == sizeof sizes / sizeof sizes[0], cut;

		size = sizes[i];
		nl = break_lines(a->title, text_w / size, lines, max_lines[i], &cut);
		if (last || !cut)
			break;
		for (size_t j = 0; j < nl; j++)
			free(lines[j].text);
		nl = 0;
	}
	attr(root, "version", "1.1");
	snprintf(box, sizeof box, "0 0 %d %d", COVER_W, COVER_H);
	attr(root, "viewBox", box);
	/* twice the view box: readers that rasterise at the nominal size get a sharp picture */
	attr_num(root, "width", COVER_W * 2);
	attr_num(root, "height", COVER_H * 2);
	xmlNodeSetLang(root, BAD_CAST o->lang);
	n = el(root, "title");
	txt(n, a->title);
	/* greys only, with strong contrast: it is read on e-ink first */
	svg_rect(root, 0, 0, COVER_W, COVER_H, "#f7f5ef");
	svg_rect(root, 0, 0, COVER_W, 18, "#222222");
	svg_rect(root, 0, COVER_H - 18, COVER_W, 18, "#222222");
	svg_rect(root, 70, 150, 90, 8, "#222222");
	y = 250 + size;
	for (size_t i = 0; i < nl; i++) {
		svg_text(root, COVER_W / 2.0, y, size, "bold", "#111111", lines[i].text);
		y += size * 1.3;
		free(lines[i].text);
	}
	if (a->author_name && *a->author_name) {
		nw = break_lines(a->author_name, text_w / 30, who, 1, NULL);
		if (nw) {
			/* y is one line below the title's last: at most 662, above the date */
			svg_text(root, COVER_W / 2.0, y - size * 1.3 + 90, 30, NULL, "#333333", who[0].text);
			free(who[0].text);
		}
	}
	if (a->pub_ts > 0) {
		char when[32];

		site_date(a->pub_ts, false, when, sizeof when);
		svg_text(root, COVER_W / 2.0, COVER_H - 120, 24, NULL, "#444444", when);
	}
	if (a->source_url && strncmp(a->source_url, "https://", 8) == 0)
		svg_text(root, COVER_W / 2.0, COVER_H - 80, 18, NULL, "#444444", a->source_url + 8);
	return serialise(doc, RENDER_EPUB, out, len, e);
}

/* --- relinking a library page ------------------------------------------------------ */

/* Set every <a href> under n that leads to a library page; return how many changed. */
static int
relink_tree(xmlNodePtr n, const struct links *l, const char *self)
{
	int changed = 0;

	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, BAD_CAST "a") == 0) {
			xmlChar *href = xmlGetProp(n, BAD_CAST "href");
			const char *local = href ? links_local(l, (const char *)href) : NULL;

			if (local && strcmp(local, self) != 0 && strcmp(local, (const char *)href) != 0) {
				xmlSetProp(n, BAD_CAST "href", BAD_CAST local);
				changed++;
			}
			xmlFree(href);
		}
		changed += relink_tree(n->children, l, self);
	}
	return changed;
}

int
render_relink(const char *page, size_t len, const struct links *l, const char *self,
    char **out, size_t *out_len, struct err *e)
{
	htmlDocPtr doc;
	xmlOutputBufferPtr ob;
	int changed;

	if (len > INT_MAX)
		return err_set(e, "the page is too large");
	doc = htmlReadMemory(page, (int)len, NULL, "UTF-8",
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return err_set(e, "not an HTML page");
	changed = relink_tree(xmlDocGetRootElement(doc), l, self);
	if (changed == 0) {
		xmlFreeDoc(doc);
		return 0;
	}
	/* the same serialiser as the page was written with (serialise()), so the rest stays */
	ob = xmlAllocOutputBuffer(NULL);
	if (ob == NULL) {
		xmlFreeDoc(doc);
		return err_set(e, "cannot serialise a page (out of memory)");
	}
	htmlDocContentDumpFormatOutput(ob, doc, "UTF-8", 0);
	xmlOutputBufferFlush(ob);
	*out_len = xmlOutputBufferGetSize(ob);
	*out = xstrndup((const char *)xmlOutputBufferGetContent(ob), *out_len);
	xmlOutputBufferClose(ob);
	xmlFreeDoc(doc);
	return 1;
}
