#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "library.h"
#include "load.h"
#include "log.h"
#include "manifest.h"
#include "name.h"
#include "oldbook.h"
#include "pictures.h"
#include "readlist.h"
#include "text.h"
#include "xalloc.h"

struct article *
readlist_gap(const struct series_chapter *ch, const char *why, const char *lang)
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
			a = readlist_gap(ch, ce.msg, r->o->lang);
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
	l->n = n;
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
	for (size_t i = 0; l->v && i < l->n; i++)
		article_free(l->v[i]);
	free(l->v);
	series_free(l->s);
	free(l->key);
	free(l->identifier);
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
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i]->pub_ts > f->pub_ts)
			f->pub_ts = l->v[i]->pub_ts;
	return f;
}

enum archive_result
readlist_write(struct session *r, const struct readlist *l, const char *output, struct err *e)
{
	enum archive_result res;

	res = archive_write_series(r, l->s, l->v, l->n, l->identifier, l->key, output, e);
	if (res == ARCHIVE_FAILED)
		return res;
	if (l->ngaps) {
		log_warn("%s: %zu of %zu chapters could not be archived; wrote '%s' without them",
		    l->key, l->ngaps, l->n, output);
		res = ARCHIVE_INCOMPLETE;
	}
	return res;
}

/* True when a (parsed from an old book) is the chapter ch of the list. */
static bool
same_chapter(const struct article *a, const struct series_chapter *ch)
{
	return (strncmp(a->id, "cv", 2) == 0 && strcmp(a->id + 2, ch->cv) == 0) ||
	    (a->cv_id && strcmp(a->cv_id, ch->cv) == 0) || (ch->opus && strcmp(a->id, ch->opus) == 0);
}

/*
 * Put at the start of a (a chapter kept after it left the 文集 name) the
 * notice that says so, since a->gone_since.
 */
