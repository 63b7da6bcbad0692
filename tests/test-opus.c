/*
 * Unit tests for opus.c: the opus detail response into the model.  Each
 * paragraph, node and rich type in the data reference gets a case; the real
 * responses in ../shared/samples/api/ are parsed too when they are there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "file.h"
#include "jsonval.h"
#include "log.h"
#include "model.h"
#include "opus.h"
#include "tap.h"
#include "xalloc.h"

#define ENVELOPE_HEAD "{\"code\":0,\"message\":\"0\",\"ttl\":1,\"data\":{\"item\":{" \
	"\"basic\":{\"comment_type\":12,\"rid_str\":\"777\",\"title\":\"T - 哔哩哔哩\"}," \
	"\"id_str\":\"1234567890123456789\",\"type\":1,\"modules\":["
#define MOD_TITLE "{\"module_type\":\"MODULE_TYPE_TITLE\",\"module_title\":{\"text\":\"标题\"}}"
#define MOD_AUTHOR "{\"module_type\":\"MODULE_TYPE_AUTHOR\",\"module_author\":{\"name\":\"作者\"," \
	"\"mid\":42,\"face\":\"http://i0.hdslb.com/bfs/face/f.jpg\",\"pub_ts\":1743941902," \
	"\"pub_time\":\"2025年04月06日 20:18\"}}"

/* Parse the n bytes at buf, then read them as opus.c does (one parse, the tree handed on). */
static enum opus_result
parse_bytes(const char *buf, size_t n, struct article **a, char **cv, struct err *e)
{
	struct jsv *root = jsv_parse(buf, n, OPUS_MAX_DEPTH, e);
	enum opus_result r;

	if (root == NULL) {
		*a = NULL;
		*cv = NULL;
		return OPUS_ERROR;
	}
	r = opus_parse(root, a, cv, e);
	jsv_free(root);
	return r;
}

static char *
doc_with(const char *modules)
{
	return xasprintf(ENVELOPE_HEAD "%s]}}}", modules);
}

/* Parse a document whose content module holds paras (a JSON array body). */
static struct article *
parse_paras(const char *paras, struct err *e)
{
	char *mods = xasprintf(MOD_TITLE "," MOD_AUTHOR ",{\"module_type\":\"MODULE_TYPE_CONTENT\","
	    "\"module_content\":{\"paragraphs\":[%s]}}", paras);
	char *d2 = doc_with(mods);
	struct article *a = NULL;
	char *cv = NULL;

	err_init(e);
	if (parse_bytes(d2, strlen(d2), &a, &cv, e) != OPUS_OK)
		a = NULL;
	free(cv);
	free(mods);
	free(d2);
	return a;
}

static const char *
word(const char *s)
{
	/* a few buffers in turn, so one call's result survives the next ones in an argument list */
	static char bufs[4][512];
	static int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, sizeof bufs[0], "{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"%s\","
	    "\"font_size\":17,\"style\":{}}}", s);
	return buf;
}

