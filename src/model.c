#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "file.h"
#include "model.h"
#include "text.h"
#include "xalloc.h"

bool
model_time_ok(long long ts)
{
	return ts > 0 && ts <= MODEL_TIME_MAX;
}

bool
model_format_time(long long ts, int offset, const char *fmt, char *out, size_t n)
{
	time_t t = (time_t)(ts + offset);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return false;
	strftime(out, n, fmt, &tm);
	return true;
}

struct article *
article_new(void)
{
	return xcalloc(1, sizeof(struct article));
}

void
article_take_raw(struct article *a, struct file_bytes *raw)
{
	file_bytes_release(&a->raw);
	a->raw = *raw;
	memset(raw, 0, sizeof *raw);
}

size_t
run_text_len(const struct run *x)
{
	if (x->text == NULL)
		return 0;
	return x->text_cap ? x->text_len : strlen(x->text);
}

void
run_append_text(struct run *x, const char *s, size_t n)
{
	size_t len = run_text_len(x);

	if (x->text_cap == 0)
		x->text_cap = x->text ? len + 1 : 0;
	XGROW(x->text, x->text_cap, len + n + 1);
	memcpy(x->text + len, s, n);
	x->text[len + n] = '\0';
	x->text_len = len + n;
}

void
runs_release(struct runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].text);
		free(r->v[i].href);
		free(r->v[i].img_url);
		free(r->v[i].extra);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

static void
picture_release(struct picture *p)
{
	free(p->url);
	free(p->caption);
	free(p->alt);
}

static void
card_release(struct card *c)
{
	free(c->kind);
	free(c->badge);
	free(c->title);
	free(c->url);
	free(c->cover);
	xfree_strings(c->lines, c->nlines);
	for (size_t i = 0; i < c->nitems; i++)
		card_release(&c->items[i]);
	free(c->items);
	memset(c, 0, sizeof *c);
}

void
block_release(struct block *b)
{
	runs_release(&b->runs);
	for (size_t i = 0; i < b->nchildren; i++)
		block_release(&b->children[i]);
	free(b->children);
	for (size_t i = 0; i < b->npics; i++)
		picture_release(&b->pics[i]);
	free(b->pics);
	for (size_t i = 0; i < b->nitems; i++)
		runs_release(&b->items[i].runs);
	free(b->items);
	free(b->lang);
	free(b->code);
	free(b->img_url);
	free(b->title);
	free(b->type_name);
	card_release(&b->card);
	memset(b, 0, sizeof *b);
}

void
article_free(struct article *a)
{
	if (a == NULL)
		return;
	free(a->id);
	free(a->source_url);
	free(a->cv_id);
	free(a->title);
	free(a->author_name);
	free(a->author_mid);
	free(a->author_face);
	free(a->author_url);
	free(a->pub_time_text);
	xfree_strings(a->tags, a->ntags);
	free(a->topic);
	free(a->topic_url);
	free(a->collection_name);
	free(a->collection_id);
	free(a->collection_count);
	free(a->category);
	free(a->summary);
	for (size_t i = 0; i < a->ntop; i++)
		picture_release(&a->top[i]);
	free(a->top);
	for (size_t i = 0; i < a->nblocks; i++)
		block_release(&a->blocks[i]);
	free(a->blocks);
	file_bytes_release(&a->raw);
	free(a->raw_name);
	free(a);
}

struct run *
runs_push(struct runs *r, enum run_kind kind)
{
	struct run *x;

	/*
	 * Most paragraphs hold one to three runs: start at 2 where XGROW starts
	 * at 8.  At 64 bytes a run, the 2,000 paragraphs of the text-heavy bench
	 * article held 1 MB of runs arrays, more than half of it unused, while
	 * the JSON tree is still alive (the run's peak).
	 */
	if (r->cap == 0) {
		r->v = xreallocarray(NULL, 2, sizeof *r->v);
		r->cap = 2;
	}
	x = XPUSH(r->v, r->cap, r->n);
	x->kind = kind;
	return x;
}

