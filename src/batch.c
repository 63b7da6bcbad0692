#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "archive.h"
#include "assemble.h"
#include "batch.h"
#include "buf.h"
#include "file.h"
#include "hash.h"
#include "index.h"
#include "input.h"
#include "library.h"
#include "links.h"
#include "load.h"
#include "log.h"
#include "manifest.h"
#include "model.h"
#include "name.h"
#include "readlist.h"
#include "render.h"
#include "session.h"
#include "text.h"
#include "xalloc.h"

/* Articles asked of the API and downloaded together: enough to keep --jobs busy, few in memory. */
#define WINDOW_MIN 8
/* The most ids one run takes (a writer with more is split into several runs). */
#define MAX_ITEMS 100000

enum item_state { ITEM_PENDING, ITEM_DONE, ITEM_SKIPPED, ITEM_FAILED, ITEM_INCOMPLETE };

struct item {
	char *arg;              /* owned: what the user gave (or "opus ID" from a feed) */
	char *where;            /* owned: "ids.txt:12" for a --batch line, or NULL */
	struct input in;        /* valid when resolved */
	bool resolved;
	enum item_state state;
	char *reason;           /* owned: why it failed */
	struct article *a;      /* --combine: kept until the book is made */
	char *name;             /* owned: a library page's name, chosen before the window is written */
	bool chapter;           /* one of a 文集's articles: a failure is a gap in it, not the run's */
};

/* A 文集 of the batch: its own book, or (a site, --combine) its articles as items. */
struct list {
	char *rl;               /* owned: the digits */
	char *arg;              /* owned: what the user gave */
	struct series *s;       /* owned: its list, when its articles joined the items */
	enum item_state state;
	char *reason;           /* owned: why it failed */
	char *name;             /* owned: its book's or page's name */
};

struct batch {
	const struct archive_opts *o;
	struct session *r;
	struct item *v;
	size_t n, cap;
	char *dir;              /* owned: where the books go (not with --combine) */
	bool site;              /* a library site rather than a directory of books */
	struct manifest m;
	struct index names;     /* the items with a planned name (library sites), by name, any case */
	double started;         /* monotonic seconds */
	size_t finished;        /* articles dealt with so far, for the progress line */
	struct list *lists;     /* the 文集 among the inputs (rlN, or --series) */
	size_t nlists, lists_cap;
	struct list *places;    /* the 文集 read for their articles' places (s NULL: unreadable) */
	size_t nplaces, places_cap;
	struct links *docs;     /* a directory of Markdown documents: where each is; else NULL */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct item *
add_item(struct batch *b, const char *arg, const char *where)
{
	struct item *it;

	XGROW(b->v, b->cap, b->n + 1);
	it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	it->arg = xstrdup(arg);
	it->where = where ? xstrdup(where) : NULL;
	return it;
}

static void
item_release(struct item *it)
{
	free(it->arg);
	free(it->where);
	free(it->reason);
	free(it->name);
	if (it->resolved)
		input_release(&it->in);
	article_free(it->a);
}

static void
fail(struct item *it, const char *msg)
{
	it->state = ITEM_FAILED;
	free(it->reason);
	it->reason = xstrdup(msg);
	log_error("%s", msg);
}

bool
batch_wanted(const struct archive_opts *o)
{
	if (o->from_json)
		return false;
	if (o->nids > 1 || o->batch_file || o->nusers > 0 || o->combine)
		return true;
	/* one id into a directory, or as a site: it joins that directory's books or library */
	return o->output && (opts_pick_format(o->format, o->output) == FORMAT_SITE ||
	    file_is_dir(o->output) || o->output[strlen(o->output) - 1] == '/');
}

/*
 * A library site, or a directory of books?  --format says; without it, one
 * article named on the command line into a directory makes a site (as it
 * would alone), while a list of articles into a directory makes books:
 * "opus-archive --batch ids.txt -o library/" keeps one book per article.
 */
static bool
wants_site(const struct archive_opts *o)
{
	if (o->format != FORMAT_AUTO)
		return o->format == FORMAT_SITE;
	if (o->nids == 1 && o->batch_file == NULL && o->nusers == 0)
		return opts_pick_format(o->format, o->output ? o->output : "") == FORMAT_SITE;
	return false;
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
read_batch_file(struct batch *b, const char *path, struct err *e)
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
		if (b->n >= MAX_ITEMS) {
			free(data);
			return err_set(e, "--batch '%s': more than %d articles; split the list", name,
			    MAX_ITEMS);
		}
		snprintf(where, sizeof where, "%s:%u", name, lineno);
		add_item(b, line, where);
	}
	free(data);
	return 0;
}

