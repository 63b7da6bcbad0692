#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "file.h"
#include "hash.h"
#include "load.h"
#include "log.h"
#include "readlist.h"
#include "worklist.h"
#include "xalloc.h"

/* The most ids one run takes (a writer with more is split into several runs). */
#define MAX_ITEMS 100000

static struct worklist_item *
add_item(struct worklist *wl, const char *arg, const char *where)
{
	struct worklist_item *it;

	XGROW(wl->v, wl->cap, wl->n + 1);
	it = &wl->v[wl->n++];
	memset(it, 0, sizeof *it);
	it->arg = xstrdup(arg);
	it->where = where ? xstrdup(where) : NULL;
	return it;
}

static void
item_release(struct worklist_item *it)
{
	free(it->arg);
	free(it->where);
	if (it->resolved)
		input_release(&it->in);
	article_free(it->a);
	free(it->reason);
	free(it->name);
}

void
worklist_release(struct worklist *wl)
{
	while (wl->n > 0)
		item_release(&wl->v[--wl->n]);
	free(wl->v);
	index_release(&wl->by_article);
	while (wl->nlists > 0) {
		struct worklist_series *l = &wl->lists[--wl->nlists];

		free(l->rl);
		series_free(l->s);
		free(l->reason);
	}
	free(wl->lists);
	memset(wl, 0, sizeof *wl);
}

void
worklist_fail(struct worklist_item *it, const char *msg)
{
	it->state = WORK_FAILED;
	free(it->reason);
	it->reason = xstrdup(msg);
	log_error("%s", msg);
}

const char *
worklist_id(const struct worklist_item *it)
{
	return it->resolved ? it->in.id : it->arg;
}

/* --- gathering ------------------------------------------------------------------ */

/* Cut a --batch line down to its id or URL: comments go, spaces around go. */
static char *
batch_line(char *s)
{
	char *end;

	s += strspn(s, " \t\r\v\f");
	if (*s == '#')
		return s + strlen(s);
	/* a '#' after white space starts a comment; one inside a URL is its fragment */
	for (char *p = s; *p; p++)
		if (*p == '#' && p > s && strchr(" \t", p[-1])) {
			*p = '\0';
			break;
		}
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\v\f", end[-1]))
		*--end = '\0';
	return s;
}

static int
read_batch_file(struct worklist *wl, const char *path, struct err *e)
{
	char *data, *p, *line;
	size_t len;
	unsigned lineno = 0;
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;

	if (file_read(path, 64u * 1024 * 1024, &data, &len, e) < 0)
		return -1;
	if (memchr(data, '\0', len)) {
		free(data);
		return err_set(e, "--batch '%s': this is not a text file (it holds NUL bytes)", name);
	}
	p = data;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		char where[300];

		if (nl)
			*nl = '\0';
		lineno++;
		line = batch_line(p);
		p = nl ? nl + 1 : NULL;
		if (*line == '\0')
			continue;
		if (wl->n >= MAX_ITEMS) {
			free(data);
			return err_set(e, "--batch '%s': more than %d articles; split the list", name,
			    MAX_ITEMS);
		}
		snprintf(where, sizeof where, "%s:%u", name, lineno);
		add_item(wl, line, where);
	}
	free(data);
	return 0;
}

static int
read_users(struct worklist *wl, struct session *r, struct err *e)
{
	struct api *api;

	for (size_t u = 0; u < r->o->nusers; u++) {
		const char *mid = r->o->users[u];
		struct api_ids ids = { 0 };

		if ((api = session_api(r, e)) == NULL) {
			err_prefix(e, "--user %s", mid);
			return -1;
		}
		if (api_user_opus(api, mid, &ids, e) < 0) {
			api_ids_release(&ids);
			return -1;
		}
		log_status("user %s: %zu opus", mid, ids.n);
		{
			/* old 专栏 posts the opus feed may not list; a refusal here is not the end */
			size_t before = ids.n;
			struct err ae;

			err_init(&ae);
			if (api_user_articles(api, mid, &ids, &ae) < 0)
				log_warn("user %s: the old-style 专栏 list could not be read, so only the "
				    "opus list is archived: %s", mid, ae.msg);
			else if (ids.n > before)
				log_status("user %s: %zu more from the 专栏 list", mid, ids.n - before);
		}
		for (size_t i = 0; i < ids.n && wl->n < MAX_ITEMS; i++)
			add_item(wl, ids.v[i], NULL);
		api_ids_release(&ids);
	}
	return 0;
}

