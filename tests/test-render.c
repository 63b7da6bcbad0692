/*
 * Unit tests for render.c: hostile text stays text, lists nest from levels
 * (and list_nest_step(), the rule every writer of lists shares),
 * placeholders for missing pictures, the package documents, links to
 * archived articles, the user's stylesheet, readable colours, accessibility
 * metadata and the generated cover.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "book.h"
#include "links.h"
#include "model.h"
#include "render.h"
#include "tap.h"
#include "xalloc.h"

static const char *hostile = "AT&T <b>bold</b> \"q\" 'a' ]]> <script>alert(1)</script>";

static void
add_text(struct runs *r, const char *s)
{
	struct run *x = runs_push(r, RUN_TEXT);

	x->text = xstrdup(s);
}

static struct article *
make_article(void)
{
	struct article *a = article_new();
	struct block *b;
	struct run *x;
	int levels[] = { 1, 2, 2, 1, 3, 1 };
	int orders[] = { 1, 1, 2, 2, 1, 7 };

	a->id = xstrdup("42");
	a->title = xstrdup(hostile);
	a->author_name = xstrdup("<i>author</i>");
	a->source_url = xstrdup("https://www.bilibili.com/opus/42");
	a->pub_ts = 1743941902;
	b = article_push_block(a, BLOCK_PARAGRAPH);
	add_text(&b->runs, hostile);
	x = runs_push(&b->runs, RUN_LINK);
	x->text = xstrdup("link");
	x->href = xstrdup("https://x.com/?a=1&b=\"2\"");
	{
		/* links to this article (three ways), to its cv, and to another opus */
		static const char *urls[] = {
			"https://www.bilibili.com/opus/42", "https://t.bilibili.com/42?tab=2",
			"http://m.bilibili.com/opus/42", "https://www.bilibili.com/read/cv7",
			"https://www.bilibili.com/opus/43",
		};

		for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
			x = runs_push(&b->runs, RUN_LINK);
			x->text = xasprintf("L%zu", i);
			x->href = xstrdup(urls[i]);
		}
		x = runs_push(&b->runs, RUN_TEXT);
		x->text = xstrdup("pale");
		memcpy(x->color, "#999999", 8);
		x = runs_push(&b->runs, RUN_TEXT);
		x->text = xstrdup("dark");
		memcpy(x->color, "#123456", 8);
	}
	b = article_push_block(a, BLOCK_HEADING);
	b->level = 1;
	add_text(&b->runs, "第一节 & <二>");
	b = article_push_block(a, BLOCK_LIST);
	b->ordered = true;
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		struct list_item *it = block_push_item(b);

		it->level = levels[i];
		it->order = orders[i];
		add_text(&it->runs, "item");
	}
	b = article_push_block(a, BLOCK_CODE);
	b->lang = xstrdup("c");
	b->code = xstrdup("if (a < b && c > d) { puts(\"]]>\"); }\n    indented");
	b = article_push_block(a, BLOCK_PICTURES);
	block_push_picture(b)->url = xstrdup("https://i0.hdslb.com/bfs/missing.png");
	return a;
}

/*
 * Feed levels to list_nest_step(); return what each item did as a string:
 * 'o' opened a list, '=' joined one, then the depth after it.
 */
static void
nest_case(const int *levels, size_t n, const char *want, const char *name)
{
	struct list_nest nest = { 0 };
	char got[64] = "";

	for (size_t i = 0; i < n && strlen(got) + 3 < sizeof got; i++) {
		bool opened = list_nest_step(&nest, levels[i]);

		snprintf(got + strlen(got), sizeof got - strlen(got), "%c%d", opened ? 'o' : '=', nest.depth);
	}
	is_str(got, want, "list_nest_step: %s", name);
}