static int
read_users(struct batch *b, struct err *e)
{
	struct api *api;

	for (size_t u = 0; u < b->o->nusers; u++) {
		const char *mid = b->o->users[u];
		struct api_ids ids = { 0 };

		if ((api = session_api(b->r, e)) == NULL) {
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
		for (size_t i = 0; i < ids.n && b->n < MAX_ITEMS; i++)
			add_item(b, ids.v[i], NULL);
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
keep_shard(struct batch *b)
{
	size_t kept = 0, total = b->n;

	for (size_t i = 0; i < b->n; i++) {
		struct item *it = &b->v[i];
		struct err e;
		char *key;

		err_init(&e);
		if (load_resolve(b->r, it->arg, &it->in, &e) == 0) {
			it->resolved = true;
			key = load_key(&it->in);
		} else {
			key = xstrdup(it->arg);
		}
		if (hash_shard(key, b->o->shard_n) == b->o->shard_k)
			b->v[kept++] = *it;
		else
			item_release(it);
		free(key);
	}
	b->n = kept;
	log_status("shard %u/%u: %zu of the %zu articles named", b->o->shard_k, b->o->shard_n,
	    kept, total);
}

/* --- names --------------------------------------------------------------------- */

static char *
output_path(const struct batch *b, const char *name)
{
	char *file = xasprintf("%s%s", name, b->site ? ".html" :
	    opts_pick_format(b->o->format, "") == FORMAT_MD ? ".md" : ".epub");
	char *path = file_join(b->dir, file);

	free(file);
	return path;
}

/*
 * The name for article a: its old one when the manifest has it, else the
 * template's, with "-2", "-3" ... while another article (in the manifest, in
 * this run, or a file we did not write) holds it.
 */
struct name_key {
	const char *name;
	const struct item *self;
};

/* Hash of s with ASCII letters folded, as strcasecmp compares in the C locale. */
static uint64_t
name_hash(const char *s)
{
	char *low = xstrdup(s);
	uint64_t h;

	for (char *p = low; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	h = index_hash(low);
	free(low);
	return h;
}

static uint64_t
name_hash_of(size_t pos, const void *ctx)
{
	return name_hash(((const struct batch *)ctx)->v[pos].name);
}

static bool
same_name(size_t pos, const void *key, const void *ctx)
{
	const struct item *it = &((const struct batch *)ctx)->v[pos];
	const struct name_key *k = key;

	return it != k->self && strcasecmp(it->name, k->name) == 0;
}

/* Is name planned for an item of this run other than self?  (By index: big batches stay linear.) */
static bool
planned(const struct batch *b, const struct item *self, const char *name)
{
	struct name_key k = { name, self };

	/* the 文集 are few (one per list given): scanned */
	for (size_t i = 0; i < b->nlists; i++)
		if (b->lists[i].name && strcasecmp(b->lists[i].name, name) == 0)
			return true;
	return index_find(&b->names, name_hash(name), &k, same_name, b) != INDEX_EMPTY;
}

static char *
unique_name(struct batch *b, const struct item *self, const struct article *a)
{
	const struct manifest_entry *old;
	char *base, *name;
	struct err e;

	/*
	 * Under the manifest's lock, knowing the names other runs gave (--shard
	 * workers writing to this directory too), and claiming the new name there
	 * before the lock goes: two runs never give two articles one name.
	 */
	err_init(&e);
	if (manifest_lock(&b->m, &e) < 0)
		log_warn("%s", e.msg);
	old = manifest_find(&b->m, a->id);
	if (old) {
		name = xstrdup(old->name);
		manifest_unlock(&b->m);
		return name;
	}
	base = name_expand(b->o->name_template ? b->o->name_template : "{id}", a->id, a->title,
	    a->author_name, a->pub_ts, a->author_mid);
	name = xstrdup(base);
	for (int k = 2; ; k++) {
		char *path = output_path(b, name);
		/*
		 * A file under the article's own id is its book (one another run
		 * racing on the same article has just written, or one made by hand),
		 * not another article's.
		 */
		bool taken = manifest_name_taken(&b->m, name, a->id) || (b->site && name_reserved(name)) ||
		    planned(b, self, name) || (strcmp(name, a->id) != 0 && file_exists(path));

		free(path);
		if (!taken || k > 10000)
			break;
		free(name);
		name = xasprintf("%s-%d", base, k);
	}
	free(base);
	if (strcmp(name, a->id) != 0) {
		/* the claim: the line write_item() adds once the book is there replaces it */
		struct manifest_entry en = {
			a->id, name, a->pub_ts, a->title, a->author_name ? a->author_name : "", "", "",
		};

		err_init(&e);
		if (manifest_put(&b->m, &en, &e) < 0)
			log_warn("%s", e.msg);
	}
	manifest_unlock(&b->m);
	return name;
}

/* --- 文集 ------------------------------------------------------------------------------ */

/*
 * The rl number item it stands for: an rlN input, or with --series the 文集
 * of the article it names (read now; its answer stays in the cache for
 * later).  NULL when it stands for an article; a failure to read the
 * article is the item's.
 */
static char *
item_list(struct batch *b, struct item *it)
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
	if (!b->o->series)
		return NULL;
	err_init(&e);
	if (load_resolve(b->r, it->arg, &it->in, &e) < 0) {
		if (it->where)
			err_prefix(&e, "%s", it->where);
		fail(it, e.msg);
		return NULL;
	}
	it->resolved = true;
	if (it->in.kind == INPUT_READLIST)
		return xstrdup(it->in.id);
	if (readlist_of(b->r, &it->in, &rl, &e) < 0)
		fail(it, e.msg);
	return rl;
}

/* Add the articles of list l's 文集 (read now) to v, as items where the 文集 stood. */
static void
add_chapters(struct batch *b, struct list *l, struct item **v, size_t *n, size_t *cap)
{
	struct err e;

	err_init(&e);
	if (load_series(b->r, l->rl, &l->s, &e) < 0 || l->s->n == 0) {
		if (l->s && l->s->n == 0)
			err_set(&e, "rl%s: the 文集 '%s' holds no article", l->rl, l->s->name);
		l->state = ITEM_FAILED;
		l->reason = xstrdup(e.msg);
		log_error("%s", e.msg);
		return;
	}
	log_status("rl%s: '%s', %zu articles", l->rl, l->s->name, l->s->n);
	for (size_t k = 0; k < l->s->n && *n < MAX_ITEMS; k++) {
		const struct series_chapter *ch = &l->s->v[k];
		struct item *it;

		XGROW(*v, *cap, *n + 1);
		it = &(*v)[(*n)++];
		memset(it, 0, sizeof *it);
		it->arg = ch->opus ? xstrdup(ch->opus) : xasprintf("cv%s", ch->cv);
		it->chapter = true;
	}
}

/*
 * Take the 文集 out of the items into b->lists: a directory of books gets a
 * book for each; a site or --combine gets their articles as items in their
 * place (read with the others), and a site a page for each 文集.
 */
static void
gather_lists(struct batch *b)
{
	struct item *v = NULL;
	size_t n = 0, cap = 0, old_n = b->n;
	bool expand = b->o->combine || b->site;

	if (b->o->series) {
		/* every article is read to find its 文集: their answers together first */
		struct input *ins = xcalloc(old_n ? old_n : 1, sizeof *ins);
		size_t k = 0;

		for (size_t i = 0; i < old_n; i++) {
			struct err e;

			err_init(&e);
			if (b->v[i].state == ITEM_PENDING && input_parse(b->v[i].arg, &ins[k], &e) == 0) {
				if (ins[k].kind == INPUT_OPUS || ins[k].kind == INPUT_CV)
					k++;
				else
					input_release(&ins[k]);
			}
		}
		load_prefetch(b->r, ins, k);
		for (size_t i = 0; i < k; i++)
			input_release(&ins[i]);
		free(ins);
	}
	for (size_t i = 0; i < old_n; i++) {
		struct item *it = &b->v[i];
		char *rl = it->state == ITEM_PENDING ? item_list(b, it) : NULL;
		struct list *l;
		bool dup = false;

		if (rl == NULL) {
			XGROW(v, cap, n + 1);
			v[n++] = *it;
			continue;
		}
		for (size_t j = 0; j < b->nlists; j++)
			dup = dup || strcmp(b->lists[j].rl, rl) == 0;
		if (dup) {
			log_info("'%s' is in the 文集 rl%s, which is archived once", it->arg, rl);
		} else {
			XGROW(b->lists, b->lists_cap, b->nlists + 1);
			l = &b->lists[b->nlists++];
			memset(l, 0, sizeof *l);
			l->rl = rl;
			rl = NULL;
			l->arg = xstrdup(it->arg);
			if (expand)
				add_chapters(b, l, &v, &n, &cap);
		}
		free(rl);
		free(it->arg);
		free(it->where);
		free(it->reason);
		if (it->resolved)
			input_release(&it->in);
	}
	free(b->v);
	b->v = v;
	b->n = n;
	b->cap = cap;
}

/* A directory of books: the book of 文集 l, named like an article's, recorded in the manifest. */
static void
write_list_book(struct batch *b, struct list *l)
{
	char *key = xasprintf("rl%s", l->rl), *out = NULL;
	const struct manifest_entry *en = manifest_find(&b->m, key);
	struct readlist *rd = NULL;
	struct article *front = NULL;
	enum archive_result res;
	struct err e;

	err_init(&e);
	if (en && !b->o->force) {
		char *path = output_path(b, en->name);
		bool have = file_exists(path);

		free(path);
		if (have) {
			log_info("%s: already archived; skipped", key);
			l->state = ITEM_SKIPPED;
			goto out;
		}
	}
	if (readlist_load(b->r, l->rl, &rd, &e) < 0)
		goto failed;
	front = readlist_front(rd);
	l->name = unique_name(b, NULL, front);
	out = output_path(b, l->name);
	res = readlist_write(b->r, rd, out, &e);
	if (res == ARCHIVE_FAILED)
		goto failed;
	/* Markdown: its chapters are documents of the directory too (named as assemble_series_md() does) */
	for (size_t i = 0; b->docs && i < rd->s->n; i++) {
		if (rd->v[i]->raw) {
			char *doc = xasprintf("cv%s.md", rd->s->v[i].cv);

			links_add_article(b->docs, rd->v[i]->id, rd->v[i]->cv_id, doc);
			free(doc);
		}
	}
	l->state = res == ARCHIVE_OK ? ITEM_DONE : ITEM_INCOMPLETE;
	{
		struct manifest_entry me = {
			key, l->name, front->pub_ts, front->title,
			front->author_name ? front->author_name : "", "", "",
		};

		if (manifest_put(&b->m, &me, &e) < 0)
			log_warn("%s (later runs will not know that %s is done)", e.msg, key);
	}
	log_status("%s: '%s' -> %s%s", key, front->title, out, res == ARCHIVE_OK ? "" : " (incomplete)");
	goto out;
failed:
	l->state = ITEM_FAILED;
	l->reason = xstrdup(e.msg);
	log_error("%s", e.msg);
out:
	readlist_free(rd);
	article_free(front);
	free(out);
	free(key);
}

/*
 * A library site: the page of 文集 l, its chapters in order with their
 * pages (those that could not be had listed without a link), in the
 * manifest so that the library's index lists it.
 */
static void
write_list_page(struct batch *b, struct list *l)
{
	const struct series *s = l->s;
	struct index_entry *v = xcalloc(s->n, sizeof *v);
	char **hrefs = xcalloc(s->n, sizeof *hrefs);
	char *key = xasprintf("rl%s", l->rl);
	const struct manifest_entry *old = manifest_find(&b->m, key);
	struct article *front = article_new();
	const char *thumb = NULL;
	bool zh = strncmp(b->o->lang, "zh", 2) == 0;
	size_t gaps = 0;
	struct err e;

	err_init(&e);
	for (size_t i = 0; i < s->n; i++) {
		const struct series_chapter *ch = &s->v[i];
		char *cv = xasprintf("cv%s", ch->cv);
		const struct manifest_entry *en = manifest_find(&b->m, cv);
		char *path;

		if (en == NULL && ch->opus)
			en = manifest_find(&b->m, ch->opus);
		path = en ? output_path(b, en->name) : NULL;
		if (en && file_exists(path)) {
			hrefs[i] = xasprintf("%s.html", en->name);
			v[i].title = en->title;
			v[i].date = en->date;
			v[i].href = hrefs[i];
			v[i].thumb = en->cover && *en->cover ? en->cover : NULL;
			if (thumb == NULL)
				thumb = v[i].thumb;
		} else {
			v[i].title = ch->title;
			v[i].date = ch->pub_ts;
			v[i].note = zh ? "未能存档" : "not archived";
			gaps++;
		}
		if (v[i].date > front->pub_ts)
			front->pub_ts = v[i].date;
		free(path);
		free(cv);
	}
	front->id = xstrdup(key);
	front->title = xstrdup(*s->name ? s->name : key);
	front->author_name = s->author_name ? xstrdup(s->author_name) : NULL;
	front->author_mid = s->author_mid ? xstrdup(s->author_mid) : NULL;
	l->name = old ? xstrdup(old->name) : unique_name(b, NULL, front);
	if (assemble_series_page(b->o, b->dir, l->name, front->title, s->summary, v, s->n, &e) < 0) {
		l->state = ITEM_FAILED;
		l->reason = xasprintf("%s: %s", key, e.msg);
		log_error("%s", l->reason);
	} else {
		/* a copy: the entry it comes from may move when the manifest grows */
		char *cover = xstrdup(thumb ? thumb : ""), *where = output_path(b, l->name);
		struct manifest_entry me = {
			key, l->name, front->pub_ts, front->title,
			front->author_name ? front->author_name : "", cover, "",
		};

		l->state = gaps ? ITEM_INCOMPLETE : ITEM_DONE;
		if (manifest_put(&b->m, &me, &e) < 0)
			log_warn("%s (later runs will not know that %s is done)", e.msg, key);
		free(cover);
		log_status("%s: '%s' -> %s%s", key, front->title, where, gaps ? " (incomplete)" : "");
		free(where);
	}
	for (size_t i = 0; i < s->n; i++)
		free(hrefs[i]);
	free(hrefs);
	free(v);
	free(key);
	article_free(front);
}

/*
 * A book of an article in a 文集 says its place in it (calibre sorts a
 * writer's backup into series by it): from the 文集's list, read once a run
 * for all its articles.  Nothing when the list cannot be had.
 */
static void
find_place(struct batch *b, struct article *a)
{
	const char *rl = a->collection_id;
	struct list *l = NULL;
	struct err e;

	if (rl == NULL || *rl == '\0' || a->collection_index > 0 || b->site || b->o->combine ||
	    strspn(rl, "0123456789") != strlen(rl) || strcmp(rl, "0") == 0)
		return;
	for (size_t i = 0; i < b->nplaces && l == NULL; i++)
		if (strcmp(b->places[i].rl, rl) == 0)
			l = &b->places[i];
	if (l == NULL) {
		XGROW(b->places, b->places_cap, b->nplaces + 1);
		l = &b->places[b->nplaces++];
		memset(l, 0, sizeof *l);
		l->rl = xstrdup(rl);
		err_init(&e);
		if (load_series(b->r, rl, &l->s, &e) < 0)
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

/* --- the run ---------------------------------------------------------------------- */

static const char *
item_id(const struct item *it)
{
	return it->resolved ? it->in.id : it->arg;
}

/*
 * True when the item's book is there already (and --force is off): no API request needed.
 * The manifest knows an article by its model id: the opus id, or "cvN" for a 专栏
 * (an opus id that falls back to one is only known after asking the API).
 */
static bool
already_done(struct batch *b, const struct item *it)
{
	const struct manifest_entry *en;
	char *key = load_key(&it->in);
	char *path;
	bool have = false;

	if (b->o->force || b->o->combine) {
		free(key);
		return false;
	}
	en = manifest_find(&b->m, key);
	if (en) {
		path = output_path(b, en->name);
		have = file_exists(path);
		free(path);
	} else if (!b->site && (b->o->name_template == NULL ||
	    strcmp(b->o->name_template, "{id}") == 0)) {
		/* a directory of books named by id, made before the manifest (or by hand) */
		path = output_path(b, key);
		have = file_exists(path);
		free(path);
	}
	free(key);
	return have;
}

/*
 * The progress line's label: "[k/N, ETA 1m20s] " for article k, or
 * "[k-m/N, ...] " while the pictures of a window of articles come in.
 */
static void
show_label(struct batch *b, const struct item *it, size_t span)
{
	char label[256], eta[32] = "", range[32] = "";
	size_t total = b->n, k = b->finished;
	double spent = now_s() - b->started;

	if (k > 0 && spent > 0) {
		double left = spent / (double)k * (double)(total - k);

		snprintf(eta, sizeof eta, ", ETA %dm%02ds", (int)(left / 60), (int)left % 60);
	}
	if (span > 1)
		snprintf(range, sizeof range, "-%zu", k + span);
	snprintf(label, sizeof label, "[%zu%s/%zu%s] ", k + 1, range, total, eta);
	session_set_label(b->r, label);
	if (b->o->progress && it)
		log_progress("%s%s%s", label, it->resolved && it->in.kind == INPUT_CV ? "cv" :
		    it->resolved ? "opus " : "", item_id(it));
}

/* Resolve, de-duplicate and skip the items [from, to); return how many are left to fetch. */
static void
prepare_window(struct batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];
		struct err e;

		if (it->state != ITEM_PENDING)
			continue;
		err_init(&e);
		/* --series has resolved it already, to find its 文集 */
		if (!it->resolved && load_resolve(b->r, it->arg, &it->in, &e) < 0) {
			if (it->where)
				err_prefix(&e, "%s", it->where);
			fail(it, e.msg);
			continue;
		}
		it->resolved = true;
		if (it->in.kind == INPUT_READLIST) {
			/* a short link to a 文集, found only now: its book is not made in this pass */
			char *msg = xasprintf("'%s' leads to the 文集 rl%s: give rl%s itself", it->arg,
			    it->in.id, it->in.id);

			fail(it, msg);
			free(msg);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (b->v[j].resolved && b->v[j].in.kind == it->in.kind &&
			    strcmp(b->v[j].in.id, it->in.id) == 0) {
				log_info("'%s' is the same article as '%s'; once is enough", it->arg,
				    b->v[j].arg);
				it->state = ITEM_SKIPPED;
				break;
			}
		if (it->state == ITEM_PENDING && already_done(b, it)) {
			log_info("%s%s: already archived; skipped",
			    it->in.kind == INPUT_CV ? "cv" : "opus ", it->in.id);
			it->state = ITEM_SKIPPED;
		}
	}
}

/* Fetch and parse one article into it->a; a failure is the item's. */
static void
load_item(struct batch *b, struct item *it)
{
	struct err e;

	err_init(&e);
	show_label(b, it, 1);
	if (load_article(b->r, &it->in, &it->a, &e) < 0) {
		fail(it, e.msg);
		b->finished++;
	}
}

/* Write the book of a loaded article (with --combine, keep it for the one book). */
static void
write_item(struct batch *b, struct item *it)
{
	struct article *a = it->a;
	struct archive_done done = { 0 };
	struct err e;
	char *name = NULL, *out = NULL, *key = NULL;
	enum archive_result res;

	err_init(&e);
	if (b->o->combine) {
		it->state = ITEM_DONE;
		log_status("%s%s: '%s' read", article_kind(a->id), a->id, a->title);
		b->finished++;
		return;
	}
	show_label(b, it, 1);
	it->a = NULL;
	find_place(b, a);
	name = it->name ? xstrdup(it->name) : unique_name(b, it, a);
	out = b->site ? xstrdup(b->dir) : output_path(b, name);
	key = load_key(&it->in);
	res = archive_write(b->r, a, key, out, b->site ? name : NULL, &done, &e);
	if (res == ARCHIVE_FAILED) {
		fail(it, e.msg);
		goto out;
	}
	it->state = res == ARCHIVE_OK ? ITEM_DONE : ITEM_INCOMPLETE;
	{
		struct manifest_entry en = {
			a->id, name, a->pub_ts, a->title, a->author_name ? a->author_name : "",
			done.cover_href ? done.cover_href : "",
			/* asked as an opus, read as a 专栏: a re-run knows it by the opus id too */
			it->in.kind == INPUT_OPUS && strcmp(it->in.id, a->id) != 0 ? it->in.id : "",
		};

		if (manifest_put(&b->m, &en, &e) < 0)
			log_warn("%s (later runs will not know that opus %s is done)", e.msg, a->id);
	}
	{
		char *where = b->site ? output_path(b, name) : xstrdup(out);

		log_status("%s%s: '%s' -> %s%s", article_kind(a->id), a->id, a->title, where,
		    res == ARCHIVE_OK ? "" : " (incomplete)");
		free(where);
	}
out:
	b->finished++;
	free(done.cover_href);
	article_free(a);
	free(name);
	free(out);
	free(key);
}

/* Name the articles of the window [from, to) read and not yet named, before any is written. */
static void
name_window(struct batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];

		if (it->state == ITEM_PENDING && it->a && it->name == NULL) {
			it->name = unique_name(b, it, it->a);
			/* planned(): later names are checked against it */
			index_add(&b->names, name_hash(it->name), i, name_hash_of, b);
		}
	}
}

/*
 * A library site: name the window's pages before any is written, and tell the
 * writer where every page of the library is (those already there and those
 * planned so far), so that links between them stay in the library.  Pages
 * written earlier (in earlier runs or windows) are not rendered again:
 * library_relink() points their links to later articles at the local pages
 * at the end.
 */
static void
plan_window(struct batch *b, size_t from, size_t to, struct library *l)
{
	name_window(b, from, to);
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];

		if (it->state == ITEM_PENDING && it->a && it->name)
			library_plan(l, it->a->id, it->a->cv_id, it->name);
	}
	session_set_library(b->r, library_pages(l));
}