static void
test_envelope(void)
{
	struct article *a = NULL;
	struct err e;
	char *cv = NULL;
	const char *doc;
	char *d2;
	enum opus_result r;

	err_init(&e);
	doc = "{\"code\":-404,\"message\":\"啥都木有\",\"ttl\":1,\"data\":null}";
	r = parse_bytes(doc, strlen(doc), &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "API error -404: 啥都木有"), "API code is an error naming code and message: %s", e.msg);

	err_init(&e);
	r = parse_bytes("{\"code\":0,\"data\":{\"item\"", 24, &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "truncated"), "truncated JSON: %s", e.msg);

	err_init(&e);
	r = parse_bytes("", 0, &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "empty"), "empty input: %s", e.msg);

	err_init(&e);
	r = parse_bytes("[1,2]", 5, &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "expected a JSON object"), "array at the top: %s", e.msg);

	err_init(&e);
	r = parse_bytes("{\"code\":0} x", 12, &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "after the document"), "trailing data: %s", e.msg);

	err_init(&e);
	r = parse_bytes("{\"code\":0,\"data\":{\"fallback\":{\"id\":\"34646640\",\"type\":2}}}", 57, &a, &cv, &e);
	ok(r == OPUS_FALLBACK && cv && strcmp(cv, "34646640") == 0, "fallback gives the cv id");
	free(cv);
	cv = NULL;

	err_init(&e);
	r = parse_bytes("{\"code\":0,\"data\":{\"fallback\":{\"id\":34646640,\"type\":2}}}", 55, &a, &cv, &e);
	ok(r == OPUS_FALLBACK && cv && strcmp(cv, "34646640") == 0, "fallback id as a number too");
	free(cv);
	cv = NULL;

	err_init(&e);
	d2 = xasprintf("{\"code\":0,\"data\":{\"item\":{\"id_str\":\"1\",\"modules\":{}}}}");
	r = parse_bytes(d2, strlen(d2), &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "data.item.modules: expected an array, got object"),
	    "wrong type names its path: %s", e.msg);
	free(d2);

	err_init(&e);
	d2 = xasprintf("{\"code\":0,\"data\":{\"item\":{\"id_str\":\"../etc\",\"modules\":[]}}}");
	r = parse_bytes(d2, strlen(d2), &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "not an opus id"), "hostile id refused: %s", e.msg);
	free(d2);

	err_init(&e);
	d2 = doc_with(MOD_TITLE "," MOD_AUTHOR);
	r = parse_bytes(d2, strlen(d2), &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "no MODULE_TYPE_CONTENT"), "missing content module: %s", e.msg);
	free(d2);

	err_init(&e);
	d2 = doc_with("{\"module_type\":\"MODULE_TYPE_TITLE\",\"module_title\":{\"text\":5}}");
	r = parse_bytes(d2, strlen(d2), &a, &cv, &e);
	ok(r == OPUS_ERROR && strstr(e.msg, "opus 1234567890123456789: data.item.modules[0].module_title.text: expected a string, got number"),
	    "a number for the title: %s", e.msg);
	free(d2);
}

static void
test_basics(void)
{
	struct err e;
	char *p = xasprintf("{\"para_type\":1,\"text\":{\"nodes\":[%s]}}", word("你好"));
	struct article *a = parse_paras(p, &e);

	free(p);

	ok(a != NULL, "minimal article parses (%s)", e.msg);
	if (a == NULL)
		return;
	is_str(a->id, "1234567890123456789", "19-digit id kept as a string");
	is_str(a->title, "标题", "title from MODULE_TYPE_TITLE");
	is_str(a->author_name, "作者", "author name");
	is_str(a->author_mid, "42", "author mid (a number in the API)");
	is_str(a->author_face, "https://i0.hdslb.com/bfs/face/f.jpg", "avatar upgraded to https");
	ok(a->pub_ts == 1743941902, "publish time from pub_ts");
	is_str(a->cv_id, "777", "cv id behind an article-type opus");
	is_str(a->source_url, "https://www.bilibili.com/opus/1234567890123456789", "source URL");
	/* the bytes are the loader's to attach (samples.sh compares them in the book) */
	is_str(a->raw_name, "opus-detail", "named an opus-detail response");
	article_free(a);
}

static void
test_words(void)
{
	struct err e;
	struct article *a = parse_paras(
	    "{\"para_type\":1,\"align\":1,\"text\":{\"nodes\":["
	    "{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"粗\",\"font_size\":17,\"style\":{\"bold\":true,\"italic\":true}}},"
	    "{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"删\",\"style\":{\"strikethrough\":true,\"underline\":true},\"color\":\"#FF968D\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"a\\nb\",\"style\":{},\"color\":null}},"
	    "{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"x\",\"color\":\"red;background:url(x)\"}}"
	    "]}}", &e);
	log_set_level(LOG_NORMAL);
	const struct runs *r;

	ok(a && a->nblocks == 1, "one paragraph (%s)", e.msg);
	if (!a)
		return;
	r = &a->blocks[0].runs;
	ok(a->blocks[0].kind == BLOCK_PARAGRAPH && a->blocks[0].align == ALIGN_CENTER, "paragraph, centred");
	ok(r->n == 6, "runs: bold, strike, a, break, b, x (%zu)", r->n);
	if (r->n == 6) {
		ok(r->v[0].style == (STYLE_BOLD | STYLE_ITALIC), "bold italic");
		ok(r->v[1].style == (STYLE_STRIKE | STYLE_UNDERLINE), "strikethrough underline");
		is_str(r->v[1].color, "#ff968d", "colour normalised");
		ok(r->v[3].kind == RUN_BREAK, "newline becomes a line break");
		is_str(r->v[5].color, "", "a colour that is not #rrggbb is dropped");
	}
	article_free(a);
}

