/*
 * Unit tests for cv.c (and html.c under it): the 专栏 article/view response
 * into the model.  Every HTML element and every delta insert and attribute
 * the mapping knows gets a case, written as a compact picture of the blocks
 * the parser made (see dump()); then hostile HTML, broken deltas and broken
 * envelopes; then the real responses in ../shared/samples/api/ when present.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cv.h"
#include "err.h"
#include "file.h"
#include "jsonval.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "tap.h"
#include "xalloc.h"

/* --- building responses ------------------------------------------------------------- */

/* Parse the n bytes at buf, then read them as cv.c does (one parse, the tree handed on). */
static struct article *
parse_bytes(const char *buf, size_t n, struct err *e)
{
	struct jsv *root = jsv_parse(buf, n, OPUS_MAX_DEPTH, e);
	struct article *a = root ? cv_parse(root, e) : NULL;

	jsv_free(root);
	return a;
}

static bool
is_view(const char *buf, size_t n)
{
	struct err e;
	struct jsv *root;
	bool yes;

	err_init(&e);
	root = jsv_parse(buf, n, OPUS_MAX_DEPTH, &e);
	yes = cv_is_article_view(root);
	jsv_free(root);
	return yes;
}

static void
json_quote(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			buf_addf(b, "\\%c", ch);
		else if (ch == '\n')
			buf_adds(b, "\\n");
		else if (ch < 0x20)
			buf_addf(b, "\\u%04x", ch);
		else
			buf_addc(b, (char)ch);
	}
	buf_addc(b, '"');
}

/* A whole article/view envelope with this content and type, and a little metadata. */
static char *
envelope(const char *content, int type)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "{\"code\":0,\"message\":\"0\",\"ttl\":1,\"data\":{\"id\":4242,\"title\":\"标题\","
	    "\"author\":{\"mid\":7,\"name\":\"作者\",\"face\":\"//i0.hdslb.com/bfs/face/a.jpg\"},"
	    "\"publish_time\":1519913233,\"ctime\":1,\"words\":321,\"summary\":\"摘要\","
	    "\"banner_url\":\"https://i0.hdslb.com/bfs/article/banner.jpg\","
	    "\"category\":{\"id\":15,\"name\":\"日常\",\"parent_id\":3},"
	    "\"categories\":[{\"id\":3,\"name\":\"生活\"},{\"id\":15,\"name\":\"日常\"}],"
	    "\"tags\":[{\"tid\":1,\"name\":\"标签一\"},{\"tid\":2,\"name\":\"标签二\"}],"
	    "\"list\":{\"id\":253534,\"name\":\"文集名\"},"
	    "\"stats\":{\"view\":10,\"favorite\":2,\"like\":3,\"dislike\":0,\"reply\":4,\"share\":5,"
	    "\"coin\":6,\"dynamic\":0},\"type\":");
	buf_addf(&b, "%d,\"content\":", type);
	json_quote(&b, content);
	buf_adds(&b, "}}");
	return buf_detach(&b, NULL);
}

/* --- a compact picture of the model ------------------------------------------------- */

static void
dump_runs(struct buf *b, const struct runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct run *x = &r->v[i];

		switch (x->kind) {
		case RUN_BREAK:
			buf_adds(b, "|");
			break;
		case RUN_TEXT:
			if (x->color[0])
				buf_addf(b, "{%s:", x->color);
			if (x->font_size)
				buf_addf(b, "<%d:", x->font_size);
			if (x->style & STYLE_BOLD)
				buf_adds(b, "*");
			if (x->style & STYLE_ITALIC)
				buf_adds(b, "/");
			if (x->style & STYLE_STRIKE)
				buf_adds(b, "~");
			if (x->style & STYLE_UNDERLINE)
				buf_adds(b, "_");
			buf_adds(b, x->text);
			if (x->style & STYLE_UNDERLINE)
				buf_adds(b, "_");
			if (x->style & STYLE_STRIKE)
				buf_adds(b, "~");
			if (x->style & STYLE_ITALIC)
				buf_adds(b, "/");
			if (x->style & STYLE_BOLD)
				buf_adds(b, "*");
			if (x->font_size)
				buf_adds(b, ">");
			if (x->color[0])
				buf_adds(b, "}");
			break;
		case RUN_LINK:
			buf_addf(b, "[%s](%s)", x->text, x->href ? x->href : "-");
			break;
		case RUN_FORMULA:
			buf_addf(b, "$%s$", x->text);
			break;
		default:
			buf_addf(b, "?%d:%s", x->kind, x->text ? x->text : "");
			break;
		}
	}
}

static const char *
align_name(enum align a)
{
	return a == ALIGN_CENTER ? "@c" : a == ALIGN_RIGHT ? "@r" : a == ALIGN_JUSTIFY ? "@j" : "";
}

static void dump_blocks(struct buf *b, const struct block *v, size_t n);