/*
 * --shard K/N: keep the items of shard K alone, once every input is in the
 * list.  An item goes by its key (load_key(): the opus id in decimal, or
 * "cvN"), short links followed first (every worker follows them all); one
 * that cannot be read goes by its text as given, so that one worker, and
 * only one, reports it.
 */
static void
keep_shard(struct worklist *wl, struct session *r)
{
	size_t kept = 0, total = wl->n;

	for (size_t i = 0; i < wl->n; i++) {
		struct worklist_item *it = &wl->v[i];
		struct err e;
		char *key;

		err_init(&e);
		if (load_resolve(r, it->arg, &it->in, &e) == 0) {
			it->resolved = true;
			key = load_key(&it->in);
		} else {
			key = xstrdup(it->arg);
		}
		if (hash_shard(key, r->o->shard_n) == r->o->shard_k)
			wl->v[kept++] = *it;
		else
			item_release(it);
		free(key);
	}
	wl->n = kept;
	log_status("shard %u/%u: %zu of the %zu articles named", r->o->shard_k, r->o->shard_n,
	    kept, total);
}

int
worklist_gather(struct worklist *wl, struct session *r, struct err *e)
{
	const struct archive_opts *o = r->o;

	for (size_t i = 0; i < o->nids; i++)
		add_item(wl, o->ids[i], NULL);
	if (o->batch_file && read_batch_file(wl, o->batch_file, e) < 0)
		return -1;
	if (read_users(wl, r, e) < 0)
		return -1;
	if (wl->n == 0)
		return err_set(e, "nothing to archive: the list is empty");
	/* every input is in: from here on the list is this worker's share of it */
	if (o->shard_n)
		keep_shard(wl, r);
	return 0;
}

/* --- 文集 ------------------------------------------------------------------------------ */

/*
 * The rl number item it stands for: an rlN input, or with --series the 文集
 * of the article it names (read now; its answer stays in the cache for
 * later).  NULL when it stands for an article; a failure to read the
 * article is the item's.
 */
static char *
item_list(struct session *r, struct worklist_item *it)
{
	struct input in;
	struct err e;
	char *rl = NULL;

	err_init(&e);
	if (input_parse(it->arg, &in, &e) == 0) {
		if (in.kind == INPUT_READLIST)
			rl = xstrdup(in.id);
		input_release(&in);
		if (rl)
			return rl;
	}
	if (!r->o->series)
		return NULL;
	err_init(&e);
	if (load_resolve(r, it->arg, &it->in, &e) < 0) {
		if (it->where)
			err_prefix(&e, "%s", it->where);
		worklist_fail(it, e.msg);
		return NULL;
	}
	it->resolved = true;
	if (it->in.kind == INPUT_READLIST)
		return xstrdup(it->in.id);
	if (readlist_of(r, &it->in, &rl, &e) < 0)
		worklist_fail(it, e.msg);
	return rl;
}

