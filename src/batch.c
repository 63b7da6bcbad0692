#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "batch.h"
#include "buf.h"
#include "file.h"
#include "library.h"
#include "load.h"
#include "log.h"
#include "manifest.h"
#include "model.h"
#include "name.h"
#include "readlist.h"
#include "session.h"
#include "worklist.h"
#include "xalloc.h"

/* Articles asked of the API and downloaded together: enough to keep --jobs busy, few in memory. */
#define WINDOW_MIN 8

struct batch {
	const struct archive_opts *o;
	struct session *r;
	struct worklist wl;
	char *dir;              /* owned: where the books go (not with --combine) */
	bool site;              /* a library site rather than a directory of books */
	struct manifest m;
	struct namer names;     /* the books' (pages', documents') names in dir */
	struct library lib;     /* a library site, or a directory of Markdown documents: its map */
	bool have_lib;
	size_t finished;        /* articles dealt with so far, for the progress line */
	struct readlist_places places;  /* the 文集 read for their articles' places */
};

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

/* Is the book (page, document) the manifest gives key there?  (--force: never.) */
static bool
in_manifest(const struct batch *b, const char *key)
{
	const struct manifest_entry *en = manifest_find(&b->m, key);
	char *path;
	bool have;

	if (en == NULL || b->o->force)
		return false;
	path = name_path(&b->names, en->name);
	have = file_exists(path);
	free(path);
	return have;
}

/*
 * True when the item's book is there already (and --force is off): no API request needed.
 * The manifest knows an article by its model id: the opus id, or "cvN" for a 专栏
 * (an opus id that falls back to one is only known after asking the API).
 */
static bool
already_done(struct batch *b, const struct worklist_item *it)
{
	char *key = load_key(&it->in);
	char *path;
	bool have = false;

	if (b->o->force || b->o->combine) {
		free(key);
		return false;
	}
	if (manifest_find(&b->m, key)) {
		have = in_manifest(b, key);
	} else if (!b->site && (b->o->name_template == NULL ||
	    strcmp(b->o->name_template, "{id}") == 0)) {
		/* a directory of books named by id, made before the manifest (or by hand) */
		path = name_path(&b->names, key);
		have = file_exists(path);
		free(path);
	}
	free(key);
	return have;
}

/* Set l's state from how its book or page went; a failure (e says why) is said now. */
static void
list_result(struct worklist_series *l, enum archive_result res, const struct err *e)
{
	if (res == ARCHIVE_FAILED) {
		l->state = WORK_FAILED;
		l->reason = xstrdup(e->msg);
		log_error("%s", e->msg);
	} else {
		l->state = res == ARCHIVE_OK ? WORK_DONE : WORK_INCOMPLETE;
	}
}

/*
 * A directory of books: the book of 文集 l.  One there already (the
 * manifest's, an EPUB) is updated in place as "rlN -o BOOK" would: a 文集
 * grows, and a batch run again is how a library keeps up with it (one list
 * request per 文集; the book is rewritten only when the list changed).  A
 * 文集 in Markdown is a directory of documents, not a book that can be read
 * back: it is skipped as an article is.
 */
static void
write_list_book(struct batch *b, struct worklist_series *l)
{
	char *key = xasprintf("rl%s", l->rl);
	enum archive_result res;
	struct err e;

	err_init(&e);
	if (in_manifest(b, key)) {
		const struct manifest_entry *en = manifest_find(&b->m, key);
		char *path = name_path(&b->names, en->name);
		bool changed = false;

		if (opts_pick_format(b->o->format, path) != FORMAT_EPUB) {
			log_info("%s: already archived; skipped", key);
			l->state = WORK_SKIPPED;
		} else {
			res = readlist_refresh(b->r, l->rl, path, &changed, &e);
			list_result(l, res, &e);
			if (res == ARCHIVE_OK && !changed)
				l->state = WORK_SKIPPED;        /* up to date: nothing written */
		}
		free(path);
		free(key);
		return;
	}
	free(key);
	res = readlist_into_dir(b->r, l->rl, &b->names, b->have_lib ? &b->lib : NULL, &e);
	list_result(l, res, &e);
}

/* A library site: the page of 文集 l, in the manifest so that the library's index lists it. */
static void
write_list_page(struct batch *b, struct worklist_series *l)
{
	enum archive_result res;
	struct err e;

	err_init(&e);
	res = library_series_page(&b->lib, &b->names, l->rl, l->s, &e);
	list_result(l, res, &e);
}

