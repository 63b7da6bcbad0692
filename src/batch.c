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
#include "index.h"
#include "input.h"
#include "library.h"
#include "links.h"
#include "load.h"
#include "log.h"
#include "manifest.h"
#include "model.h"
#include "name.h"
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

/* --- names --------------------------------------------------------------------- */

static char *
output_path(const struct batch *b, const char *name)
{
	char *file = xasprintf("%s%s", name, b->site ? ".html" : ".epub");
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

	return index_find(&b->names, name_hash(name), &k, same_name, b) != INDEX_EMPTY;
}

static char *
unique_name(struct batch *b, const struct item *self, const struct article *a)
{
	const struct manifest_entry *old = manifest_find(&b->m, a->id);
	char *base, *name;

	if (old)
		return xstrdup(old->name);
	base = name_expand(b->o->name_template ? b->o->name_template : "{id}", a->id, a->title,
	    a->author_name, a->pub_ts, a->author_mid);
	name = xstrdup(base);
	for (int k = 2; ; k++) {
		char *path = output_path(b, name);
		bool taken = manifest_name_taken(&b->m, name, a->id) || (b->site && name_reserved(name)) ||
		    planned(b, self, name) || file_exists(path);

		free(path);
		if (!taken || k > 10000)
			break;
		free(name);
		name = xasprintf("%s-%d", base, k);
	}
	free(base);
	return name;
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
		if (load_resolve(b->r, it->arg, &it->in, &e) < 0) {
			if (it->where)
				err_prefix(&e, "%s", it->where);
			fail(it, e.msg);
			continue;
		}
		it->resolved = true;
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
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];

		if (it->state == ITEM_PENDING && it->a && it->name == NULL) {
			it->name = unique_name(b, it, it->a);
			index_add(&b->names, name_hash(it->name), i, name_hash_of, b);
		}
	}
	for (size_t i = from; i < to; i++) {
		struct item *it = &b->v[i];

		if (it->state == ITEM_PENDING && it->a && it->name)
			library_plan(l, it->a->id, it->a->cv_id, it->name);
	}
	session_set_library(b->r, library_pages(l));
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
	err_init(&e);
	if (file_write_atomic(b->o->failed_list, buf_str(&out), out.len, false, &e) < 0)
		log_error("--failed-list: %s", e.msg);
	buf_release(&out);
}

static enum archive_result
summary(struct batch *b)
{
	size_t count[ITEM_INCOMPLETE + 1] = { 0 };

	for (size_t i = 0; i < b->n; i++)
		count[b->v[i].state]++;
	log_status("%zu articles: %zu done, %zu skipped, %zu failed, %zu incomplete", b->n,
	    count[ITEM_DONE], count[ITEM_SKIPPED], count[ITEM_FAILED], count[ITEM_INCOMPLETE]);
	if (count[ITEM_FAILED]) {
		/* the failures again, together, where the summary is read */
		for (size_t i = 0; i < b->n; i++)
			if (b->v[i].state == ITEM_FAILED)
				log_error("failed: %s", b->v[i].reason);
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
		}
	}
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
		for (size_t i = from; i < to; i++)
			if (b.v[i].state == ITEM_PENDING && b.v[i].a)
				write_item(&b, &b.v[i]);
	}
	session_set_library(b.r, NULL);
	if (o->progress)
		log_progress_end();
	session_set_label(b.r, NULL);
	if (o->combine) {
		combined = write_combined(&b, e);
		if (combined == ARCHIVE_FAILED) {
			log_error("%s", e->msg);
			err_init(e);
		}
	} else if (b.site) {
		struct err ie;

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
	for (size_t i = 0; i < b.n; i++) {
		free(b.v[i].arg);
		free(b.v[i].where);
		free(b.v[i].reason);
		free(b.v[i].name);
		if (b.v[i].resolved)
			input_release(&b.v[i].in);
		article_free(b.v[i].a);
	}
	free(b.v);
	free(b.dir);
	index_release(&b.names);
	manifest_release(&b.m);
	session_finish(b.r, &res);
	session_free(b.r);
	if (have_library)
		library_release(&library);
	return res;
}