/* Add the articles of l's 文集 (read now) to v, as items where the 文集 stood. */
static void
add_chapters(struct session *r, struct worklist_series *l, struct worklist_item **v, size_t *n,
    size_t *cap)
{
	struct err e;

	err_init(&e);
	if (load_series(r, l->rl, &l->s, &e) < 0 || l->s->n == 0) {
		if (l->s && l->s->n == 0)
			err_set(&e, "rl%s: the 文集 '%s' holds no article", l->rl, l->s->name);
		l->state = WORK_FAILED;
		l->reason = xstrdup(e.msg);
		log_error("%s", e.msg);
		return;
	}
	log_status("rl%s: '%s', %zu articles", l->rl, l->s->name, l->s->n);
	for (size_t k = 0; k < l->s->n && *n < MAX_ITEMS; k++) {
		const struct series_chapter *ch = &l->s->v[k];
		struct worklist_item *it;

		XGROW(*v, *cap, *n + 1);
		it = &(*v)[(*n)++];
		memset(it, 0, sizeof *it);
		it->arg = ch->opus ? xstrdup(ch->opus) : xasprintf("cv%s", ch->cv);
		it->chapter = true;
	}
}

/* --series: every article is read to find its 文集, so their answers are asked together first. */
static void
prefetch_all(struct worklist *wl, struct session *r)
{
	struct input *ins = xcalloc(wl->n ? wl->n : 1, sizeof *ins);
	size_t k = 0;

	for (size_t i = 0; i < wl->n; i++) {
		struct err e;

		err_init(&e);
		if (wl->v[i].state == WORK_PENDING && input_parse(wl->v[i].arg, &ins[k], &e) == 0) {
			if (ins[k].kind == INPUT_OPUS || ins[k].kind == INPUT_CV)
				k++;
			else
				input_release(&ins[k]);
		}
	}
	load_prefetch(r, ins, k);
	for (size_t i = 0; i < k; i++)
		input_release(&ins[i]);
	free(ins);
}

void
worklist_take_lists(struct worklist *wl, struct session *r, bool expand)
{
	struct worklist_item *v = NULL;
	size_t n = 0, cap = 0, old_n = wl->n;

	if (r->o->series)
		prefetch_all(wl, r);
	for (size_t i = 0; i < old_n; i++) {
		struct worklist_item *it = &wl->v[i];
		char *rl = it->state == WORK_PENDING ? item_list(r, it) : NULL;
		struct worklist_series *l;
		bool dup = false;

		if (rl == NULL) {
			XGROW(v, cap, n + 1);
			v[n++] = *it;
			continue;
		}
		for (size_t j = 0; j < wl->nlists; j++)
			dup = dup || strcmp(wl->lists[j].rl, rl) == 0;
		if (dup) {
			log_info("'%s' is in the 文集 rl%s, which is archived once", it->arg, rl);
		} else {
			XGROW(wl->lists, wl->lists_cap, wl->nlists + 1);
			l = &wl->lists[wl->nlists++];
			memset(l, 0, sizeof *l);
			l->rl = rl;
			rl = NULL;
			if (expand)
				add_chapters(r, l, &v, &n, &cap);
		}
		free(rl);
		item_release(it);
	}
	free(wl->v);
	wl->v = v;
	wl->n = n;
	wl->cap = cap;
}

/* --- one article once --------------------------------------------------------------- */

/* An article's hash: its id's, apart for each kind (opus 5 and cv5 are two articles). */
static uint64_t
article_hash(const struct input *in)
{
	return index_hash(in->id) ^ (uint64_t)in->kind;
}

static uint64_t
article_hash_of(size_t pos, const void *ctx)
{
	return article_hash(&((const struct worklist *)ctx)->v[pos].in);
}

static bool
same_article(size_t pos, const void *key, const void *ctx)
{
	const struct input *a = &((const struct worklist *)ctx)->v[pos].in, *b = key;

	return a->kind == b->kind && strcmp(a->id, b->id) == 0;
}

size_t
worklist_earlier(struct worklist *wl, size_t i)
{
	const struct input *in = &wl->v[i].in;
	uint64_t h = article_hash(in);
	size_t j = index_find(&wl->by_article, h, in, same_article, wl);

	if (j == INDEX_EMPTY)
		index_add(&wl->by_article, h, i, article_hash_of, wl);
	return j;
}