/*
 * A directory of Markdown documents: map those on disk that the manifest
 * names (under the article's id and the opus id it was asked by), so that
 * a link to one of them opens the document beside it.
 */
static void
map_docs(struct batch *b)
{
	for (size_t i = 0; i < b->m.n; i++) {
		const struct manifest_entry *en = &b->m.v[i];
		char *path = output_path(b, en->name);

		/* a 文集's index is no article's */
		if (strncmp(en->id, "rl", 2) != 0 && file_exists(path)) {
			char *doc = xasprintf("%s.md", en->name);

			links_add_article(b->docs, en->id, NULL, doc);
			if (en->alias && *en->alias)
				links_add_article(b->docs, en->alias, NULL, doc);
			free(doc);
		}
		free(path);
	}
}

/*
 * A directory of Markdown documents: name the window's documents before any
 * is written and tell the writer where they are, with those there already,
 * so that links between them stay local.  A document is not written again:
 * its links to articles of later windows keep their web address.
 */
static void
plan_docs(struct batch *b, size_t from, size_t to)
{
	name_window(b, from, to);
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];

		if (it->state == ITEM_PENDING && it->a && it->name) {
			char *doc = xasprintf("%s.md", it->name);

			links_add_article(b->docs, it->a->id, it->a->cv_id, doc);
			free(doc);
		}
	}
	session_set_library(b->r, b->docs);
}