/* --- a window ------------------------------------------------------------------------- */

/* The progress line's label: for article it, or (it NULL) for span articles together. */
static void
show_label(struct batch *b, const struct worklist_item *it, size_t span)
{
	session_set_count(b->r, b->finished, span, b->wl.n);
	if (b->o->progress && it)
		log_progress("%s%s%s", b->r->label, it->resolved && it->in.kind == INPUT_CV ? "cv" :
		    it->resolved ? "opus " : "", worklist_id(it));
}

/* Resolve, de-duplicate and skip the items [from, to). */
static void
prepare_window(struct batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct worklist_item *it = &b->wl.v[i];
		size_t first;
		struct err e;

		if (it->state != WORK_PENDING) {
			/* --series read it (and failed on its 文集): a later copy is still the same article */
			if (it->resolved)
				worklist_earlier(&b->wl, i);
			continue;
		}
		err_init(&e);
		/* --series has resolved it already, to find its 文集 */
		if (!it->resolved && load_resolve(b->r, it->arg, &it->in, &e) < 0) {
			if (it->where)
				err_prefix(&e, "%s", it->where);
			worklist_fail(it, e.msg);
			continue;
		}
		it->resolved = true;
		if (it->in.kind == INPUT_READLIST) {
			/* a short link to a 文集, found only now: its book is not made in this pass */
			char *msg = xasprintf("'%s' leads to the 文集 rl%s: give rl%s itself", it->arg,
			    it->in.id, it->in.id);

			worklist_fail(it, msg);
			free(msg);
			continue;
		}
		first = worklist_earlier(&b->wl, i);
		if (first != INDEX_EMPTY) {
			log_info("'%s' is the same article as '%s'; once is enough", it->arg,
			    b->wl.v[first].arg);
			it->state = WORK_SKIPPED;
		} else if (already_done(b, it)) {
			log_info("%s%s: already archived; skipped",
			    it->in.kind == INPUT_CV ? "cv" : "opus ", it->in.id);
			it->state = WORK_SKIPPED;
		}
	}
}

/* Fetch and parse one article into it->a; a failure is the item's. */
static void
load_item(struct batch *b, struct worklist_item *it)
{
	struct err e;

	err_init(&e);
	show_label(b, it, 1);
	if (load_article(b->r, &it->in, &it->a, &e) < 0) {
		worklist_fail(it, e.msg);
		b->finished++;
	}
}

/*
 * A library site or a directory of Markdown documents: name the window's
 * pages before any is written, and tell the writer where every page is
 * (those already there and those planned so far), so that links between
 * them stay local.  A page is not written again: pages and documents written
 * earlier (in earlier runs or windows) have their links to later articles
 * pointed at the local ones by library_relink() at the end.
 */
static void
plan_window(struct batch *b, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		struct worklist_item *it = &b->wl.v[i];

		if (it->state != WORK_PENDING || it->a == NULL)
			continue;
		if (it->name == NULL)
			it->name = name_claim(&b->names, it->a);
		library_plan(&b->lib, it->a->id, it->a->cv_id, it->name);
	}
	session_set_library(b->r, library_pages(&b->lib));
}

