#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "load.h"
#include "log.h"
#include "readlist.h"
#include "text.h"
#include "xalloc.h"

/*
 * The chapter that could not be had: a page with its title and a notice
 * saying why, where the article would have been, linking to the original.
 */
static struct article *
gap_article(const struct series_chapter *ch, const char *why, const char *lang)
{
	bool zh = strncmp(lang, "zh", 2) == 0;
	struct article *a = article_new();
	struct block *b;
	struct run *x;

	a->id = xasprintf("cv%s", ch->cv);
	a->source_url = xasprintf("https://www.bilibili.com/read/cv%s", ch->cv);
	a->title = *ch->title ? xstrdup(ch->title) : xasprintf("cv%s", ch->cv);
	a->pub_ts = ch->pub_ts;
	b = article_push_block(a, BLOCK_NOTICE);
	b->title = xstrdup(zh ? "本章未能存档" : "This chapter could not be archived");
	x = runs_push(&b->runs, RUN_TEXT);
	/* the message may quote the API's own words: made fit for XML like any text of the model */
	x->text = text_clean(why, strlen(why), NULL);
	return a;
}

/* The input a chapter is read from: its opus id when the list gives one (spec §1.7), else its cv number. */
static void
chapter_input(const struct series_chapter *ch, struct input *in)
{
	memset(in, 0, sizeof *in);
	in->kind = ch->opus ? INPUT_OPUS : INPUT_CV;
	in->id = ch->opus ? ch->opus : ch->cv;      /* borrowed */
}

int
readlist_load(struct session *r, const char *rl, struct readlist **out, struct err *e)
{
	struct readlist *l = xcalloc(1, sizeof *l);
	const char *before = r->capture.current;
	struct input *ins = NULL;
	size_t n;

	*out = NULL;
	l->key = xasprintf("rl%s", rl);
	capture_set_current(&r->capture, l->key);
	if (load_series(r, rl, &l->s, e) < 0)
		goto fail;
	n = l->s->n;
	if (n == 0) {
		err_set(e, "rl%s: the 文集 '%s' holds no article; nothing written", rl, l->s->name);
		goto fail;
	}
	log_status("rl%s: '%s', %zu articles", rl, l->s->name, n);
	ins = xcalloc(n, sizeof *ins);
	for (size_t i = 0; i < n; i++)
		chapter_input(&l->s->v[i], &ins[i]);
	/* their answers together first, as a batch asks for its articles */
	load_prefetch(r, ins, n);
	l->v = xcalloc(n, sizeof *l->v);
	for (size_t i = 0; i < n; i++) {
		const struct series_chapter *ch = &l->s->v[i];
		struct article *a = NULL;
		struct err ce;

		err_init(&ce);
		if (r->o->progress)
			log_progress("[%zu/%zu] rl%s: cv%s", i + 1, n, rl, ch->cv);
		if (load_article(r, &ins[i], &a, &ce) < 0) {
			log_warn("rl%s: chapter %zu of %zu, cv%s '%s', is left out: %s", rl, i + 1, n,
			    ch->cv, ch->title, ce.msg);
			a = gap_article(ch, ce.msg, r->o->lang);
			l->ngaps++;
		} else {
			/* what the list knows, for the chapter's colophon and the reader's shelf */
			if (a->collection_name == NULL && *l->s->name)
				a->collection_name = xstrdup(l->s->name);
			if (a->collection_id == NULL)
				a->collection_id = xstrdup(rl);
		}
		a->collection_index = (int)(i + 1);
		l->v[i] = a;
	}
	if (r->o->progress)
		log_progress_end();
	if (l->ngaps == n) {
		err_set(e, "rl%s: none of the %zu articles of '%s' could be read; nothing written", rl,
		    n, l->s->name);
		goto fail;
	}
	free(ins);
	capture_set_current(&r->capture, before);
	*out = l;
	return 0;
fail:
	free(ins);
	capture_set_current(&r->capture, before);
	readlist_free(l);
	return -1;
}

void
readlist_free(struct readlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; l->v && i < l->s->n; i++)
		article_free(l->v[i]);
	free(l->v);
	series_free(l->s);
	free(l->key);
	free(l);
}

struct article *
readlist_front(const struct readlist *l)
{
	struct article *f = article_new();

	f->id = xstrdup(l->key);
	f->title = xstrdup(*l->s->name ? l->s->name : l->key);
	f->author_name = l->s->author_name ? xstrdup(l->s->author_name) : NULL;
	f->author_mid = l->s->author_mid ? xstrdup(l->s->author_mid) : NULL;
	for (size_t i = 0; i < l->s->n; i++)
		if (l->v[i]->pub_ts > f->pub_ts)
			f->pub_ts = l->v[i]->pub_ts;
	return f;
}

enum archive_result
readlist_write(struct session *r, const struct readlist *l, const char *output, struct err *e)
{
	enum archive_result res;

	res = archive_write_series(r, l->s, l->v, l->key, output, e);
	if (res == ARCHIVE_FAILED)
		return res;
	if (l->ngaps) {
		log_warn("%s: %zu of %zu chapters could not be archived; wrote '%s' without them",
		    l->key, l->ngaps, l->s->n, output);
		res = ARCHIVE_INCOMPLETE;
	}
	return res;
}

int
readlist_of(struct session *r, const struct input *in, char **rl, struct err *e)
{
	struct article *a = NULL;

	*rl = NULL;
	if (load_article(r, in, &a, e) < 0)
		return -1;
	if (a->collection_id && *a->collection_id && strcmp(a->collection_id, "0") != 0 &&
	    strspn(a->collection_id, "0123456789") == strlen(a->collection_id)) {
		*rl = xstrdup(a->collection_id);
		log_info("%s%s is in the 文集 rl%s '%s': archiving the whole 文集", article_kind(a->id),
		    a->id, *rl, a->collection_name ? a->collection_name : "");
	} else {
		log_info("%s%s is in no 文集: archived on its own", article_kind(a->id), a->id);
	}
	article_free(a);
	return 0;
}