static void
mark_gone(struct article *a, const char *name, const char *lang)
{
	bool zh = strncmp(lang, "zh", 2) == 0;
	time_t t = (time_t)a->gone_since;
	struct tm tm;
	char day[32] = "?";
	struct block *b, first;
	struct run *x;
	char *text;

	if (gmtime_r(&t, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	b = article_push_block(a, BLOCK_NOTICE);
	b->title = xstrdup(zh ? "本章已不在文集中" : "No longer in the 文集");
	x = runs_push(&b->runs, RUN_TEXT);
	text = zh ? xasprintf("自 %s 起，本章不再列于文集「%s」中；这里保留的是此前存档的版本。", day,
	    name) : xasprintf("Since %s this chapter is no longer listed in the 文集 '%s'; this "
	    "is the copy archived before.", day, name);
	/* the 文集's name is the API's text: made fit for XML like any text of the model */
	x->text = text_clean(text, strlen(text), NULL);
	free(text);
	/* first: the reader sees it before the chapter */
	first = a->blocks[a->nblocks - 1];
	memmove(&a->blocks[1], &a->blocks[0], (a->nblocks - 1) * sizeof *a->blocks);
	a->blocks[0] = first;
}

int
readlist_update(struct session *r, const char *rl, const struct oldbook *old,
    struct readlist **out, struct err *e)
{
	struct readlist *l = xcalloc(1, sizeof *l);
	const char *before = r->capture.current;
	size_t nold = old->nresponses, n, nlack = 0, k;
	struct article **olds = xcalloc(nold ? nold : 1, sizeof *olds);
	bool *used = xcalloc(nold ? nold : 1, sizeof *used);
	struct input *ins = NULL;
	size_t *lack = NULL;
	int rc = -1;

	*out = NULL;
	l->key = xasprintf("rl%s", rl);
	l->identifier = xstrdup(old->identifier);
	capture_set_current(&r->capture, l->key);
	/* the book's own chapters first: a book that cannot be read back is not written over */
	if (load_parse_book(r, old, olds, e) < 0)
		goto out;
	if (load_series(r, rl, &l->s, e) < 0)
		goto out;
	n = l->s->n;
	l->v = xcalloc(n + nold + 1, sizeof *l->v);
	lack = xcalloc(n + 1, sizeof *lack);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < nold && l->v[i] == NULL; j++)
			if (!used[j] && same_chapter(olds[j], &l->s->v[i])) {
				l->v[i] = olds[j];
				used[j] = true;
			}
		if (l->v[i] == NULL)
			lack[nlack++] = i;
	}
	log_status("rl%s: '%s', %zu articles, %zu of them to read (the book '%s' holds the others)",
	    rl, l->s->name, n, nlack, old->path);
	ins = xcalloc(nlack + 1, sizeof *ins);
	for (size_t i = 0; i < nlack; i++)
		chapter_input(&l->s->v[lack[i]], &ins[i]);
	load_prefetch(r, ins, nlack);
	for (size_t i = 0; i < nlack; i++) {
		const struct series_chapter *ch = &l->s->v[lack[i]];
		struct err ce;

		err_init(&ce);
		if (load_article(r, &ins[i], &l->v[lack[i]], &ce) < 0) {
			log_warn("rl%s: chapter %zu of %zu, cv%s '%s', is left out: %s", rl, lack[i] + 1,
			    n, ch->cv, ch->title, ce.msg);
			l->v[lack[i]] = readlist_gap(ch, ce.msg, r->o->lang);
			l->ngaps++;
		} else {
			l->nnew++;
		}
	}
	/* those no longer listed: kept, after the listed ones, in the old book's order */
	k = n;
	for (size_t j = 0; j < nold; j++) {
		struct article *a = olds[j];
		const char *cv;

		if (used[j])
			continue;
		used[j] = true;
		cv = strncmp(a->id, "cv", 2) == 0 ? a->id + 2 : a->cv_id;
		a->gone_since = cv ? oldbook_gone_since(old, cv) : 0;
		if (a->gone_since == 0) {
			a->gone_since = r->o->now;
			l->ngone_now++;
			log_warn("rl%s: %s%s '%s' is no longer in the 文集; kept in the book, marked so",
			    rl, article_kind(a->id), a->id, a->title);
		}
		mark_gone(a, *l->s->name ? l->s->name : l->key, r->o->lang);
		l->v[k++] = a;
	}
	l->n = k;
	for (size_t i = 0; i < l->n; i++) {
		struct article *a = l->v[i];

		if (i < n && a->raw.data) {
			if (a->collection_name == NULL && *l->s->name)
				a->collection_name = xstrdup(l->s->name);
			if (a->collection_id == NULL)
				a->collection_id = xstrdup(rl);
		}
		a->collection_index = (int)(i + 1);
	}
	if (l->n == 0 || l->ngaps == l->n) {
		err_set(e, "rl%s: none of the %zu articles of '%s' could be read; nothing written", rl,
		    n, l->s->name);
		goto out;
	}
	rc = 0;
out:
	/* the old chapters not handed to l are freed here */
	for (size_t j = 0; j < nold; j++)
		if (!used[j])
			article_free(olds[j]);
	free(olds);
	free(used);
	free(ins);
	free(lack);
	capture_set_current(&r->capture, before);
	if (rc < 0)
		readlist_free(l);
	else
		*out = l;
	return rc;
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

/* --- in a batch ------------------------------------------------------------------------ */

/*
 * The pictures l's chapters show that the old book b lacks (a download that
 * failed when it was made) and that can be had now: a reason to write the
 * book again though its list did not change.
 */
static size_t
pictures_regained(struct session *r, const struct readlist *l, const struct oldbook *b)
{
	struct assets all, lack;
	size_t had;

	assets_init(&all);
	assets_init(&lack);
	if (l->s->cover)
		assets_add(&all, l->s->cover);    /* as the book's writer adds it (archive.c) */
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i]->raw.data)  /* a chapter that could not be had shows nothing */
			pictures_of(l->v[i], &all);
	for (size_t i = 0; i < all.n; i++)
		if (oldbook_picture_for(b, all.v[i].key) == NULL)
			assets_add(&lack, all.v[i].key);
	had = lack.n ? pictures_had_now(r, l->key, &lack) : 0;
	assets_release(&lack);
	assets_release(&all);
	return had;
}

enum archive_result
readlist_refresh(struct session *r, const char *rl, const char *output, bool *changed,
    struct err *e)
{
	struct oldbook b;
	struct readlist *l = NULL;
	enum archive_result res = ARCHIVE_FAILED;
	struct err be;
	char *key = xasprintf("rl%s", rl);
	size_t regained;