static int
by_pub_asc(const void *x, const void *y)
{
	const struct article *a = *(struct article *const *)x, *b = *(struct article *const *)y;

	return a->pub_ts < b->pub_ts ? -1 : a->pub_ts > b->pub_ts ? 1 : strcmp(a->id, b->id);
}

static enum archive_result
write_combined(struct batch *b, struct err *e)
{
	struct article **v = xcalloc(b->n ? b->n : 1, sizeof *v);
	size_t n = 0;
	enum archive_result res;

	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].a)
			v[n++] = b->v[i].a;
	if (n == 0) {
		free(v);
		err_set(e, "no article could be read; '%s' not written", b->o->output);
		return ARCHIVE_FAILED;
	}
	qsort(v, n, sizeof *v, by_pub_asc);
	res = archive_write_combined(b->r, v, n, b->o->output, e);
	if (res != ARCHIVE_FAILED)
		log_status("wrote %zu articles into '%s'", n, b->o->output);
	free(v);
	return res;
}

static void
write_failed_list(struct batch *b)
{
	struct buf out;
	struct err e;

	buf_init(&out, 0);
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].state == ITEM_FAILED)
			buf_addf(&out, "%s\n", item_id(&b->v[i]));
	for (size_t i = 0; i < b->nlists; i++)
		if (b->lists[i].state == ITEM_FAILED)
			buf_addf(&out, "rl%s\n", b->lists[i].rl);
	err_init(&e);
	if (file_write_atomic(b->o->failed_list, buf_str(&out), out.len, false, &e) < 0)
		log_error("--failed-list: %s", e.msg);
	buf_release(&out);
}