static void
test_headings(void)
{
	struct err e;
	char *paras = xasprintf(
	    "{\"para_type\":8,\"format\":{\"align\":0,\"indent\":null},\"heading\":{\"level\":2,\"nodes\":[%s]}},"
	    "{\"para_type\":1,\"text\":{\"nodes\":[{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"旧标题\",\"font_size\":24,\"style\":{\"bold\":true}}}]}},"
	    "{\"para_type\":1,\"text\":{\"nodes\":[{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"小标题\",\"font_size\":22,\"style\":{\"bold\":true}}}]}},"
	    "{\"para_type\":1,\"text\":{\"nodes\":[{\"type\":\"TEXT_NODE_TYPE_WORD\",\"word\":{\"words\":\"粗体正文\",\"font_size\":17,\"style\":{\"bold\":true}}}]}}",
	    word("二级"));
	struct article *a = parse_paras(paras, &e);

	free(paras);
	ok(a && a->nblocks == 4, "four blocks (%s)", e.msg);
	if (!a)
		return;
	ok(a->blocks[0].kind == BLOCK_HEADING && a->blocks[0].level == 2, "para_type 8 heading level 2");
	ok(a->blocks[1].kind == BLOCK_HEADING && a->blocks[1].level == 1, "legacy bold 24 is a level-1 heading");
	ok(a->blocks[2].kind == BLOCK_HEADING && a->blocks[2].level == 2, "legacy bold 22 is a level-2 heading");
	ok(a->blocks[3].kind == BLOCK_PARAGRAPH, "bold body text stays a paragraph");
	article_free(a);
}