static void
dump_block(struct buf *b, const struct block *x)
{
	switch (x->kind) {
	case BLOCK_PARAGRAPH:
		buf_addf(b, "p%s(", align_name(x->align));
		dump_runs(b, &x->runs);
		buf_adds(b, ")");
		break;
	case BLOCK_HEADING:
		buf_addf(b, "h%d%s(", x->level, align_name(x->align));
		dump_runs(b, &x->runs);
		buf_adds(b, ")");
		break;
	case BLOCK_PICTURES:
		for (size_t i = 0; i < x->npics; i++)
			buf_addf(b, "img(%s;%s;%s;%dx%d)", x->pics[i].url, x->pics[i].alt ? x->pics[i].alt : "-",
			    x->pics[i].caption ? x->pics[i].caption : "-", x->pics[i].width,
			    x->pics[i].height);
		break;
	case BLOCK_QUOTE:
		buf_adds(b, "q(");
		dump_runs(b, &x->runs);
		dump_blocks(b, x->children, x->nchildren);
		buf_adds(b, ")");
		break;
	case BLOCK_LIST:
		buf_adds(b, x->ordered ? "ol[" : "ul[");
		for (size_t i = 0; i < x->nitems; i++) {
			buf_addf(b, "%s%d:", i ? ";" : "", x->items[i].level);
			if (x->items[i].order)
				buf_addf(b, "#%d:", x->items[i].order);
			dump_runs(b, &x->items[i].runs);
		}
		buf_adds(b, "]");
		break;
	case BLOCK_CODE:
		buf_addf(b, "code(%s:%s)", x->lang ? x->lang : "-", x->code);
		break;
	case BLOCK_DIVIDER:
		buf_addf(b, "hr(%s)", x->img_url ? x->img_url : "-");
		break;
	case BLOCK_CARD:
		buf_addf(b, "card(%s;%s;%s;%s)", x->card.kind, x->card.title,
		    x->card.url ? x->card.url : "-", x->card.cover ? x->card.cover : "-");
		break;
	default:
		buf_addf(b, "?%d", x->kind);
		break;
	}
}

static void
dump_blocks(struct buf *b, const struct block *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(b, " ");
		dump_block(b, &v[i]);
	}
}

/* Parse content of the type and return the picture of its blocks, or "ERROR: msg". */
static char *
map(const char *content, int type)
{
	char *doc = envelope(content, type);
	struct err e;
	struct article *a;
	struct buf b;

	err_init(&e);
	a = parse_bytes(doc, strlen(doc), &e);
	free(doc);
	buf_init(&b, 0);
	if (a == NULL) {
		buf_addf(&b, "ERROR: %s", e.msg);
		return buf_detach(&b, NULL);
	}
	dump_blocks(&b, a->blocks, a->nblocks);
	article_free(a);
	return buf_detach(&b, NULL);
}

static void
check(const char *content, int type, const char *want, const char *name)
{
	char *got = map(content, type);

	is_str(got, want, "%s", name);
	free(got);
}

/* Like check(), and the parse gives at least one warning (or none, when warns is false). */
static void
check_warn(const char *content, int type, const char *want, bool warns, const char *name)
{
	unsigned before = log_warnings();

	check(content, type, want, name);
	ok((log_warnings() > before) == warns, "%s: %s", name, warns ? "warns" : "no warning");
}

/* --- metadata and envelope ------------------------------------------------------------- */

static void
test_meta(void)
{
	char *doc = envelope("<p>x</p>", 0);
	struct err e;
	struct article *a;

	ok(is_view(doc, strlen(doc)), "an article/view response is recognised");
	err_init(&e);
	a = parse_bytes(doc, strlen(doc), &e);
	free(doc);
	if (!ok(a != NULL, "the envelope parses: %s", e.msg))
		return;
	is_str(a->id, "cv4242", "id is cv<N>");
	is_str(a->source_url, "https://www.bilibili.com/read/cv4242", "source is the read URL");
	is_str(a->title, "标题", "title");
	is_str(a->author_name, "作者", "author name");
	is_str(a->author_mid, "7", "author mid");
	is_str(a->author_url, "https://space.bilibili.com/7", "author link");
	is_str(a->author_face, "https://i0.hdslb.com/bfs/face/a.jpg", "avatar made https");
	ok(a->pub_ts == 1519913233, "publish_time, not ctime");
	ok(a->ntags == 2 && !strcmp(a->tags[1], "标签二"), "tags");
	is_str(a->category, "生活 / 日常", "category path from categories[]");
	is_str(a->collection_name, "文集名", "文集 (list) name");
	is_str(a->collection_id, "253534", "文集 id");
	is_str(a->summary, "摘要", "summary");
	ok(a->words == 321, "words");
	ok(a->view.known && a->view.count == 10 && a->like.count == 3 && a->coin.count == 6 &&
	    a->favorite.count == 2 && a->comment.count == 4 && a->forward.count == 5 &&
	    a->comment.known && a->forward.known, "stats: view like coin favorite reply share");
	ok(a->ntop == 1 && !strcmp(a->top[0].url, "https://i0.hdslb.com/bfs/article/banner.jpg"),
	    "banner_url is the top picture (the cover)");
	/* the bytes are the loader's to attach (cv.sh compares them in the book) */
	is_str(a->raw_name, "article-view", "named an article-view response");
	article_free(a);

	{
		const char *opus = "{\"code\":0,\"data\":{\"item\":{\"modules\":[]}}}";
		const char *fb = "{\"code\":0,\"data\":{\"fallback\":{\"id\":\"1\",\"type\":2}}}";

		ok(!is_view(opus, strlen(opus)), "an opus detail is not an article/view");
		ok(!is_view(fb, strlen(fb)), "a fallback reply is not an article/view");
		ok(!is_view("{", 1), "broken JSON is not an article/view");
	}
}

