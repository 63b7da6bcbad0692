/*
 * Unit tests for series.c: a 文集's article list (x/article/list/web/articles)
 * into struct series: hand-written answers for the edges (odd items, wrong
 * types, a refusal, duplicates), then the real answer in
 * ../shared/samples/api/ when present.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "jsonval.h"
#include "log.h"
#include "series.h"
#include "tap.h"
#include "xalloc.h"

/* Parse text as the list of rl; NULL with e set on failure. */
static struct series *
parse(const char *text, const char *rl, struct err *e)
{
	struct jsv *root;
	struct series *s;

	err_init(e);
	root = jsv_parse(text, strlen(text), 64, e);
	if (root == NULL)
		return NULL;
	s = series_parse(root, rl, text, strlen(text), e);
	jsv_free(root);
	return s;
}

static void
edges(void)
{
	struct err e;
	struct series *s;

	s = parse("{\"code\":0,\"message\":\"0\",\"data\":{\"list\":{\"id\":5,\"name\":\"名 &amp; <x>\","
	    "\"summary\":\"  \",\"image_url\":\"//i0.hdslb.com/bfs/a.png\",\"update_time\":1700000000},"
	    "\"author\":{\"mid\":\"42\",\"name\":\"作者\"},"
	    "\"articles\":[{\"id\":11,\"title\":\"一\",\"publish_time\":1700000001,"
	    "\"image_urls\":[\"https://i0.hdslb.com/bfs/1.jpg\"]},"
	    "{\"id\":\"12\",\"title\":null,\"dyn_id_str\":\"1056353752004491001\",\"image_urls\":[]},"
	    "{\"title\":\"no id\"},{\"id\":0},{\"id\":11,\"title\":\"again\"},"
	    "{\"id\":13,\"publish_time\":-5}]}}", "5", &e);
	ok(s != NULL, "a list parses (%s)", e.msg);
	if (s == NULL)
		return;
	ok(strcmp(s->id, "5") == 0 && strcmp(s->name, "名 &amp; <x>") == 0,
	    "id and name, kept as text (the list's name is not HTML): '%s'", s->name);
	ok(s->summary == NULL, "a blank summary is none");
	ok(s->cover && strcmp(s->cover, "https://i0.hdslb.com/bfs/a.png") == 0,
	    "the picture made https: %s", s->cover ? s->cover : "(none)");
	ok(s->author_name && strcmp(s->author_name, "作者") == 0 && s->author_mid &&
	    strcmp(s->author_mid, "42") == 0 && s->updated == 1700000000, "writer and update time");
	ok(s->n == 3, "items without a usable id, and a repeated one, are left out (%zu kept)", s->n);
	if (s->n == 3) {
		ok(strcmp(s->v[0].cv, "11") == 0 && strcmp(s->v[0].title, "一") == 0 &&
		    s->v[0].pub_ts == 1700000001 && s->v[0].opus == NULL && s->v[0].cover &&
		    strcmp(s->v[0].cover, "https://i0.hdslb.com/bfs/1.jpg") == 0, "the first chapter");
		ok(strcmp(s->v[1].cv, "12") == 0 && strcmp(s->v[1].title, "") == 0 &&
		    s->v[1].opus && strcmp(s->v[1].opus, "1056353752004491001") == 0 &&
		    s->v[1].cover == NULL, "a string id, a null title, an opus id, no picture");
		ok(strcmp(s->v[2].cv, "13") == 0 && s->v[2].pub_ts == 0, "a negative time is none");
	}
	ok(s->raw_len > 0 && s->raw[s->raw_len] == '\0' && strncmp(s->raw, "{\"code\":0", 9) == 0,
	    "the response is kept as it came");
	series_free(s);

	s = parse("{\"code\":0,\"message\":\"0\",\"data\":{\"list\":{\"id\":6},\"articles\":[]}}", "6", &e);
	ok(s && s->n == 0 && strcmp(s->name, "") == 0 && s->author_name == NULL,
	    "an empty list is a list (the caller judges it)");
	series_free(s);

	s = parse("{\"code\":-404,\"message\":\"啥都木有\",\"ttl\":1,\"data\":null}", "7", &e);
	ok(s == NULL && strstr(e.msg, "rl7") && strstr(e.msg, "-404"), "a refusal: %s", e.msg);
	s = parse("{\"code\":0,\"message\":\"0\",\"data\":{\"articles\":{}}}", "8", &e);
	ok(s == NULL && strstr(e.msg, "rl8") && strstr(e.msg, "data.articles"),
	    "articles of the wrong type, named by its path: %s", e.msg);
	s = parse("{\"code\":0,\"message\":\"0\",\"data\":{\"articles\":[{\"id\":1},7]}}", "9", &e);
	ok(s == NULL && strstr(e.msg, "data.articles[1]"), "an item of the wrong type: %s", e.msg);
	s = parse("{\"code\":0,\"message\":\"0\",\"data\":{\"list\":{\"name\":[]},\"articles\":[]}}", "10", &e);
	ok(s == NULL && strstr(e.msg, "data.list.name"), "a name of the wrong type: %s", e.msg);
}

static void
real(void)
{
	const char *path = OA_SOURCE_TEMPLATES "/../../shared/samples/api/article_list_web_articles_rl207146.json";
	char *buf = NULL;
	size_t len;
	struct err e;
	struct series *s;

	err_init(&e);
	if (!file_exists(path)) {
		ok(1, "# SKIP the real list is not present");
		return;
	}
	if (file_read(path, 1u << 20, &buf, &len, &e) < 0) {
		ok(0, "the real list: %s", e.msg);
		return;
	}
	s = parse(buf, "207146", &e);
	ok(s && strcmp(s->name, "B站api研究笔记") == 0 && s->n == 3 &&
	    strcmp(s->v[0].cv, "4815593") == 0 && strcmp(s->v[2].cv, "5263184") == 0 &&
	    strcmp(s->v[1].title, "【B站API】api研究笔记ep2-视频其他信息") == 0 &&
	    s->author_name && strcmp(s->author_name, "社会易姐QwQ") == 0 && s->cover &&
	    s->v[0].pub_ts == 1582643908,
	    "the real list rl207146: name, writer, picture, 3 chapters in order%s%s", s ? "" : ": ",
	    s ? "" : e.msg);
	series_free(s);
	free(buf);
}

int
main(void)
{
	log_set_level(LOG_QUIET);
	edges();
	real();
	return done_testing();
}