	if (changed)
		*changed = false;
	err_init(&be);
	if (oldbook_open(output, r->o->net.max_image_size, &b, &be) < 0) {
		err_set(e, "%s: will not write over '%s': it is not a book of this program that can "
		    "be updated (%s); give --force to replace it", key, output, be.msg);
		goto out;
	}
	if (b.list_id == NULL || strcmp(b.list_id, key) != 0) {
		const char *of = b.list_id ? b.list_id : b.nresponses == 1 ? b.responses[0].id :
		    "several articles";

		err_set(e, "%s: will not write over '%s': it is the book of %s%s, not of the 文集 %s; "
		    "give --force to replace it", key, output, b.list_id ? "the 文集 " :
		    b.nresponses == 1 ? article_kind(of) : "", of, key);
		goto out;
	}
	session_set_book(r, &b, false);
	if (readlist_update(r, rl, &b, &l, e) < 0)
		goto out;
	if (l->nnew == 0 && l->ngone_now == 0 && (regained = pictures_regained(r, l, &b)) > 0) {
		log_status("%s: updating '%s': %zu pictures it lacks can be had now", key, output,
		    regained);
		res = readlist_write(r, l, output, e);
		if (changed)
			*changed = res != ARCHIVE_FAILED;
		goto out;
	}
	if (l->nnew == 0 && l->ngone_now == 0) {
		if (l->ngaps) {
			log_warn("%s: '%s' is left as it was: %zu chapters still cannot be had", key,
			    output, l->ngaps);
			res = ARCHIVE_INCOMPLETE;
		} else {
			log_status("%s: '%s' is up to date (%zu chapters)", key, output, l->n);
			res = ARCHIVE_OK;
		}
		goto out;
	}
	log_status("%s: updating '%s': %zu new chapters, %zu no longer listed", key, output,
	    l->nnew, l->ngone_now);
	res = readlist_write(r, l, output, e);
	if (changed)
		*changed = res != ARCHIVE_FAILED;
out:
	session_set_book(r, NULL, false);
	readlist_free(l);
	oldbook_release(&b);
	free(key);
	return res;
}

enum archive_result
readlist_into_dir(struct session *r, const char *rl, struct namer *nm, struct library *docs,
    struct err *e)
{
	struct readlist *rd = NULL;
	struct article *front = NULL;
	enum archive_result res = ARCHIVE_FAILED;
	char *name = NULL, *out = NULL;

	if (readlist_load(r, rl, &rd, e) < 0)
		goto out;
	front = readlist_front(rd);
	name = name_claim(nm, front);
	out = name_path(nm, name);
	res = readlist_write(r, rd, out, e);
	if (res == ARCHIVE_FAILED)
		goto out;
	/* Markdown: its chapters are documents of the directory too (named as assemble_series_md() does) */
	for (size_t i = 0; docs && i < rd->s->n; i++) {
		if (rd->v[i]->raw.data) {
			char *doc = xasprintf("cv%s", rd->s->v[i].cv);

			library_plan(docs, rd->v[i]->id, rd->v[i]->cv_id, doc);
			free(doc);
		}
	}
	{
		struct manifest_entry me = {
			rd->key, name, front->pub_ts, front->title,
			front->author_name ? front->author_name : "", "", "",
		};
		struct err me_e;

		err_init(&me_e);
		if (manifest_put(nm->m, &me, &me_e) < 0)
			log_warn("%s (later runs will not know that %s is done)", me_e.msg, rd->key);
	}
	log_status("%s: '%s' -> %s%s", rd->key, front->title, out, res == ARCHIVE_OK ? "" : " (incomplete)");
out:
	readlist_free(rd);
	article_free(front);
	free(name);
	free(out);
	return res;
}

void
readlist_place(struct readlist_places *p, struct session *r, struct article *a)
{
	const char *rl = a->collection_id;
	struct readlist_place *l = NULL;
	struct err e;

	if (rl == NULL || *rl == '\0' || a->collection_index > 0 ||
	    strspn(rl, "0123456789") != strlen(rl) || strcmp(rl, "0") == 0)
		return;
	for (size_t i = 0; i < p->n && l == NULL; i++)
		if (strcmp(p->v[i].rl, rl) == 0)
			l = &p->v[i];
	if (l == NULL) {
		XGROW(p->v, p->cap, p->n + 1);
		l = &p->v[p->n++];
		memset(l, 0, sizeof *l);
		l->rl = xstrdup(rl);
		err_init(&e);
		if (load_series(r, rl, &l->s, &e) < 0)
			log_info("the places of articles in the 文集 rl%s are not known: %s", rl, e.msg);
	}
	for (size_t k = 0; l->s && k < l->s->n; k++) {
		const struct series_chapter *ch = &l->s->v[k];

		if ((strncmp(a->id, "cv", 2) == 0 && strcmp(a->id + 2, ch->cv) == 0) ||
		    (a->cv_id && strcmp(a->cv_id, ch->cv) == 0) ||
		    (ch->opus && strcmp(a->id, ch->opus) == 0)) {
			a->collection_index = (int)(k + 1);
			break;
		}
	}
}

void
readlist_places_release(struct readlist_places *p)
{
	while (p->n > 0) {
		struct readlist_place *l = &p->v[--p->n];

		free(l->rl);
		series_free(l->s);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}