/* Write the book of a loaded article (with --combine, keep it for the one book). */
static void
write_item(struct batch *b, struct worklist_item *it)
{
	struct article *a = it->a;
	struct archive_done done = { 0 };
	struct err e;
	char *name = NULL, *out = NULL, *key = NULL;
	enum archive_result res;

	err_init(&e);
	if (b->o->combine) {
		it->state = WORK_DONE;
		log_status("%s%s: '%s' read", article_kind(a->id), a->id, a->title);
		b->finished++;
		return;
	}
	show_label(b, it, 1);
	it->a = NULL;
	if (!b->site)
		readlist_place(&b->places, b->r, a);
	name = it->name ? xstrdup(it->name) : name_claim(&b->names, a);
	out = b->site ? xstrdup(b->dir) : name_path(&b->names, name);
	key = load_key(&it->in);
	res = archive_write(b->r, a, key, out, b->site ? name : NULL, &done, &e);
	if (res == ARCHIVE_FAILED) {
		worklist_fail(it, e.msg);
		goto out;
	}
	it->state = res == ARCHIVE_OK ? WORK_DONE : WORK_INCOMPLETE;
	{
		struct manifest_entry en = {
			a->id, name, a->pub_ts, a->title, a->author_name ? a->author_name : "",
			done.cover_href ? done.cover_href : "",
			/* asked as an opus, read as a 专栏: a re-run knows it by the opus id too */
			it->in.kind == INPUT_OPUS && strcmp(it->in.id, a->id) != 0 ? it->in.id : "",
		};

		if (manifest_put(&b->m, &en, &e) < 0)
			log_warn("%s (later runs will not know that %s%s is done)", e.msg,
			    article_kind(a->id), a->id);
	}
	{
		char *where = b->site ? name_path(&b->names, name) : xstrdup(out);

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

/* Resolve [from, to) and add the inputs of those to fetch to want[*k]. */
static void
want_window(struct batch *b, size_t from, size_t to, struct input *want, size_t *k)
{
	prepare_window(b, from, to);
	for (size_t i = from; i < to; i++)
		if (b->wl.v[i].state == WORK_PENDING)
			want[(*k)++] = b->wl.v[i].in;
}

/*
 * The window [from, to) of at most window articles: their API answers (the
 * window's own, unless the previous window fetched them ahead), their
 * pictures together with the next window's API answers (so that no
 * connection waits for the other kind), then the books.  *prepared: the
 * items resolved so far.
 */
static void
run_window(struct batch *b, size_t from, size_t to, size_t window, size_t *prepared)
{
	size_t n = b->wl.n, next_to = to + window < n ? to + window : n, k = 0, na = 0;
	struct input *want = xcalloc(window, sizeof *want);
	struct article **arts = xcalloc(window, sizeof *arts);
	char **keys = xcalloc(window, sizeof *keys);
	struct worklist_item *v = b->wl.v;

	if (*prepared < to) {
		want_window(b, from, to, want, &k);
		load_prefetch(b->r, want, k);
	}
	for (size_t i = from; i < to; i++)
		if (v[i].state != WORK_PENDING)
			b->finished++;
	/* read the window's articles, fetch all their pictures at once, then write each */
	for (size_t i = from; i < to; i++)
		if (v[i].state == WORK_PENDING)
			load_item(b, &v[i]);
	k = 0;
	if (!b->o->combine && to < n) {
		want_window(b, to, next_to, want, &k);
		*prepared = next_to;
	}
	for (size_t i = from; i < to; i++)
		if (v[i].state == WORK_PENDING && v[i].a) {
			keys[na] = load_key(&v[i].in);
			arts[na++] = v[i].a;
		}
	if (!b->o->combine && (na > 1 || k > 0)) {
		show_label(b, NULL, na);
		load_prefetch_pictures(b->r, arts, (const char *const *)keys, na, want, k);
	}
	for (size_t i = 0; i < na; i++)
		free(keys[i]);
	free(keys);
	free(arts);
	free(want);
	if (b->have_lib)
		plan_window(b, from, to);
	for (size_t i = from; i < to; i++)
		if (v[i].state == WORK_PENDING && v[i].a)
			write_item(b, &v[i]);
}

/* --- the end ---------------------------------------------------------------------- */

static int
by_pub_asc(const void *x, const void *y)
{
	const struct article *a = *(struct article *const *)x, *b = *(struct article *const *)y;

	return a->pub_ts < b->pub_ts ? -1 : a->pub_ts > b->pub_ts ? 1 : strcmp(a->id, b->id);
}

/*
 * The list entry of a 文集's article it (a chapter item), or NULL: a
 * --combine book shows a notice in the place of one that could not be had,
 * as the 文集's own book does.
 */
static const struct series_chapter *
chapter_of(const struct batch *b, const struct worklist_item *it)
{
	for (size_t i = 0; i < b->wl.nlists; i++) {
		const struct series *s = b->wl.lists[i].s;

		for (size_t j = 0; s && j < s->n; j++) {
			const struct series_chapter *ch = &s->v[j];

			if ((it->in.kind == INPUT_CV && strcmp(it->in.id, ch->cv) == 0) ||
			    (it->in.kind == INPUT_OPUS && ch->opus && strcmp(it->in.id, ch->opus) == 0))
				return ch;
		}
	}
	return NULL;
}

static enum archive_result
write_combined(struct batch *b, struct err *e)
{
	struct article **v = xcalloc(b->wl.n ? b->wl.n : 1, sizeof *v);
	struct article **gaps = xcalloc(b->wl.n ? b->wl.n : 1, sizeof *gaps);
	size_t n = 0, ngaps = 0, read;
	enum archive_result res;

	for (size_t i = 0; i < b->wl.n; i++) {
		const struct worklist_item *it = &b->wl.v[i];
		const struct series_chapter *ch;

		if (it->a)
			v[n++] = it->a;
		else if (it->chapter && it->state == WORK_FAILED &&
		    (ch = chapter_of(b, it)) != NULL)
			v[n++] = gaps[ngaps++] = readlist_gap(ch, it->reason ? it->reason : "", b->o->lang);
	}
	read = n - ngaps;
	if (read == 0) {
		for (size_t i = 0; i < ngaps; i++)
			article_free(gaps[i]);
		free(gaps);
		free(v);
		err_set(e, "no article could be read; '%s' not written", b->o->output);
		return ARCHIVE_FAILED;
	}
	qsort(v, n, sizeof *v, by_pub_asc);
	res = archive_write_combined(b->r, v, n, b->o->output, e);
	if (res != ARCHIVE_FAILED)
		log_status("wrote %zu articles into '%s'%s", read, b->o->output,
		    ngaps ? " (and a notice for each 文集 chapter that could not be had)" : "");
	for (size_t i = 0; i < ngaps; i++)
		article_free(gaps[i]);
	free(gaps);
	free(v);
	return res;
}

static void
write_failed_list(struct batch *b)
{
	struct buf out;
	struct err e;

	buf_init(&out, 0);
	for (size_t i = 0; i < b->wl.n; i++)
		if (b->wl.v[i].state == WORK_FAILED)
			buf_addf(&out, "%s\n", worklist_id(&b->wl.v[i]));
	for (size_t i = 0; i < b->wl.nlists; i++)
		if (b->wl.lists[i].state == WORK_FAILED)
			buf_addf(&out, "rl%s\n", b->wl.lists[i].rl);
	err_init(&e);
	if (file_write_atomic(b->o->failed_list, buf_str(&out), out.len, false, &e) < 0)
		log_error("--failed-list: %s", e.msg);
	buf_release(&out);
}

static enum archive_result
summary(struct batch *b)
{
	size_t count[WORK_INCOMPLETE + 1] = { 0 };

	size_t lists[WORK_INCOMPLETE + 1] = { 0 }, gaps = 0;

	for (size_t i = 0; i < b->wl.n; i++) {
		/* a 文集's article that cannot be had leaves a gap in it: the 文集 is incomplete */
		if (b->wl.v[i].chapter && b->wl.v[i].state == WORK_FAILED)
			gaps++;
		else
			count[b->wl.v[i].state]++;
	}
	for (size_t i = 0; i < b->wl.nlists; i++)
		lists[b->wl.lists[i].state]++;
	log_status("%zu articles: %zu done, %zu skipped, %zu failed, %zu incomplete", b->wl.n,
	    count[WORK_DONE], count[WORK_SKIPPED], count[WORK_FAILED] + gaps, count[WORK_INCOMPLETE]);
	if (b->wl.nlists)
		log_status("%zu 文集: %zu done, %zu skipped, %zu failed, %zu incomplete", b->wl.nlists,
		    lists[WORK_DONE], lists[WORK_SKIPPED], lists[WORK_FAILED], lists[WORK_INCOMPLETE]);
	count[WORK_FAILED] += lists[WORK_FAILED];
	count[WORK_INCOMPLETE] += lists[WORK_INCOMPLETE] + gaps;
	if (count[WORK_FAILED]) {
		/* the failures again, together, where the summary is read */
		for (size_t i = 0; i < b->wl.n; i++)
			if (b->wl.v[i].state == WORK_FAILED && !b->wl.v[i].chapter)
				log_error("failed: %s", b->wl.v[i].reason);
		for (size_t i = 0; i < b->wl.nlists; i++)
			if (b->wl.lists[i].state == WORK_FAILED)
				log_error("failed: %s", b->wl.lists[i].reason);
	}
	if (b->o->failed_list)
		write_failed_list(b);
	if (count[WORK_FAILED])
		return ARCHIVE_FAILED;
	return count[WORK_INCOMPLETE] ? ARCHIVE_INCOMPLETE : ARCHIVE_OK;
}

/*
 * Set up where the books go (not with --combine): the directory, its
 * manifest and namer, and for a library site or a directory of Markdown
 * documents the map of its pages.  -1 with e set when the directory cannot
 * be had.
 */
static int
set_up_dir(struct batch *b, struct err *e)
{
	const struct archive_opts *o = b->o;
	bool md = opts_pick_format(o->format, "") == FORMAT_MD;

	b->site = wants_site(o);
	b->dir = xstrdup(o->output ? o->output : ".");
	if (file_mkdirs(b->dir, e) < 0 || manifest_load(&b->m, b->dir, e) < 0)
		return -1;
	/* even when every book is there already: clear what a killed run left */
	file_sweep_temps(b->dir);
	name_init(&b->names, &b->m, b->dir, b->site ? ".html" : md ? ".md" : ".epub",
	    o->name_template, b->site);
	if (b->site || md) {
		library_init(&b->lib, o, b->dir, &b->m, !b->site);
		b->have_lib = true;
	}
	return 0;
}

/*
 * After the windows: the one book (--combine), a library site's 文集
 * pages, links and index, or a Markdown directory's links.  Returns how that went (ARCHIVE_OK when there
 * is nothing to do); a failure is said here, and e left clear.
 */
static enum archive_result
finish(struct batch *b, struct err *e)
{
	enum archive_result res = ARCHIVE_OK;
	struct err ie;

	session_set_library(b->r, NULL);
	if (b->o->progress)
		log_progress_end();
	session_set_label(b->r, NULL);
	if (b->o->combine) {
		for (size_t i = 0; i < b->wl.nlists; i++)
			if (b->wl.lists[i].state == WORK_PENDING)
				b->wl.lists[i].state = WORK_DONE;
		res = write_combined(b, e);
		if (res == ARCHIVE_FAILED) {
			log_error("%s", e->msg);
			err_init(e);
		}
	} else if (b->site) {
		for (size_t i = 0; i < b->wl.nlists; i++)
			if (b->wl.lists[i].s && b->wl.lists[i].state == WORK_PENDING)
				write_list_page(b, &b->wl.lists[i]);
		/* the pages other runs added meanwhile (--shard workers) are linked and listed too */
		err_init(&ie);
		if (manifest_lock(&b->m, &ie) == 0)
			manifest_unlock(&b->m);
		library_map_pages(&b->lib);
		library_relink(&b->lib);
		err_init(&ie);
		if (library_write_index(&b->lib, &ie) < 0) {
			log_error("library index: %s", ie.msg);
			res = ARCHIVE_FAILED;
		}
	} else if (b->have_lib) {
		/* Markdown: the documents written before an article they link to, linked to its document */
		err_init(&ie);
		if (manifest_lock(&b->m, &ie) == 0)
			manifest_unlock(&b->m);
		library_map_pages(&b->lib);
		library_relink(&b->lib);
	}
	return res;
}

enum archive_result
batch_run(const struct archive_opts *o, struct err *e)
{
	struct batch b;
	enum archive_result res = ARCHIVE_FAILED, end;
	size_t window = o->net.jobs > WINDOW_MIN ? (size_t)o->net.jobs : WINDOW_MIN;

	memset(&b, 0, sizeof b);
	b.o = o;
	if ((b.r = session_new(o, e)) == NULL)
		return ARCHIVE_FAILED;
	if (worklist_gather(&b.wl, b.r, e) < 0)
		goto out;
	if (b.wl.n == 0) {
		/* --shard: none of the articles named is this worker's */
		res = ARCHIVE_OK;
		goto out;
	}
	if (o->combine && o->output == NULL) {
		err_set(e, "--combine needs -o BOOK.epub");
		goto out;
	}
	if (!o->combine && set_up_dir(&b, e) < 0)
		goto out;
	/* the 文集 among the inputs: a book each now, or their articles as items */
	worklist_take_lists(&b.wl, b.r, o->combine || b.site);
	for (size_t i = 0; !o->combine && !b.site && i < b.wl.nlists; i++)
		write_list_book(&b, &b.wl.lists[i]);
	for (size_t from = 0, prepared = 0; from < b.wl.n; from += window)
		run_window(&b, from, from + window < b.wl.n ? from + window : b.wl.n, window, &prepared);
	end = finish(&b, e);
	res = summary(&b);
	if (end == ARCHIVE_FAILED)
		res = ARCHIVE_FAILED;
	else if (end == ARCHIVE_INCOMPLETE && res == ARCHIVE_OK)
		res = ARCHIVE_INCOMPLETE;
out:
	worklist_release(&b.wl);
	readlist_places_release(&b.places);
	free(b.dir);
	name_release(&b.names);
	manifest_release(&b.m);
	session_finish(b.r, &res);
	session_free(b.r);
	if (b.have_lib)
		library_release(&b.lib);
	return res;
}
