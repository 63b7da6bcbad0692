#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "series.h"
#include "text.h"
#include "xalloc.h"

/* A copy of s, or NULL when s is NULL or blank (freed). */
static char *
unblank(char *s)
{
	if (s && text_is_blank(s)) {
		free(s);
		return NULL;
	}
	return s;
}

/* Read the article item it (data.articles[i]) into a new chapter of s; skipped when it has no cv number. */
static void
read_chapter(struct field_ctx *c, struct series *s, const struct jsv *it, size_t i)
{
	size_t old = field_push(c, ".articles[%zu]", i);
	struct series_chapter *ch;
	struct jsv *pics;
	char *cv = field_digits(jsv_get(it, "id"), 20);

	if (jsv_type(it) != JSV_OBJECT) {
		field_fail(c, NULL, "expected an object, got %s", jsv_type_name(it));
		goto out;
	}
	if (cv == NULL) {
		field_warn(c, "an article without a usable id (cv number); skipped");
		goto out;
	}
	XGROW(s->v, s->cap, s->n + 1);
	ch = &s->v[s->n++];
	memset(ch, 0, sizeof *ch);
	ch->cv = cv;
	cv = NULL;
	ch->opus = field_digits(jsv_get(it, "dyn_id_str"), 24);
	ch->title = field_str(c, it, "title");
	if (ch->title == NULL)
		ch->title = xstrdup("");
	field_num(c, it, "publish_time", &ch->pub_ts);
	if (!model_time_ok(ch->pub_ts))
		ch->pub_ts = 0;
	pics = field_arr(c, it, "image_urls");
	if (pics && jsv_len(pics) > 0)
		ch->cover = field_picture_url(c, jsv_str(jsv_at(pics, 0), NULL));
out:
	free(cv);
	field_pop(c, old);
}

struct series *
series_parse(const struct jsv *root, const char *rl, const char *raw, size_t n, struct err *e)
{
	struct field_ctx c;
	struct series *s = xcalloc(1, sizeof *s);
	struct jsv *data, *list, *author, *articles;
	char *id;

	field_init(&c, e, "");
	snprintf(c.name, sizeof c.name, "rl%s", rl);
	data = field_envelope(&c, root);
	if (data == NULL)
		goto fail;
	field_push(&c, "data");
	list = field_obj(&c, data, "list");
	if (list) {
		size_t old = field_push(&c, ".list");

		id = field_digits(jsv_get(list, "id"), 20);
		/* the list's own id wins only when it is the one asked for: a book is named after what was asked */
		if (id && strcmp(id, rl) != 0)
			field_warn(&c, "the answer is for rl%s; it is kept as rl%s", id, rl);
		free(id);
		s->name = unblank(field_str(&c, list, "name"));
		s->summary = unblank(field_str(&c, list, "summary"));
		s->cover = field_picture(&c, list, "image_url");
		field_num(&c, list, "update_time", &s->updated);
		if (!model_time_ok(s->updated))
			s->updated = 0;
		field_pop(&c, old);
	}
	author = field_obj(&c, data, "author");
	if (author) {
		size_t old = field_push(&c, ".author");

		s->author_name = unblank(field_str(&c, author, "name"));
		s->author_mid = field_digits(jsv_get(author, "mid"), 20);
		field_pop(&c, old);
	}
	articles = field_arr(&c, data, "articles");
	for (size_t i = 0; !c.failed && i < jsv_len(articles); i++) {
		if (s->n >= SERIES_MAX_CHAPTERS) {
			field_warn(&c, "more than %d articles: only the first %d are read",
			    SERIES_MAX_CHAPTERS, SERIES_MAX_CHAPTERS);
			break;
		}
		read_chapter(&c, s, jsv_at(articles, i), i);
	}
	if (c.failed)
		goto fail;
	/* the same article twice in a list would make two chapters with one document name */
	for (size_t i = 1; i < s->n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->v[i].cv, s->v[j].cv) == 0) {
				field_warn(&c, "cv%s is listed twice; kept once", s->v[i].cv);
				free(s->v[i].cv);
				free(s->v[i].opus);
				free(s->v[i].title);
				free(s->v[i].cover);
				memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof *s->v);
				s->n--;
				i--;
				break;
			}
	s->id = xstrdup(rl);
	if (s->name == NULL)
		s->name = xstrdup("");
	s->raw = xmalloc(n + 1);
	memcpy(s->raw, raw, n);
	s->raw[n] = '\0';
	s->raw_len = n;
	return s;
fail:
	err_prefix(e, "rl%s", rl);
	series_free(s);
	return NULL;
}