static void
test_envelope_errors(void)
{
	static const struct {
		const char *doc, *want, *name;
	} cases[] = {
		{ "{\"code\":-404,\"message\":\"啥都木有\",\"data\":null}", "API error -404: 啥都木有", "an API error" },
		{ "{\"code\":0,\"data\":null}", "no 'data'", "no data" },
		{ "[1,2]", "expected a JSON object", "not an object" },
		{ "{\"data\":{}}", "no 'code'", "no code" },
		{ "{\"code\":0,\"data\":{\"id\":\"x1\",\"content\":\"\"}}", "data.id: 'x1' is not a cv number", "a bad id" },
		{ "{\"code\":0,\"data\":{\"content\":\"<p>a</p>\"}}", "data.id: missing", "no id" },
		{ "{\"code\":0,\"data\":{\"id\":1,\"type\":0}}", "cv1: data.content: missing", "no content" },
		{ "{\"code\":0,\"data\":{\"id\":1,\"content\":5}}", "cv1: data.content: expected a string, got number", "content of the wrong type" },
		{ "{\"code\":0,\"data\":{\"id\":1,\"content\":\"\",\"author\":[]}}", "cv1: data.author: expected an object, got array", "author of the wrong type" },
		{ "{\"code\":0,\"data\":{\"id\":1,\"content\":\"\",\"tags\":[{\"name\":3}]}}", "cv1: data.tags[0].name: expected a string, got number", "a tag of the wrong type" },
		{ "{\"code\":0,\"data\":{\"id\":1,\"content\":\"\",\"stats\":{\"view\":\"many\"}}}", "cv1: data.stats.view: expected a number, got string", "a count of the wrong type" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct err e;
		struct article *a;

		err_init(&e);
		a = parse_bytes(cases[i].doc, strlen(cases[i].doc), &e);
		ok(a == NULL && strstr(e.msg, cases[i].want) != NULL, "%s: '%s'", cases[i].name, e.msg);
		article_free(a);
	}
}

/* --- HTML, element by element -------------------------------------------------------- */

static void
test_html_blocks(void)
{
	check("<p>一段</p><p>二段</p>", 0, "p(一段) p(二段)", "paragraphs");
	check("<p style=\"text-align: center;\">中</p><p style=\"text-align:right\">右</p>"
	    "<p style=\"text-align: justify\">齐</p>", 0, "p@c(中) p@r(右) p@j(齐)", "paragraph alignment");
	check("<h1>大标题</h1><p>x</p>", 0, "h1(大标题) p(x)", "h1 is a heading");
	check("<h2 style=\"text-align:center\">二</h2>", 0, "h2@c(二)", "h2 with alignment");
	check("<blockquote><p>引用一</p><p>引用二</p></blockquote>", 0, "q(p(引用一) p(引用二))",
	    "blockquote holds paragraphs");
	check("<blockquote>直接的字</blockquote>", 0, "q(p(直接的字))", "blockquote with bare text");
	check("<ul><li>甲</li><li>乙</li></ul>", 0, "ul[1:甲;1:乙]", "unordered list");
	check("<ol><li>一</li><li>二</li></ol>", 0, "ol[1:一;1:二]", "ordered list");
	check("<ol><li>一<ol><li>一之一</li></ol></li><li>二</li></ol>", 0,
	    "ol[1:一;2:一之一;1:二]", "nested list: levels");
	check("<ul><li><p>行一</p><p>行二</p></li></ul>", 0, "ul[1:行一|行二]",
	    "paragraphs in an item are lines");
	check("<hr><p>x</p>", 0, "hr(-) p(x)", "hr");
	check("<p>a<br>b</p>", 0, "p(a|b)", "br");
	check("<p><br></p><p>x</p>", 0, "p(x)", "a paragraph of nothing but a break is dropped");
	check("<p>a<br><br>b<br></p>", 0, "p(a||b)", "breaks inside stay, a trailing one goes");
	check("<p>  a \n  b  </p>", 0, "p(a b)", "white space collapses and is trimmed");
	check("<pre>  a\n    b</pre>", 0, "code(-:  a\n    b)", "pre keeps white space");
	check("<div><p>in div</p></div>bare", 0, "p(in div) p(bare)", "div and bare text");
	check("<center>中间</center>", 0, "p@c(中间)", "center");
}

static void
test_html_inline(void)
{
	check("<p><strong>粗</strong><b>粗</b></p>", 0, "p(*粗粗*)", "strong and b (merged)");
	check("<p><em>斜</em><i>斜</i></p>", 0, "p(/斜斜/)", "em and i");
	check("<p><span style=\"text-decoration: line-through;\">删</span></p>", 0, "p(~删~)",
	    "span with line-through");
	check("<p><s>删</s><del>删</del><strike>删</strike></p>", 0, "p(~删删删~)", "s, del, strike");
	check("<p><u>下</u></p>", 0, "p(_下_)", "u");
	check("<p><span class=\"font-size-20\">大字</span></p>", 0, "p(<20:大字>)", "font-size class");
	check("<p><span class=\"color-pink-03\">红</span><span class=\"color-blue-01\">蓝</span>"
	    "<span class=\"color-gray-02\">灰</span></p>", 0,
	    "p({#ee230d:红}{#56c1fe:蓝}{#929292:灰})", "colour classes");
	check("<p><span class=\"color-default\">默认</span><span class=\"color-nosuch-09\">怪</span></p>",
	    0, "p(默认怪)", "default and unknown colour classes give no colour");
	check("<p><span style=\"color: #AbC\">色</span></p>", 0, "p({#aabbcc:色})", "style colour");
	check("<p><span style=\"color: red; background: url(javascript:x)\">色</span></p>", 0,
	    "p(色)", "a colour that is no hex value is dropped");
	check("<p><strong><span class=\"color-pink-01 font-size-16\">组</span></strong></p>", 0,
	    "p({#ff968d:<16:*组*>})", "nested styles add up");
	check("<p>去 <a href=\"https://www.bilibili.com/read/cv1\">链接</a> 看</p>", 0,
	    "p(去 [链接](https://www.bilibili.com/read/cv1) 看)", "a link");
	check("<p><a href=\"//www.bilibili.com/video/av1\">相对</a></p>", 0,
	    "p([相对](https://www.bilibili.com/video/av1))", "a protocol-relative link becomes https");
	check("<p><a href=\"http://example.com/x\"><strong>粗链</strong></a></p>", 0,
	    "p([粗链](https://example.com/x))", "http becomes https; the words of the link stay");
	check("<p><code>x = 1</code></p>", 0, "p(x = 1)", "inline code keeps its text");
	check("<p>H<sub>2</sub>O x<sup>2</sup></p>", 0, "p(H2O x2)", "sub and sup keep their text");
}

static void
test_html_media(void)
{
	check("<figure class=\"img-box\"><img data-src=\"//i0.hdslb.com/bfs/article/p.jpg\" "
	    "width=\"640\" height=\"480\"><figcaption>图注</figcaption></figure>", 0,
	    "img(https://i0.hdslb.com/bfs/article/p.jpg;-;图注;640x480)",
	    "figure.img-box with img[data-src] and figcaption");
	check("<figure class=\"img-box\"><img src=\"https://i0.hdslb.com/bfs/article/q.png\" "
	    "alt=\"说明\"></figure>", 0, "img(https://i0.hdslb.com/bfs/article/q.png;说明;-;0x0)",
	    "img src when there is no data-src; alt kept");
	check("<p>前<img data-src=\"https://i0.hdslb.com/bfs/article/r.jpg\">后</p>", 0,
	    "p(前) img(https://i0.hdslb.com/bfs/article/r.jpg;-;-;0x0) p(后)",
	    "a picture inside a paragraph splits it");
	check("<figure><img class=\"cut-off-5\" data-src=\"//i0.hdslb.com/bfs/article/line.png\"></figure>",
	    0, "hr(https://i0.hdslb.com/bfs/article/line.png)", "img.cut-off is a divider picture");
	check("<img class=\"cut-off\">", 0, "hr(-)", "img.cut-off without a picture is a plain rule");
	check("<figure><img class=\"video-card nomal\" aid=\"170001\" "
	    "data-src=\"//i0.hdslb.com/bfs/article/card.png\"></figure>", 0,
	    "card(video;视频 170001;https://www.bilibili.com/video/av170001;"
	    "https://i0.hdslb.com/bfs/article/card.png)", "video card");
	check("<img class=\"video-card\" aid=\"BV1xx411c7mD,av2\">", 0,
	    "card(video;视频 BV1xx411c7mD;https://www.bilibili.com/video/BV1xx411c7mD;-) "
	    "card(video;视频 av2;https://www.bilibili.com/video/av2;-)",
	    "a video card with two ids: two cards");
	check("<img class=\"article-card\" aid=\"cv12\"><img class=\"music-card\" aid=\"au3\">"
	    "<img class=\"live-card\" aid=\"lv99\"><img class=\"caricature-card\" aid=\"mc5\">"
	    "<img class=\"fanju-card\" aid=\"28220978\"><img class=\"shop-card\" aid=\"8\">", 0,
	    "card(article;专栏 cv12;https://www.bilibili.com/read/cv12;-) "
	    "card(music;音频 au3;https://www.bilibili.com/audio/au3;-) "
	    "card(live;直播 lv99;https://live.bilibili.com/99;-) "
	    "card(caricature;漫画 mc5;https://manga.bilibili.com/detail/mc5;-) "
	    "card(fanju;番剧 28220978;https://www.bilibili.com/bangumi/media/md28220978;-) "
	    "card(shop;商品 8;-;-)", "article, music, live, caricature, fanju and shop cards");
	check("<img class=\"video-card\" aid=\"1;alert(1)\">", 0, "card(video;视频 1;alert(1);-;-)",
	    "a card id with odd characters makes no link");
	check_warn("<img class=\"mystery-card\" aid=\"1\">", 0, "card(mystery;mystery 1;-;-)", true,
	    "an unknown card kind");
	check("<figure class=\"code-box\"><pre class=\"language-c\" data-lang=\"language-c@1.0\" "
	    "codecontent=\"int%20main(void)%0A%7B%20return%200%3B%20%7D%3C%26%3E\">"
	    "<code>shown</code></pre></figure>", 0,
	    "code(c:int main(void)\n{ return 0; }<&>)", "code box: data-lang and percent-encoded codecontent");
	check("<figure class=\"code-box\"><pre data-lang=\"python\">print(1)\n  x</pre></figure>", 0,
	    "code(python:print(1)\n  x)", "code box without codecontent: the pre's text");
	check("<p>式 <img class=\"latex\" alt=\"E%3Dmc%5E2\"> 完</p>", 0, "p(式 $E=mc^2$ 完)",
	    "img.latex: the percent-encoded alt is the formula");
	check("<p><img class=\"latex\" alt=\"\\frac{a}{b}\"></p>", 0, "p($\\frac{a}{b}$)",
	    "img.latex with a plain alt");
}

/* --- hostile and broken HTML ------------------------------------------------------------ */

static void
test_html_hostile(void)
{
	check_warn("<p>before</p><script>alert('x')</script><p>after</p>", 0, "p(before) p(after)", true,
	    "script dropped, with a warning");
	check("<style>p{color:red}</style><p>x</p>", 0, "p(x)", "style dropped");
	check("<p onclick=\"evil()\" onload=\"evil()\">ok</p><img onload=\"evil()\" onerror=\"x()\" "
	    "src=\"https://i0.hdslb.com/bfs/article/e.jpg\">", 0,
	    "p(ok) img(https://i0.hdslb.com/bfs/article/e.jpg;-;-;0x0)", "event handlers are not kept");
	check("<p><a href=\"javascript:alert(1)\">点我</a> <a href=\"data:text/html,x\">数据</a> "
	    "<a href=\"vbscript:x\">v</a> <a>无</a></p>", 0, "p(点我 数据 v 无)",
	    "javascript:, data: and vbscript: links keep only their words");
	check("<p><a href=\" JaVaScRiPt:alert(1)\">混</a></p>", 0, "p(混)", "a mixed-case javascript: link");
	check("<iframe src=\"https://evil.example/\">框</iframe><p>x</p>", 0, "p(x)", "iframe dropped");
	check("<object data=\"x.swf\">o</object><embed src=\"x\"><p>x</p>", 0, "p(x)", "object and embed dropped");
	check("<form action=\"https://evil.example/\"><input value=\"v\"><button>按</button></form><p>x</p>",
	    0, "p(x)", "forms dropped");
	check("<img src=\"javascript:alert(1)\" alt=\"替代\">", 0, "p(替代)",
	    "a picture with a javascript: source keeps only its alt text");
	check("<img src=\"data:image/png;base64,AAAA\">", 0, "", "a data: picture is dropped");
	check("<link rel=\"stylesheet\" href=\"https://evil.example/x.css\"><meta http-equiv=\"refresh\" "
	    "content=\"0;url=https://evil.example/\"><p>x</p>", 0, "p(x)", "link and meta dropped");
	check("<svg><script>x</script><text>t</text></svg><p>x</p>", 0, "p(x)", "svg dropped");
	check("<table><tr><td>格一</td><td>格二</td></tr><tr><th>头</th><td><table><tr><td>内"
	    "</td></tr></table></td></tr></table>", 0, "p(格一 | 格二) p(*头*) p(内)",
	    "nested tables: rows become lines, no text lost");
	check("<p>未闭合<b>粗<i>斜<p>下一段", 0, "p(未闭合*粗**/斜/*) p(下一段)",
	    "unclosed tags are closed the way browsers close them");
	check("<p>&lt;script&gt; &amp; &quot;引号&quot; &#x4E2D;&#25991; &nbsp;空 &bogus;</p>", 0,
	    "p(<script> & \"引号\" 中文 \xc2\xa0空 &bogus;)", "entities decoded, unknown ones kept");
	check("<p>a&#0;b&#x1;c&#xD800;d&#xFFFF;e</p>", 0, "p(abcde)",
	    "character references XML forbids are dropped");
	check_warn("<p><blink>闪</blink><marquee>动</marquee></p>", 0, "p(闪动)", true,
	    "unknown elements keep their text, with a warning");
	check("", 0, "", "empty content");
	check("   \n  ", 0, "", "blank content");
	check("<!-- 注释 --><p>x<!-- 内 --></p>", 0, "p(x)", "comments are not text");
	check("<?php echo 1; ?><p>x</p>", 0, "p(x)", "processing instructions are not text");
	{
		/* 5000 nested divs and 3000 nested spans: no crash, the words survive */
		struct buf b;
		char *got;

		buf_init(&b, 0);
		for (int i = 0; i < 5000; i++)
			buf_adds(&b, "<div>");
		buf_adds(&b, "深处");
		for (int i = 0; i < 3000; i++)
			buf_adds(&b, "<span><b>");
		buf_adds(&b, "更深");
		got = map(buf_str(&b), 0);
		ok(strstr(got, "深处") && strstr(got, "更深") && strncmp(got, "ERROR", 5),
		    "deeply nested markup keeps its words (%.60s)", got);
		free(got);
		buf_release(&b);
	}
	{
		/* invalid UTF-8 inside the HTML is repaired, not passed on */
		char *got = map("<p>bad \xff\xfe bytes</p>", 0);

		is_str(got, "p(bad \xef\xbf\xbd\xef\xbf\xbd bytes)", "invalid UTF-8 in the HTML is repaired");
		free(got);
	}
}

/* --- Quill delta ---------------------------------------------------------------------------- */

static void
test_delta(void)
{
	check("{\"ops\":[{\"insert\":\"一行\\n二行\\n\"}]}", 3, "p(一行) p(二行)", "plain lines");
	check("{\"ops\":[{\"insert\":\"标题\"},{\"attributes\":{\"header\":2},\"insert\":\"\\n\"}]}", 3,
	    "h2(标题)", "header on the newline");
	check("{\"ops\":[{\"insert\":\"大\"},{\"attributes\":{\"header\":9},\"insert\":\"\\n\"}]}", 3,
	    "h5(大)", "header levels are clamped");
	check("{\"ops\":[{\"insert\":\"甲\"},{\"attributes\":{\"list\":\"bullet\"},\"insert\":\"\\n\"},"
	    "{\"insert\":\"乙\"},{\"attributes\":{\"list\":\"bullet\",\"indent\":1},\"insert\":\"\\n\"},"
	    "{\"insert\":\"一\"},{\"attributes\":{\"list\":\"ordered\"},\"insert\":\"\\n\"},"
	    "{\"insert\":\"二\"},{\"attributes\":{\"list\":\"ordered\"},\"insert\":\"\\n\"}]}", 3,
	    "ul[1:甲;2:乙] ol[1:一;1:二]", "bullet and ordered lists, indent");
	check("{\"ops\":[{\"insert\":\"引一\"},{\"attributes\":{\"blockquote\":true},\"insert\":\"\\n\"},"
	    "{\"insert\":\"引二\"},{\"attributes\":{\"blockquote\":true},\"insert\":\"\\n\"},"
	    "{\"insert\":\"正文\\n\"}]}", 3, "q(p(引一) p(引二)) p(正文)", "blockquote lines join one quote");
	check("{\"ops\":[{\"insert\":\"中\"},{\"attributes\":{\"align\":\"center\"},\"insert\":\"\\n\"},"
	    "{\"insert\":\"右\"},{\"attributes\":{\"align\":\"right\"},\"insert\":\"\\n\"}]}", 3,
	    "p@c(中) p@r(右)", "align");
	check("{\"ops\":[{\"insert\":\"粗\",\"attributes\":{\"bold\":true}},{\"insert\":\"斜\","
	    "\"attributes\":{\"italic\":true}},{\"insert\":\"删\",\"attributes\":{\"strike\":true}},"
	    "{\"insert\":\"色\",\"attributes\":{\"color\":\"#FF968D\"}},{\"insert\":\"\\n\"}]}", 3,
	    "p(*粗*/斜/~删~{#ff968d:色})", "bold, italic, strike, color");
	check("{\"ops\":[{\"insert\":\"链\",\"attributes\":{\"link\":\"https://www.bilibili.com/read/cv2\"}},"
	    "{\"insert\":\"坏\",\"attributes\":{\"link\":\"javascript:alert(1)\"}},{\"insert\":\"\\n\"}]}",
	    3, "p([链](https://www.bilibili.com/read/cv2)坏)", "links; a javascript: link keeps its words");
	check("{\"ops\":[{\"insert\":\"文\"},{\"attributes\":{\"class\":\"normal-img\"},\"insert\":"
	    "{\"native-image\":{\"alt\":\"read-normal-img\",\"url\":\"https://i0.hdslb.com/bfs/new_dyn/a.png\","
	    "\"width\":748,\"height\":494,\"size\":185239,\"status\":\"loaded\"}}},{\"insert\":\"后\\n\"}]}",
	    3, "p(文) img(https://i0.hdslb.com/bfs/new_dyn/a.png;-;-;748x494) p(后)",
	    "native-image (the placeholder alt is not kept)");
	check("{\"ops\":[{\"insert\":{\"cut-off\":{\"type\":\"1\",\"url\":\"//i0.hdslb.com/bfs/article/c.png\"}}}]}",
	    3, "hr(https://i0.hdslb.com/bfs/article/c.png)", "cut-off");
	check("{\"ops\":[{\"insert\":{\"video-card\":{\"id\":\"av170001\",\"url\":\"//i0.hdslb.com/bfs/article/v.jpg\","
	    "\"width\":1,\"height\":1,\"tid\":2}}},{\"insert\":{\"article-card\":{\"id\":\"cv5\"}}},"
	    "{\"insert\":{\"vote-card\":{\"id\":7}}},{\"insert\":{\"live-card\":{\"id\":\"lv8\"}}},"
	    "{\"insert\":{\"goods-card\":{\"id\":\"9\",\"url\":\"https://mall.bilibili.com/x\"}}},"
	    "{\"insert\":{\"mall-card\":{\"id\":\"10\"}}}]}", 3,
	    "card(video;视频 av170001;https://www.bilibili.com/video/av170001;https://i0.hdslb.com/bfs/article/v.jpg) "
	    "card(article;专栏 cv5;https://www.bilibili.com/read/cv5;-) "
	    "card(vote;投票 7;https://t.bilibili.com/vote/h5/index/#/result?vote_id=7;-) "
	    "card(live;直播 lv8;https://live.bilibili.com/8;-) "
	    "card(goods;商品 9;https://mall.bilibili.com/x;-) card(mall;商品 10;-;-)",
	    "video, article, vote, live, goods and mall cards");
	check("{\"ops\":[{\"insert\":\"a\"},{\"insert\":{\"formula\":\"x^2\"}},{\"insert\":\"\\n\"}]}", 3,
	    "p(a$x^2$)", "formula embed");
	check("{\"ops\":[{\"insert\":\"x=1\"},{\"attributes\":{\"code-block\":true},\"insert\":\"\\n\"},"
	    "{\"insert\":\"y=2\"},{\"attributes\":{\"code-block\":true},\"insert\":\"\\n\"}]}", 3,
	    "code(-:x=1\ny=2)", "code-block lines join one code block");
	check("{\"ops\":[{\"insert\":\"\\n\\n\\n\"},{\"insert\":\"x\\n\"}]}", 3, "p(x)",
	    "empty lines are the editor's spacing");
	check("{\"ops\":[{\"insert\":\"没有换行结尾\"}]}", 3, "p(没有换行结尾)", "a last line without its newline");
	check_warn("{\"ops\":[{\"insert\":{\"mystery\":{\"title\":\"谜\"}}},{\"insert\":\"\\n\"}]}", 3,
	    "p(谜)", true, "an unknown embed keeps its text, with a warning");
	check("[{\"insert\":\"bare array\\n\"}]", 3, "p(bare array)", "a bare ops array");
	check("{\"ops\":[{\"insert\":\"<script>x</script>\\n\"}]}", 3, "p(<script>x</script>)",
	    "markup in delta text is text");
}

static void
test_delta_broken(void)
{
	{
		char *got = map("not json", 3);

		ok(strstr(got, "cv4242: data.content: the delta (content type 3) is not JSON") != NULL,
		    "a delta that is not JSON: %s", got);
		free(got);
		got = map("{\"ops\":[{\"insert\":\"x\"}", 3);
		ok(strstr(got, "cv4242: data.content: the delta (content type 3) is not JSON: truncated") != NULL,
		    "a cut delta: %s", got);
		free(got);
	}
	{
		char *got = map("{\"ops\":[{\"insert\":5}]}", 3);

		is_str(got, "ERROR: cv4242: data.content.ops[0].insert: expected a string or an object, got number",
		    "an insert of the wrong type names its path");
		free(got);
	}
	{
		char *got = map("{\"ops\":[1]}", 3);

		is_str(got, "ERROR: cv4242: data.content.ops[0]: expected an object, got number", "an op that is no object");
		free(got);
	}
	{
		char *got = map("{\"ops\":[{\"insert\":\"x\",\"attributes\":[]}]}", 3);

		is_str(got, "ERROR: cv4242: data.content.ops[0].attributes: expected an object, got array",
		    "attributes of the wrong type");
		free(got);
	}
	{
		char *got = map("{\"ops\":{}}", 3);

		is_str(got, "ERROR: cv4242: data.content.ops: expected an array, got object", "ops that is no array");
		free(got);
	}
	{
		char *got = map("{}", 3);

		is_str(got, "ERROR: cv4242: data.content: the delta has no 'ops' array", "no ops");
		free(got);
	}
	check_warn("{\"ops\":[{\"retain\":3},{\"insert\":\"x\\n\"}]}", 3, "p(x)", true,
	    "an op without insert is skipped with a warning");
	check("{\"ops\":[{\"insert\":{\"native-image\":{\"url\":\"javascript:x\"}}},{\"insert\":\"y\\n\"}]}", 3,
	    "p(y)", "a native-image that is not a web address is left out");
	check("{\"ops\":[{\"insert\":{}},{\"insert\":\"y\\n\"}]}", 3, "p(y)", "an empty embed is skipped");
	{
		/* a delta nested past the depth limit is an error, not a crash */
		struct buf b;
		char *got;

		buf_init(&b, 0);
		buf_adds(&b, "{\"ops\":[{\"insert\":");
		for (int i = 0; i < 300; i++)
			buf_adds(&b, "{\"a\":");
		buf_adds(&b, "1");
		for (int i = 0; i < 300; i++)
			buf_adds(&b, "}");
		buf_adds(&b, "}]}");
		got = map(buf_str(&b), 3);
		ok(strncmp(got, "ERROR: cv4242: data.content: the delta", 38) == 0, "a delta nested too deep: %s", got);
		free(got);
		buf_release(&b);
	}
	/* a type the program does not know: told apart by the first character */
	check_warn("{\"ops\":[{\"insert\":\"d\\n\"}]}", 2, "p(d)", true, "an unknown type holding a delta");
	check_warn("<p>h</p>", 7, "p(h)", true, "an unknown type holding HTML");
}

/* --- the real responses ---------------------------------------------------------------------- */

static void
test_real(void)
{
	static const struct {
		const char *file;
		const char *first, *last;
		size_t min_blocks;
	} real[] = {
		{ "article_view_cv1_type0_html.json", "天空像是倾倒出的墨水", "越来越近，越来越亮", 11 },
		{ "article_view_cv41358718_type3_opus.json", "背景", "有改动, 原文地址", 14 },
	};
	const char *dir = OA_SOURCE_TEMPLATES "/../../shared/samples/api";

	for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
		char *path = xasprintf("%s/%s", dir, real[i].file);
		char *buf = NULL, *first = NULL, *last = NULL;
		size_t len;
		struct err e;
		struct article *a;

		err_init(&e);
		if (!file_exists(path)) {
			ok(1, "# SKIP %s is not present", real[i].file);
			free(path);
			continue;
		}
		if (file_read(path, 64u * 1024 * 1024, &buf, &len, &e) < 0) {
			ok(0, "%s: %s", real[i].file, e.msg);
			free(path);
			continue;
		}
		a = parse_bytes(buf, len, &e);
		if (a && a->nblocks >= real[i].min_blocks) {
			first = a->blocks[0].kind == BLOCK_LIST ? runs_plain_text(&a->blocks[0].items[0].runs) :
			    runs_plain_text(&a->blocks[0].runs);
			{
				const struct block *lb = &a->blocks[a->nblocks - 1];

				last = lb->kind == BLOCK_QUOTE && lb->nchildren ?
				    runs_plain_text(&lb->children[lb->nchildren - 1].runs) : runs_plain_text(&lb->runs);
			}
		}
		ok(a && first && last && strstr(first, real[i].first) && strstr(last, real[i].last),
		    "%s: parsed, %zu blocks, from '%s' to '%s'%s%s", real[i].file, a ? a->nblocks : 0,
		    real[i].first, real[i].last, a ? "" : ": ", a ? "" : e.msg);
		free(first);
		free(last);
		article_free(a);
		free(buf);
		free(path);
	}
}