static void
test_blocks(void)
{
	struct err e;
	char *paras = xasprintf(
	    "{\"para_type\":2,\"pic\":{\"pics\":[{\"url\":\"http://i0.hdslb.com/bfs/a.png\",\"width\":null,\"height\":null,\"size\":null},"
	    "{\"url\":\"https://i0.hdslb.com/bfs/b.jpg\",\"width\":800,\"height\":600,\"size\":12.5}],\"style\":1}},"
	    "{\"para_type\":3,\"line\":{\"pic\":{\"url\":\"https://i0.hdslb.com/bfs/line.png\",\"height\":24}}},"
	    "{\"para_type\":4,\"text\":{\"nodes\":[%s]}},"
	    "{\"para_type\":5,\"list\":{\"style\":1,\"items\":[{\"level\":1,\"order\":1,\"nodes\":[%s]},"
	    "{\"level\":2,\"order\":1,\"nodes\":[]},{\"level\":1,\"order\":2,\"nodes\":[]}]}},"
	    "{\"para_type\":7,\"code\":{\"content\":\"echo &quot;a&amp;b&quot; &gt; f &#39;x&#39;\\n  indented\",\"lang\":\"language-bash\"}},"
	    "{\"para_type\":6,\"link_card\":{\"card\":{\"oid\":\"1\",\"type\":\"LINK_CARD_TYPE_UGC\",\"ugc\":{\"title\":\"视频\","
	    "\"cover\":\"//i0.hdslb.com/bfs/c.jpg\",\"jump_url\":\"//www.bilibili.com/video/av1\",\"desc_second\":\"1万播放\",\"duration\":\"3:00\",\"head_text\":\"相关视频\"}}}},"
	    "{\"para_type\":6,\"link_card\":{\"card\":{\"type\":\"LINK_CARD_TYPE_GOODS\",\"goods\":{\"head_text\":\"UP主的推荐\",\"items\":["
	    "{\"name\":\"商品一\",\"price\":\"¥1\",\"cover\":\"https://i0.hdslb.com/g1.jpg\",\"jump_url\":\"https://mall.bilibili.com/1\"}]}}}},"
	    "{\"para_type\":42,\"text\":{\"nodes\":[%s]}},"
	    "{\"para_type\":43,\"mystery\":{\"text\":\"保留的文字\"}}",
	    word("引用"), word("第一项"), word("未知段落"));
	struct article *a;
	unsigned warned = log_warnings();

	log_set_level(LOG_QUIET);
	a = parse_paras(paras, &e);
	free(paras);
	ok(a && a->nblocks == 9, "nine blocks (%s)", e.msg);
	if (!a)
		return;
	ok(a->blocks[0].kind == BLOCK_PICTURES && a->blocks[0].npics == 2 && a->blocks[0].pic_style == 1,
	    "picture album with two pictures");
	is_str(a->blocks[0].pics[0].url, "https://i0.hdslb.com/bfs/a.png", "picture url upgraded to https");
	ok(a->blocks[0].pics[0].width == 0 && a->blocks[0].pics[1].width == 800, "null size is unknown");
	ok(a->blocks[1].kind == BLOCK_DIVIDER && a->blocks[1].img_url, "divider with its picture");
	ok(a->blocks[2].kind == BLOCK_QUOTE && a->blocks[2].runs.n == 1, "quote");
	ok(a->blocks[3].kind == BLOCK_LIST && a->blocks[3].ordered && a->blocks[3].nitems == 3,
	    "ordered list with three items");
	ok(a->blocks[3].items[1].level == 2 && a->blocks[3].items[2].order == 2, "item levels and numbers kept");
	is_str(a->blocks[4].code, "echo \"a&b\" > f 'x'\n  indented", "code entities decoded once, whitespace kept");
	is_str(a->blocks[4].lang, "bash", "language- prefix stripped");
	ok(a->blocks[5].kind == BLOCK_CARD, "UGC card");
	is_str(a->blocks[5].card.title, "视频", "card title");
	is_str(a->blocks[5].card.url, "https://www.bilibili.com/video/av1", "card link made absolute");
	is_str(a->blocks[5].card.badge, "相关视频", "card head text");
	ok(a->blocks[5].card.nlines == 2, "card lines: plays and duration");
	ok(a->blocks[6].card.nitems == 1 && a->blocks[6].card.items[0].title &&
	    strcmp(a->blocks[6].card.items[0].title, "商品一") == 0, "goods card items");
	ok(a->blocks[7].kind == BLOCK_UNKNOWN && a->blocks[7].runs.n == 1 &&
	    strcmp(a->blocks[7].runs.v[0].text, "未知段落") == 0, "unknown para_type keeps its text nodes");
	ok(a->blocks[8].kind == BLOCK_UNKNOWN && a->blocks[8].runs.n == 1 &&
	    strcmp(a->blocks[8].runs.v[0].text, "保留的文字") == 0, "unknown para_type without nodes keeps any text");
	ok(log_warnings() >= warned + 2, "unknown types are warned about");
	log_set_level(LOG_NORMAL);
	article_free(a);
}