struct block *
article_push_block(struct article *a, enum block_kind kind)
{
	struct block *b = XPUSH(a->blocks, a->blocks_cap, a->nblocks);

	b->kind = kind;
	return b;
}

struct block *
block_push_child(struct block *p, enum block_kind kind)
{
	struct block *b = XPUSH(p->children, p->children_cap, p->nchildren);

	b->kind = kind;
	return b;
}

struct picture *
block_push_picture(struct block *b)
{
	return XPUSH(b->pics, b->pics_cap, b->npics);
}

struct card *
card_push_item(struct card *cd)
{
	return XPUSH(cd->items, cd->items_cap, cd->nitems);
}

struct list_item *
block_push_item(struct block *b)
{
	return XPUSH(b->items, b->items_cap, b->nitems);
}

bool
list_nest_step(struct list_nest *n, int level)
{
	while (n->depth > 0 && n->level[n->depth - 1] > level) {
		if (n->depth > 1 && n->level[n->depth - 2] < level) {
			n->level[n->depth - 1] = level;
			return false;
		}
		n->depth--;
	}
	if ((n->depth > 0 && n->level[n->depth - 1] >= level) || n->depth == LIST_NEST_MAX)
		return false;
	n->level[n->depth++] = level;
	return true;
}

bool
runs_blank(const struct runs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].kind == RUN_BREAK)
			continue;
		if (r->v[i].kind != RUN_TEXT || !text_is_blank(r->v[i].text))
			return false;
	}
	return true;
}

char *
runs_plain_text(const struct runs *r)
{
	struct buf b;

	buf_init(&b, 0);
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].kind == RUN_BREAK)
			buf_addc(&b, ' ');
		else if (r->v[i].text)
			buf_adds(&b, r->v[i].text);
	}
	return buf_detach(&b, NULL);
}

static void
each_run_picture(const struct runs *r, void (*fn)(const char *, void *), void *ctx)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == RUN_EMOJI && r->v[i].img_url)
			fn(r->v[i].img_url, ctx);
}

static void
each_card_picture(const struct card *c, void (*fn)(const char *, void *), void *ctx)
{
	if (c->cover)
		fn(c->cover, ctx);
	for (size_t i = 0; i < c->nitems; i++)
		each_card_picture(&c->items[i], fn, ctx);
}

static void
each_block_picture(const struct block *b, void (*fn)(const char *, void *), void *ctx)
{
	each_run_picture(&b->runs, fn, ctx);
	for (size_t i = 0; i < b->npics; i++)
		if (b->pics[i].url)
			fn(b->pics[i].url, ctx);
	for (size_t i = 0; i < b->nitems; i++)
		each_run_picture(&b->items[i].runs, fn, ctx);
	for (size_t i = 0; i < b->nchildren; i++)
		each_block_picture(&b->children[i], fn, ctx);
	if (b->img_url)
		fn(b->img_url, ctx);
	each_card_picture(&b->card, fn, ctx);
}

void
article_each_picture(const struct article *a,
    void (*fn)(const char *url, void *ctx), void *ctx)
{
	for (size_t i = 0; i < a->ntop; i++)
		if (a->top[i].url)
			fn(a->top[i].url, ctx);
	if (a->author_face)
		fn(a->author_face, ctx);
	for (size_t i = 0; i < a->nblocks; i++)
		each_block_picture(&a->blocks[i], fn, ctx);
}

const char *
article_kind(const char *id)
{
	/* "cvN" and a 文集's "rlN" say what they are themselves */
	return id && ((id[0] == 'c' && id[1] == 'v') || (id[0] == 'r' && id[1] == 'l')) ? "" : "opus ";
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].cv);
		free(s->v[i].opus);
		free(s->v[i].title);
		free(s->v[i].cover);
	}
	free(s->v);
	free(s->id);
	free(s->name);
	free(s->summary);
	free(s->cover);
	free(s->author_name);
	free(s->author_mid);
	free(s->raw);
	free(s);
}