static enum archive_result
summary(struct batch *b)
{
	size_t count[ITEM_INCOMPLETE + 1] = { 0 };

	size_t lists[ITEM_INCOMPLETE + 1] = { 0 }, gaps = 0;

	for (size_t i = 0; i < b->n; i++) {
		/* a 文集's article that cannot be had leaves a gap in it: the 文集 is incomplete */
		if (b->v[i].chapter && b->v[i].state == ITEM_FAILED)
			gaps++;
		else
			count[b->v[i].state]++;
	}
	for (size_t i = 0; i < b->nlists; i++)
		lists[b->lists[i].state]++;
	log_status("%zu articles: %zu done, %zu skipped, %zu failed, %zu incomplete", b->n,
	    count[ITEM_DONE], count[ITEM_SKIPPED], count[ITEM_FAILED] + gaps, count[ITEM_INCOMPLETE]);
	if (b->nlists)
		log_status("%zu 文集: %zu done, %zu skipped, %zu failed, %zu incomplete", b->nlists,
		    lists[ITEM_DONE], lists[ITEM_SKIPPED], lists[ITEM_FAILED], lists[ITEM_INCOMPLETE]);
	count[ITEM_FAILED] += lists[ITEM_FAILED];
	count[ITEM_INCOMPLETE] += lists[ITEM_INCOMPLETE] + gaps;
	if (count[ITEM_FAILED]) {
		/* the failures again, together, where the summary is read */
		for (size_t i = 0; i < b->n; i++)
			if (b->v[i].state == ITEM_FAILED && !b->v[i].chapter)
				log_error("failed: %s", b->v[i].reason);
		for (size_t i = 0; i < b->nlists; i++)
			if (b->lists[i].state == ITEM_FAILED)
				log_error("failed: %s", b->lists[i].reason);
	}
	if (b->o->failed_list)
		write_failed_list(b);
	if (count[ITEM_FAILED])
		return ARCHIVE_FAILED;
	return count[ITEM_INCOMPLETE] ? ARCHIVE_INCOMPLETE : ARCHIVE_OK;
}