/* A match card keeps its score and shows both teams with their pictures. */
static void
test_match_card(void)
{
	struct err e;
	struct article *a;
	const struct card *cd;

	a = parse_paras("{\"para_type\":6,\"link_card\":{\"card\":{\"type\":\"LINK_CARD_TYPE_MATCH\","
	    "\"match\":{\"jump_url\":\"https://www.bilibili.com/blackboard/match/live.html?match_id=1\","
	    "\"match_info\":{\"title\":\"甲 vs 乙\",\"sub_title\":\"第三周\",\"center_top\":[\"2 : 1\",\"BO5\"],"
	    "\"center_bottom\":\"进行中\",\"left_team\":{\"name\":\"甲\",\"pic\":\"//i0.hdslb.com/bfs/legacy/l.png\"},"
	    "\"right_team\":{\"name\":\"乙\",\"pic\":\"https://i0.hdslb.com/bfs/legacy/r.png\"},\"status\":2}}}}}", &e);
	ok(a && a->nblocks == 1 && a->blocks[0].kind == BLOCK_CARD, "match card (%s)", e.msg);
	if (!a)
		return;
	cd = &a->blocks[0].card;
	is_str(cd->title, "甲 vs 乙", "match card title");
	ok(cd->nlines == 3, "match card: three lines (%zu)", cd->nlines);
	if (cd->nlines == 3) {
		is_str(cd->lines[0], "第三周", "match card: the subtitle first");
		is_str(cd->lines[1], "2 : 1 · BO5", "match card: then the score");
		is_str(cd->lines[2], "进行中", "match card: then the state");
	}
	ok(cd->nitems == 2, "match card: two teams");
	if (cd->nitems == 2) {
		is_str(cd->items[0].title, "甲", "left team's name");
		is_str(cd->items[0].cover, "https://i0.hdslb.com/bfs/legacy/l.png", "left team's picture");
		is_str(cd->items[1].title, "乙", "right team's name");
		is_str(cd->items[1].cover, "https://i0.hdslb.com/bfs/legacy/r.png", "right team's picture");
	}
	article_free(a);
}

static void
test_rich(void)
{
	struct err e;
	struct article *a;

	log_set_level(LOG_QUIET);
	a = parse_paras(
	    "{\"para_type\":1,\"text\":{\"nodes\":["
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_AT\",\"rid\":\"425503913\",\"text\":\"@wuzi \",\"orig_text\":\"@wuzi \"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_TOPIC\",\"jump_url\":\"//search.bilibili.com/all?keyword=x\",\"text\":\"# 和 F#\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_EMOJI\",\"text\":\"[干杯]\",\"emoji\":{\"icon_url\":\"https://i0.hdslb.com/bfs/emote/e.png\",\"size\":2,\"text\":\"[干杯]\",\"type\":1}}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_WEB\",\"jump_url\":\"//www.bilibili.com/video/av1\",\"orig_text\":\"//www.bilibili.com/video/av1\",\"text\":\"av1\",\"style\":null}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_WEB\",\"jump_url\":\"javascript:alert(1)\",\"text\":\"evil\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_LOTTERY\",\"rid\":\"116067\",\"text\":\"互动抽奖\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_VOTE\",\"rid\":\"3925886\",\"text\":\"投票\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_CV\",\"rid\":\"1\",\"jump_url\":\"//www.bilibili.com/read/cv1/\",\"text\":\"未知的光\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_RICH\",\"rich\":{\"type\":\"RICH_TEXT_NODE_TYPE_VIEW_PICTURE\",\"text\":\"查看图片\",\"pics\":[{\"src\":\"http://i0.hdslb.com/bfs/v.png\",\"width\":10,\"height\":20}]}},"
	    "{\"type\":\"TEXT_NODE_TYPE_FORMULA\",\"formula\":{\"latex_content\":\"E = mc^2\"}},"
	    "{\"type\":\"TEXT_NODE_TYPE_SOMETHING_NEW\",\"something\":{\"text\":\"新节点\"}}"
	    "]}}", &e);
	log_set_level(LOG_NORMAL);
	const struct runs *r;

	ok(a && a->nblocks == 2, "paragraph plus the VIEW_PICTURE pictures after it (%s)", e.msg);
	if (!a || a->nblocks != 2)
		goto out;
	r = &a->blocks[0].runs;
	ok(r->n == 11, "eleven runs (%zu)", r->n);
	if (r->n != 11)
		goto out;
	ok(r->v[0].kind == RUN_MENTION, "AT is a mention");
	is_str(r->v[0].href, "https://space.bilibili.com/425503913", "mention links to the user's space");
	ok(r->v[1].kind == RUN_TOPIC, "TOPIC");
	is_str(r->v[1].text, "# 和 F#", "topic text verbatim (the false positive stays readable)");
	ok(r->v[2].kind == RUN_EMOJI, "EMOJI");
	is_str(r->v[2].text, "[干杯]", "emoji alt text is its [name]");
	is_str(r->v[2].img_url, "https://i0.hdslb.com/bfs/emote/e.png", "emoji picture");
	ok(r->v[2].emoji_size == 2, "emoji size");
	is_str(r->v[3].href, "https://www.bilibili.com/video/av1", "WEB protocol-relative link made https");
	ok(r->v[4].kind == RUN_TEXT && r->v[4].href == NULL, "javascript: link becomes plain text");
	is_str(r->v[5].href, "https://www.bilibili.com/h5/lottery/result?business_type=1&business_id=1234567890123456789",
	    "LOTTERY links to the result page of this opus");
	is_str(r->v[6].href, "https://t.bilibili.com/vote/h5/index/#/result?vote_id=3925886", "VOTE link");
	is_str(r->v[7].href, "https://www.bilibili.com/read/cv1/", "CV link");
	is_str(r->v[8].text, "查看图片", "VIEW_PICTURE keeps its words");
	ok(r->v[9].kind == RUN_FORMULA && strcmp(r->v[9].text, "E = mc^2") == 0, "FORMULA keeps its LaTeX");
	is_str(r->v[10].text, "新节点", "unknown node type keeps its text");
	ok(a->blocks[1].kind == BLOCK_PICTURES && a->blocks[1].npics == 1 &&
	    strcmp(a->blocks[1].pics[0].url, "https://i0.hdslb.com/bfs/v.png") == 0,
	    "VIEW_PICTURE pictures follow the paragraph");
out:
	article_free(a);
}