/*
 * A paragraph of many spans of one style is one run: cv.c merges each piece
 * into the run before it.  Merging once made a new string of the whole run
 * for every piece (xasprintf("%s%s")), quadratic in the paragraph: 300 KB of
 * spans took 1.4 s, 1.2 MB 19 s.  The run now grows in place
 * (run_append_text).
 *
 * Why this is not flaky: the 20,000 spans below (1.2 MB of text, 2 MB of
 * HTML) take about 0.2 s of CPU to parse and map here on a loaded machine.
 * The budget is 5 s of this process's own CPU time (ITIMER_PROF, so other
 * work on the machine does not count against it), over 20 times what the
 * work needs; the quadratic merge copies N * N / 2 * 60 bytes = 12 GB for
 * this paragraph, about 19 s where it was measured, and cannot come in under
 * 5 s.  Under valgrind the budget is 250 s.
 */
#define SPANS_N 20000

static void
test_long_runs(void)
{
	static const char *const words[] = {
		"去年冬天搬了新家，书桌右上角一直空着。",
		"手机看时间要先解锁，买来的温湿度计又只能看室内。",
		"于是我花了两个周末，做了这个小东西。",
	};
	struct buf html, want;
	struct article *a;
	struct err e;
	char *doc;
	const struct run *x;
	double t0;

	buf_init(&html, 0);
	buf_init(&want, 0);
	buf_adds(&html, "<p>");
	for (int i = 0; i < SPANS_N; i++) {
		buf_addf(&html, "<span class=\"font-size-16\">%s </span>", words[i % 3]);
		buf_addf(&want, "%s ", words[i % 3]);
	}
	buf_adds(&html, "</p>");
	doc = envelope(html.data, 0);
	err_init(&e);
	t0 = cpu_seconds();
	cpu_budget(5.0, "a paragraph of 20,000 same-style spans");
	a = parse_bytes(doc, strlen(doc), &e);
	cpu_budget_end();
	/* the paragraph's last space is trimmed */
	want.data[--want.len] = '\0';
	x = a && a->nblocks == 1 && a->blocks[0].runs.n == 1 ? &a->blocks[0].runs.v[0] : NULL;
	ok(x && x->kind == RUN_TEXT && x->font_size == 16 && strcmp(x->text, want.data) == 0 &&
	    run_text_len(x) == want.len,
	    "20,000 same-style spans (%zu bytes) are one run holding their text in order (%.2f s CPU)",
	    want.len, cpu_seconds() - t0);
	article_free(a);
	free(doc);
	buf_release(&html);
	buf_release(&want);
}

int
main(void)
{
	log_set_level(LOG_QUIET);
	test_meta();
	test_envelope_errors();
	test_html_blocks();
	test_html_inline();
	test_html_media();
	test_html_hostile();
	test_delta();
	test_delta_broken();
	test_long_runs();
	test_real();
	return done_testing();
}