static void
nest_cases(void)
{
	static const int jumps[] = { 1, 3, 3, 1, 2 };
	static const int between[] = { 1, 3, 2, 1 };
	static const int below[] = { 2, 1, 2 };
	int deep[LIST_NEST_MAX + 2];

	nest_case(jumps, 5, "o1o2=2=1o2", "levels jump down and back");
	/* 2 after 3 under 1: the level-3 list goes on at level 2, no second list in the item */
	nest_case(between, 4, "o1o2=2=1", "a level between two open ones continues the deeper list");
	nest_case(below, 3, "o1o1o2", "a level above the outermost closes it and opens another");
	for (int i = 0; i < LIST_NEST_MAX + 2; i++)
		deep[i] = i + 1;
	{
		struct list_nest nest = { 0 };
		int opened = 0;

		for (size_t i = 0; i < sizeof deep / sizeof deep[0]; i++)
			opened += list_nest_step(&nest, deep[i]);
		ok(opened == LIST_NEST_MAX && nest.depth == LIST_NEST_MAX,
		    "list_nest_step: past LIST_NEST_MAX items join the deepest list");
	}
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char *tdir = xasprintf("%s/templates", top ? top : "..");
	struct links links;
	struct render_opts o = { tdir, "zh-CN", RENDER_EPUB, 1764300000, "user.css", &links };
	struct article *a = make_article();
	struct assets t;
	struct toc toc = { 0 };
	struct err e;
	char *out = NULL;
	size_t len = 0;

	render_global_init();
	nest_cases();
	links_init(&links);
	links_add(&links, INPUT_OPUS, "42", "opus-42.xhtml");
	links_add(&links, INPUT_CV, "7", "opus-42.xhtml");
	assets_init(&t);
	assets_add(&t, "https://i0.hdslb.com/bfs/missing.png")->state = ASSET_MISSING;
	err_init(&e);
	ok(render_article(a, &t, "opus-42.xhtml", &o, &toc, &out, &len, &e) == 0, "article renders (%s)", e.msg);
	if (out) {
		ok(strstr(out, "<script>") == NULL, "no <script> element made from text");
		ok(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL, "markup in text is escaped");
		ok(strstr(out, "AT&amp;T &lt;b&gt;bold&lt;/b&gt;") != NULL, "ampersand and tags escaped in the title");
		ok(strstr(out, "]]&gt;") != NULL, "]]> escaped");
		ok(strstr(out, "href=\"https://x.com/?a=1&amp;b=&quot;2&quot;\"") != NULL, "attribute value escaped");
		ok(strstr(out, "&lt;i&gt;author&lt;/i&gt;") != NULL, "author escaped");
		ok(strstr(out, "<h2 id=\"h1\">第一节 &amp; &lt;二&gt;</h2>") != NULL, "heading level 1 is h2 with an id");
		ok(strstr(out, "<ol><li>item<ol><li>item</li><li>item</li></ol></li><li>item<ol><li>item</li></ol></li><li value=\"7\">item</li></ol>") != NULL,
		    "list nesting rebuilt from levels, numbers kept");
		if (strstr(out, "<ol") && strstr(out, "</ol>\n"))
			printf("# %.*s\n", (int)(strstr(out, "</ol>\n") + 5 - strstr(out, "<ol")), strstr(out, "<ol"));
		ok(strstr(out, "<pre class=\"code\"><code class=\"language-c\">if (a &lt; b &amp;&amp; c &gt; d) { puts(\"]]&gt;\"); }\n    indented</code></pre>") != NULL,
		    "code keeps whitespace, escaped once");
		ok(strstr(out, "class=\"missing\"") && strstr(out, "<a href=\"https://i0.hdslb.com/bfs/missing.png\">"),
		    "missing picture becomes a placeholder linking the original");
		ok(strstr(out, "data-oa") == NULL, "no slot markers left");
		ok(strstr(out, "xml:lang=\"zh-CN\" lang=\"zh-CN\"") != NULL, "language on the root");
		ok(toc.n == 2 && toc.v[1].level == 2 && strcmp(toc.v[1].href, "opus-42.xhtml#h1") == 0,
		    "toc: title and the heading");
		ok(strstr(out, "<a href=\"opus-42.xhtml\">L0</a><a href=\"opus-42.xhtml\">L1</a>"
		    "<a href=\"opus-42.xhtml\">L2</a><a href=\"opus-42.xhtml\">L3</a>") != NULL,
		    "links to the article itself (opus, dynamic, mobile, cv) lead to its page");
		ok(strstr(out, "<a href=\"https://www.bilibili.com/opus/43\">L4</a>") != NULL,
		    "a link to an article not archived stays on the web");
		ok(strstr(out, "[图片未能存档: 图片 1]") != NULL, "a picture without caption is \"图片 N\"");
		ok(strstr(out, "style=\"color: #999999\"") == NULL && strstr(out, "color: #123456") != NULL,
		    "pale colours are darkened, dark ones kept");
		{
			const char *css = strstr(out, "href=\"style.css\"");
			const char *user = strstr(out, "href=\"user.css\"");

			ok(css && user && user > css, "the user's stylesheet is linked after ours");
		}
		ok(strstr(out, "role=\"doc-chapter\"") != NULL, "the chapter has its ARIA role");
	}
	free(out);
	out = NULL;

	o.flavour = RENDER_SITE;
	ok(render_article(a, &t, "42.html", &o, NULL, &out, &len, &e) == 0, "site page renders");
	if (out) {
		ok(strncmp(out, "<!DOCTYPE html>", 15) == 0, "site page starts with the HTML doctype");
		ok(strstr(out, "<br/>") == NULL && strstr(out, "</meta>") == NULL && strstr(out, "<meta charset=\"utf-8\">") != NULL,
		    "HTML syntax for void elements");
		ok(strstr(out, "&lt;script&gt;") != NULL && strstr(out, "<script>") == NULL, "escaped in HTML too");
	}
	if (out) {
		/*
		 * Relinking a library page: opus 43 joins the library after the page
		 * was written.  Only its link changes; every other byte stays (the
		 * tree is serialised as the page was), and the page's own addresses
		 * are left alone.
		 */
		struct links later;
		char *fixed = NULL, *want;
		size_t flen = 0;
		const char *web = "https://www.bilibili.com/opus/43";
		const char *at = strstr(out, web);

		links_init(&later);
		links_add(&later, INPUT_OPUS, "43", "43-&-more.html");
		links_add(&later, INPUT_OPUS, "42", "42.html");
		want = at ? xasprintf("%.*s43-&amp;-more.html%s", (int)(at - out), out, at + strlen(web)) : NULL;
		ok(render_relink(out, len, &later, "42.html", &fixed, &flen, &e) == 1 && want &&
		    strcmp(fixed, want) == 0 && flen == strlen(want),
		    "relinking changes the link to the article that joined, and no other byte");
		free(fixed);
		fixed = NULL;
		links_release(&later);
		links_init(&later);
		links_add(&later, INPUT_OPUS, "44", "44.html");
		ok(render_relink(out, len, &later, "42.html", &fixed, &flen, &e) == 0 && fixed == NULL,
		    "relinking a page with no link to a new article changes nothing");
		links_release(&later);
		free(want);
	}
	free(out);
	out = NULL;
	o.lang = "en";
	ok(render_article(a, &t, "42.html", &o, NULL, &out, &len, &e) == 0 && strstr(out, "Picture 1]"),
	    "in English the default alternative text is \"Picture N\"");
	free(out);
	out = NULL;
	o.lang = "zh-CN";
	o.flavour = RENDER_EPUB;

	{
		char c[8];
		double l;
		unsigned r, g, bl;

		render_readable_color("#999999", c);
		sscanf(c + 1, "%2x%2x%2x", &r, &g, &bl);
		ok(r == g && g == bl && r < 0x78, "grey #999999 becomes a darker grey (%s)", c);
		render_readable_color("#fb7299", c);
		sscanf(c + 1, "%2x%2x%2x", &r, &g, &bl);
		ok(r > g && bl > g, "pink keeps its hue (%s)", c);
		/* contrast with white of at least 4.5 means a relative luminance of at most 0.1833 */
		l = 0.2126 * (r / 255.0 > 0.04045 ? pow((r / 255.0 + 0.055) / 1.055, 2.4) : r / 255.0 / 12.92) +
		    0.7152 * (g / 255.0 > 0.04045 ? pow((g / 255.0 + 0.055) / 1.055, 2.4) : g / 255.0 / 12.92) +
		    0.0722 * (bl / 255.0 > 0.04045 ? pow((bl / 255.0 + 0.055) / 1.055, 2.4) : bl / 255.0 / 12.92);
		ok(1.05 / (l + 0.05) >= 4.5, "and reaches 4.5:1 against white (%.2f)", 1.05 / (l + 0.05));
		render_readable_color("#000000", c);
		is_str(c, "#000000", "black stays black");
		render_readable_color("#ffffff", c);
		sscanf(c + 1, "%2x%2x%2x", &r, &g, &bl);
		ok(r == g && g == bl && r <= 0x76, "white text becomes a readable grey (%s)", c);
	}
	{
		struct article *c = article_new();
		char *svg;

		c->id = xstrdup("42");
		c->title = xstrdup(hostile);
		c->author_name = xstrdup("<i>author</i> & co");
		c->source_url = xstrdup("https://www.bilibili.com/opus/42");
		ok(render_cover_svg(c, &o, &svg, &len, &e) == 0, "generated cover renders");
		ok(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"") && strstr(svg, "viewBox=\"0 0 600 900\""),
		    "generated cover is SVG");
		ok(strstr(svg, "<script>") == NULL && strstr(svg, "&lt;script&gt;") && strstr(svg, "&lt;i&gt;author&lt;/i&gt; &amp; co"),
		    "title and author are escaped text in the SVG");
		ok(strstr(svg, "xml:lang=\"zh-CN\"") != NULL, "the SVG says its language");
		free(svg);
		free(c->title);
		c->title = xstrdup("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
		ok(render_cover_svg(c, &o, &svg, &len, &e) == 0 && strstr(svg, "…</text>") != NULL,
		    "a title too long for the cover ends in an ellipsis");
		{
			size_t lines = 0;

			for (const char *p = svg; (p = strstr(p, "font-weight=\"bold\"")); p++)
				lines++;
			ok(lines == 7, "and fills seven lines (%zu)", lines);
		}
		free(svg);
		free(c->title);
		c->title = xstrdup("短标题 short");
		ok(render_cover_svg(c, &o, &svg, &len, &e) == 0 && strstr(svg, ">短标题 short</text>"),
		    "a short title stays on one line");
		free(svg);
		free(c->title);
		/* wherever the lines break, none may begin with "，" nor end with "「" or a space */
		c->title = xstrdup("一，二「三」一，二「三」一，二「三」一，二「三」一，二「三」一，二「三」"
		    "一，二「三」一，二「三」一，二「三」");
		ok(render_cover_svg(c, &o, &svg, &len, &e) == 0 && strstr(svg, "\">，") == NULL &&
		    strstr(svg, "「</text>") == NULL && strstr(svg, "</text><text") != NULL,
		    "lines break by the rules: no comma first, no opening bracket last");
		free(svg);
		free(c->title);
		c->title = xstrdup("wordword wordword wordword wordword wordword wordword wordword");
		ok(render_cover_svg(c, &o, &svg, &len, &e) == 0 && strstr(svg, " </text>") == NULL &&
		    strstr(svg, ">wordword wordword</text>") != NULL && strstr(svg, ">ordword") == NULL,
		    "words stay whole, no space ends a line");
		free(svg);
		svg = NULL;
		ok(render_cover(c, NULL, "cover.svg", &o, &svg, &len, &e) == 0 &&
		    strstr(svg, "<img class=\"drawn\" src=\"cover.svg\" alt=\"封面：wordword wordword wordword wordword wordword wordword wordword — &lt;i&gt;author&lt;/i&gt; &amp; co\" role=\"doc-cover\"/>"),
		    "the cover page shows the generated cover, its text as the alternative (%s)", e.msg);
		free(svg);
		article_free(c);
	}

	{
		struct book b = { 0 };
		char *subjects[] = { "标签 <1>" };
		struct book_meta m = { "urn:uuid:x", hostile, "作者 & co", "zh-CN", 1743941902, 1764300000,
		    "https://www.bilibili.com/opus/42", subjects, 1, NULL, "cover-image", "文集 <&>", 7 };
		struct book_item *it;

		it = book_add_data(&b, "opus-42.xhtml", "application/xhtml+xml", "article", xstrdup(""), 0);
		it->spine = true;
		it = book_add_file(&b, "images/a.png", "image/png", "cover-image", "/nonexistent");
		it->properties = xstrdup("cover-image");
		ok(render_opf(&m, &b, "ncx", &out, &len, &e) == 0, "package document renders");
		if (out) {
			ok(strstr(out, "<dc:title>AT&amp;T &lt;b&gt;") != NULL, "title escaped in the OPF");
			ok(strstr(out, "<meta property=\"dcterms:modified\">2025-11-28T03:20:00Z</meta>") != NULL,
			    "dcterms:modified without fractions");
			ok(strstr(out, "<dc:date>2025-04-06T12:18:22Z</dc:date>") != NULL, "dc:date in UTC");
			ok(strstr(out, "<dc:subject>标签 &lt;1&gt;</dc:subject>") != NULL, "subjects");
			ok(strstr(out, "<itemref idref=\"article\"/>") != NULL, "spine");
			ok(strstr(out, "properties=\"cover-image\"") != NULL, "cover image property");
			ok(strstr(out, "<meta property=\"belongs-to-collection\" id=\"collection\">"
			    "文集 &lt;&amp;&gt;</meta>") != NULL, "belongs-to-collection, escaped");
			ok(strstr(out, "<meta refines=\"#collection\" property=\"collection-type\">series</meta>")
			    != NULL, "the collection is a series");
			ok(strstr(out, "<meta refines=\"#collection\" property=\"group-position\">7</meta>")
			    != NULL, "the book's place in the series");
			ok(strstr(out, "<meta name=\"calibre:series\" content=\"文集 &lt;&amp;&gt;\"/>") &&
			    strstr(out, "<meta name=\"calibre:series_index\" content=\"7\"/>"),
			    "calibre's series and index, escaped");
			ok(strstr(out, "<meta name=\"cover\" content=\"cover-image\"/>") != NULL,
			    "EPUB 2 cover meta for older readers and Kindle");
			ok(strstr(out, "<meta property=\"schema:accessMode\">textual</meta>") &&
			    strstr(out, "<meta property=\"schema:accessMode\">visual</meta>") &&
			    strstr(out, "<meta property=\"schema:accessModeSufficient\">textual,visual</meta>") &&
			    strstr(out, "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>") &&
			    strstr(out, "<meta property=\"schema:accessibilityHazard\">none</meta>") &&
			    strstr(out, "<meta property=\"schema:accessibilitySummary\">"),
			    "schema.org accessibility metadata");
		}
		free(out);
		out = NULL;
		book_release(&b);
	}
	ok(render_ncx("T & <x>", "urn:uuid:x", &toc, &out, &len, &e) == 0 &&
	    strstr(out, "<navPoint id=\"np1\" playOrder=\"1\">") && strstr(out, "<navPoint id=\"np2\" playOrder=\"2\">"),
	    "NCX nests the heading under the title");
	free(out);
	out = NULL;
	{
		struct render_opts bad = o;

		bad.templates = "/nonexistent";
		ok(render_article(a, &t, "x.html", &bad, NULL, &out, &len, &e) < 0 &&
		    strstr(e.msg, "template '/nonexistent/article.xhtml'"), "a missing template is a clear error: %s", e.msg);
	}
	links_release(&links);
	toc_release(&toc);
	assets_release(&t);
	article_free(a);
	free(tdir);
	render_global_cleanup();
	return done_testing();
}