static void
test_modules(void)
{
	struct err e;
	struct article *a;
	char *cv = NULL;
	char *doc = doc_with(
	    "{\"module_type\":\"MODULE_TYPE_TOP\",\"module_top\":{\"display\":{\"type\":1,\"album\":{\"pics\":[{\"url\":\"https://i0.hdslb.com/bfs/top.jpg\",\"width\":1000,\"height\":500}]}}}},"
	    MOD_TITLE "," MOD_AUTHOR ","
	    "{\"module_type\":\"MODULE_TYPE_COLLECTION\",\"module_collection\":{\"count\":\"4篇\",\"id\":326286,\"name\":\"电脑\",\"title\":\"收录于文集\"}},"
	    "{\"module_type\":\"MODULE_TYPE_CONTENT\",\"module_content\":{\"paragraphs\":[]}},"
	    "{\"module_type\":\"MODULE_TYPE_BLOCKED\",\"module_blocked\":{\"blocked_type\":1,\"title\":\"充电专属\",\"hint_message\":\"为UP主充电后可见\",\"button\":{\"text\":\"去充电\"}}},"
	    "{\"module_type\":\"MODULE_TYPE_TOPIC\",\"module_topic\":{\"id\":1,\"jump_url\":\"https://m.bilibili.com/topic-detail?topic_id=1\",\"name\":\"话题名\"}},"
	    "{\"module_type\":\"MODULE_TYPE_EXTEND\",\"module_extend\":{\"items\":[{\"icon\":null,\"jump_url\":\"//search.bilibili.com/all?keyword=a\",\"text\":\"运维\"},{\"text\":\"glot.io\"}]}},"
	    "{\"module_type\":\"MODULE_TYPE_BOTTOM\",\"module_bottom\":{\"share_info\":{\"pic\":\"x\",\"summary\":\"s\",\"title\":\"t\"}}},"
	    "{\"module_type\":\"MODULE_TYPE_STAT\",\"module_stat\":{\"coin\":{\"count\":0,\"forbidden\":false,\"hidden\":true},\"comment\":{\"count\":42},\"like\":{\"count\":56}}},"
	    "{\"module_type\":\"MODULE_TYPE_FUTURE\",\"module_future\":{\"text\":\"未来模块\"}}");

	log_set_level(LOG_QUIET);
	err_init(&e);
	ok(parse_bytes(doc, strlen(doc), &a, &cv, &e) == OPUS_OK, "every module type parses (%s)", e.msg);
	log_set_level(LOG_NORMAL);
	free(doc);
	if (a == NULL)
		return;
	ok(a->ntop == 1 && a->top[0].width == 1000, "TOP album picture");
	is_str(a->collection_name, "电脑", "collection name");
	is_str(a->collection_count, "4篇", "collection count");
	is_str(a->topic, "话题名", "topic");
	ok(a->ntags == 2 && strcmp(a->tags[1], "glot.io") == 0, "tags from EXTEND");
	ok(a->like.known && a->like.count == 56 && a->comment.count == 42, "stats");
	ok(!a->coin.known, "a hidden stat is not shown");
	ok(a->nblocks == 2 && a->blocks[0].kind == BLOCK_NOTICE, "BLOCKED becomes a visible notice");
	is_str(a->blocks[0].title, "充电专属", "notice title");
	ok(a->blocks[1].kind == BLOCK_UNKNOWN && strcmp(a->blocks[1].runs.v[0].text, "未来模块") == 0,
	    "an unknown module keeps its text");
	article_free(a);
}