enum archive_result
batch_run(const struct archive_opts *o, struct err *e)
{
	struct batch b;
	struct library library; /* a library site: its pages, for links between them */
	bool have_library = false;
	struct links docs;      /* a directory of Markdown documents: where each is */
	enum archive_result res = ARCHIVE_FAILED, combined = ARCHIVE_OK;
	size_t window;

	memset(&b, 0, sizeof b);
	b.o = o;
	b.started = now_s();
	if ((b.r = session_new(o, e)) == NULL)
		return ARCHIVE_FAILED;
	for (size_t i = 0; i < o->nids; i++)
		add_item(&b, o->ids[i], NULL);
	if (o->batch_file && read_batch_file(&b, o->batch_file, e) < 0)
		goto out;
	if (read_users(&b, e) < 0)
		goto out;
	/* every input is in: from here on the list is this worker's share of it */
	if (o->shard_n && b.n > 0) {
		keep_shard(&b);
		if (b.n == 0) {
			res = ARCHIVE_OK;
			goto out;
		}
	}
	if (b.n == 0) {
		err_set(e, "nothing to archive: the list is empty");
		goto out;
	}
	if (o->combine) {
		if (o->output == NULL) {
			err_set(e, "--combine needs -o BOOK.epub");
			goto out;
		}
	} else {
		b.site = wants_site(o);
		b.dir = xstrdup(o->output ? o->output : ".");
		if (file_mkdirs(b.dir, e) < 0 || manifest_load(&b.m, b.dir, e) < 0)
			goto out;
		/* even when every book is there already: clear what a killed run left */
		file_sweep_temps(b.dir);
		if (b.site) {
			library_init(&library, o, b.dir, &b.m);
			have_library = true;
		} else if (opts_pick_format(o->format, "") == FORMAT_MD) {
			links_init(&docs);
			b.docs = &docs;
			map_docs(&b);
		}
	}
	/* the 文集 among the inputs: a book each now, or their articles as items */
	gather_lists(&b);
	for (size_t i = 0; !o->combine && !b.site && i < b.nlists; i++)
		write_list_book(&b, &b.lists[i]);
	window = o->net.jobs > WINDOW_MIN ? (size_t)o->net.jobs : WINDOW_MIN;
	/*
	 * A window of articles at a time: their API answers, then all their pictures
	 * together with the next window's API answers (so that no connection waits
	 * for the other kind), then the books.  The answers of a window are already
	 * in the cache when it starts, except for the first.
	 */
	for (size_t from = 0, prepared = 0; from < b.n; from += window) {
		size_t to = from + window < b.n ? from + window : b.n;
		size_t next_to = to + window < b.n ? to + window : b.n;
		struct input *want = xcalloc(window, sizeof *want);
		size_t k = 0;

		if (prepared < to) {
			prepare_window(&b, from, to);
			for (size_t i = from; i < to; i++)
				if (b.v[i].state == ITEM_PENDING)
					want[k++] = b.v[i].in;
			load_prefetch(b.r, want, k);
		}
		for (size_t i = from; i < to; i++)
			if (b.v[i].state != ITEM_PENDING)
				b.finished++;
		/* read the window's articles, fetch all their pictures at once, then write each */
		for (size_t i = from; i < to; i++)
			if (b.v[i].state == ITEM_PENDING)
				load_item(&b, &b.v[i]);
		k = 0;
		if (!o->combine && to < b.n) {
			prepare_window(&b, to, next_to);
			for (size_t i = to; i < next_to; i++)
				if (b.v[i].state == ITEM_PENDING)
					want[k++] = b.v[i].in;
			prepared = next_to;
		}
		{
			struct article **arts = xcalloc(window, sizeof *arts);
			char **keys = xcalloc(window, sizeof *keys);
			size_t na = 0;

			for (size_t i = from; i < to; i++)
				if (b.v[i].state == ITEM_PENDING && b.v[i].a) {
					keys[na] = load_key(&b.v[i].in);
					arts[na++] = b.v[i].a;
				}
			if (!o->combine && (na > 1 || k > 0)) {
				show_label(&b, NULL, na);
				load_prefetch_pictures(b.r, arts, (const char *const *)keys, na, want, k);
			}
			for (size_t i = 0; i < na; i++)
				free(keys[i]);
			free(keys);
			free(arts);
		}
		free(want);
		if (b.site)
			plan_window(&b, from, to, &library);
		else if (b.docs)
			plan_docs(&b, from, to);
		for (size_t i = from; i < to; i++)
			if (b.v[i].state == ITEM_PENDING && b.v[i].a)
				write_item(&b, &b.v[i]);
	}
	session_set_library(b.r, NULL);
	if (o->progress)
		log_progress_end();
	session_set_label(b.r, NULL);
	if (o->combine) {
		for (size_t i = 0; i < b.nlists; i++)
			if (b.lists[i].state == ITEM_PENDING)
				b.lists[i].state = ITEM_DONE;
		combined = write_combined(&b, e);
		if (combined == ARCHIVE_FAILED) {
			log_error("%s", e->msg);
			err_init(e);
		}
	} else if (b.site) {
		struct err ie;

		for (size_t i = 0; i < b.nlists; i++)
			if (b.lists[i].s && b.lists[i].state == ITEM_PENDING)
				write_list_page(&b, &b.lists[i]);
		/* the pages other runs added meanwhile (--shard workers) are linked and listed too */
		err_init(&ie);
		if (manifest_lock(&b.m, &ie) == 0)
			manifest_unlock(&b.m);
		library_map_pages(&library);
		library_relink(&library);
		err_init(&ie);
		if (library_write_index(&library, &ie) < 0) {
			log_error("library index: %s", ie.msg);
			combined = ARCHIVE_FAILED;
		}
	}
	res = summary(&b);
	if (combined == ARCHIVE_FAILED)
		res = ARCHIVE_FAILED;
	else if (combined == ARCHIVE_INCOMPLETE && res == ARCHIVE_OK)
		res = ARCHIVE_INCOMPLETE;
out:
	for (size_t i = 0; i < b.n; i++)
		item_release(&b.v[i]);
	free(b.v);
	for (size_t i = 0; i < b.nlists; i++) {
		free(b.lists[i].rl);
		free(b.lists[i].arg);
		series_free(b.lists[i].s);
		free(b.lists[i].reason);
		free(b.lists[i].name);
	}
	free(b.lists);
	for (size_t i = 0; i < b.nplaces; i++) {
		free(b.places[i].rl);
		series_free(b.places[i].s);
	}
	free(b.places);
	free(b.dir);
	index_release(&b.names);
	manifest_release(&b.m);
	session_finish(b.r, &res);
	session_free(b.r);
	if (have_library)
		library_release(&library);
	if (b.docs)
		links_release(b.docs);
	return res;
}
