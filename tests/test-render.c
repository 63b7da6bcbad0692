/*
 * Unit tests for render.c: hostile text stays text, lists nest from levels,
 * placeholders for missing pictures, the package documents.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "book.h"
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

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char *tdir = xasprintf("%s/templates", top ? top : "..");
	struct render_opts o = { tdir, "zh-CN", RENDER_EPUB, 1764300000 };
	struct article *a = make_article();
	struct assets t;
	struct toc toc = { 0 };
	struct err e;
	char *out = NULL;
	size_t len = 0;

	render_global_init();
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
	free(out);
	out = NULL;

	{
		struct book b;
		char *subjects[] = { "标签 <1>" };
		struct book_meta m = { "urn:uuid:x", hostile, "作者 & co", "zh-CN", 1743941902, 1764300000,
		    "https://www.bilibili.com/opus/42", subjects, 1, NULL, "cover-image", "文集 <&>" };
		struct book_item *it;

		book_init(&b);
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
			ok(strstr(out, "<meta refines=\"#collection\" property=\"collection-type\">set</meta>")
			    != NULL, "the collection is a set");
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
	toc_release(&toc);
	assets_release(&t);
	article_free(a);
	free(tdir);
	render_global_cleanup();
	return done_testing();
}