/* The real responses, when ../shared is beside the project. */
static void
test_shared(void)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/../shared/samples/api/opus_detail_933099353259638816_code_blocks_headings.json",
	    top ? top : "..");
	char *buf, *cv = NULL;
	size_t len, codes = 0, headings = 0, pics = 0, lists = 0, quotes = 0;
	struct err e;
	struct article *a = NULL;

	err_init(&e);
	if (file_read(path, 1u << 24, &buf, &len, &e) < 0) {
		printf("ok %d - # SKIP real sample not present (%s)\n", ++tap_n, path);
		free(path);
		return;
	}
	ok(parse_bytes(buf, len, &a, &cv, &e) == OPUS_OK, "real opus detail response parses (%s)", e.msg);
	if (a) {
		for (size_t i = 0; i < a->nblocks; i++) {
			codes += a->blocks[i].kind == BLOCK_CODE;
			headings += a->blocks[i].kind == BLOCK_HEADING;
			pics += a->blocks[i].npics;
			lists += a->blocks[i].kind == BLOCK_LIST;
			quotes += a->blocks[i].kind == BLOCK_QUOTE;
		}
		ok(codes == 30, "30 code blocks (%zu)", codes);
		ok(headings > 5, "bold-24 headings recognised (%zu)", headings);
		ok(pics == 20 && lists == 1 && quotes == 1, "20 pictures, a list, a quote (%zu %zu %zu)", pics, lists, quotes);
		ok(a->ntags == 3, "three tags");
		is_str(a->cv_id, "34646640", "cv id from rid_str");
	}
	article_free(a);
	free(buf);
	free(path);
}

/* The numbers field.c reads: digits in strings, fractions cut, no cast out of range. */
static void
test_numbers(void)
{
	struct err e;
	struct article *a;

	a = parse_paras("{\"para_type\":2,\"pic\":{\"pics\":[{\"url\":\"https://i0.hdslb.com/a.png\","
	    "\"width\":\"640\",\"height\":480.7}]}}", &e);
	ok(a && a->blocks[0].pics[0].width == 640 && a->blocks[0].pics[0].height == 480,
	    "a size as a string of digits, a size with a fraction (%s)", e.msg);
	article_free(a);
	a = parse_paras("{\"para_type\":2,\"pic\":{\"pics\":[{\"url\":\"https://i0.hdslb.com/a.png\","
	    "\"width\":1e300}]}}", &e);
	ok(a && a->blocks[0].npics == 1 && a->blocks[0].pics[0].width == 0,
	    "a number beyond long long is left out (a warning names it), not a cast out of range");
	article_free(a);
	a = parse_paras("{\"para_type\":2,\"pic\":{\"pics\":[{\"url\":\"https://i0.hdslb.com/a.png\","
	    "\"width\":\" 12\"}]}}", &e);
	ok(a == NULL && strstr(e.msg, "pics[0].width: expected a number, got string"),
	    "a string that is not all digits is no number: %s", e.msg);
	article_free(a);
}

int
main(void)
{
	test_envelope();
	test_basics();
	test_words();
	test_headings();
	test_blocks();
	test_match_card();
	test_rich();
	test_modules();
	test_shared();
	test_numbers();
	return done_testing();
}
