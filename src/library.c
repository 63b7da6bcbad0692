#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "file.h"
#include "library.h"
#include "log.h"
#include "md.h"
#include "model.h"
#include "name.h"
#include "render.h"
#include "xalloc.h"

/* The path of page name in the library (caller frees). */
static char *
page_path(const struct library *l, const char *name)
{
	char *file = xasprintf("%s%s", name, l->ext);
	char *path = file_join(l->dir, file);

	free(file);
	return path;
}

void
library_map_pages(struct library *l)
{
	const struct manifest *m = l->m;

	/* the pages there, under their article's id and the opus id each was asked by */
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *en = &m->v[i];
		char *path;

		/* a 文集's page (or Markdown index) is no article's: no link can lead to it */
		if (strncmp(en->id, "rl", 2) == 0)
			continue;
		path = page_path(l, en->name);
		if (file_exists(path)) {
			char *page = xasprintf("%s%s", en->name, l->ext);

			links_add_article(&l->pages, en->id, NULL, page);
			if (en->alias && *en->alias)
				links_add_article(&l->pages, en->alias, NULL, page);
			free(page);
		}
		free(path);
	}
}

void
library_init(struct library *l, const struct archive_opts *o, const char *dir,
    struct manifest *m, bool md)
{
	l->o = o;
	l->dir = dir;
	l->m = m;
	l->ext = md ? ".md" : ".html";
	links_init(&l->pages);
	library_map_pages(l);
}

void
library_release(struct library *l)
{
	links_release(&l->pages);
}

void
library_plan(struct library *l, const char *id, const char *cv_id, const char *name)
{
	char *page = xasprintf("%s%s", name, l->ext);

	links_add_article(&l->pages, id, cv_id, page);
	free(page);
}

const struct links *
library_pages(const struct library *l)
{
	return &l->pages;
}

void
library_relink(struct library *l)
{
	int n = 0;

	for (size_t i = 0; i < l->m->n; i++) {
		char *path = page_path(l, l->m->v[i].name), *page = NULL, *fixed = NULL;
		char *self = xasprintf("%s%s", l->m->v[i].name, l->ext);
		size_t len, flen;
		struct err e;
		int rc;

		err_init(&e);
		if (file_read(path, 64u << 20, &page, &len, &e) == 0) {
			if (strcmp(l->ext, ".md") == 0)
				rc = md_relink(page, len, &l->pages, self, &fixed, &flen);
			else
				rc = render_relink(page, len, &l->pages, self, &fixed, &flen, &e);
			if (rc < 0)
				log_warn("library: cannot read the links of '%s': %s", path, e.msg);
			else if (rc > 0 && file_write_atomic(path, fixed, flen, false, &e) < 0)
				log_warn("library: cannot update the links of '%s': %s", path, e.msg);
			else if (rc > 0)
				n++;
		}
		free(fixed);
		free(self);
		free(page);
		free(path);
	}
	if (n > 0)
		log_info("library: %d earlier pages now link to articles added since", n);
}

enum archive_result
library_series_page(struct library *l, struct namer *nm, const char *rl, const struct series *s,
    struct err *e)
{
	struct index_entry *v = xcalloc(s->n ? s->n : 1, sizeof *v);
	char **hrefs = xcalloc(s->n ? s->n : 1, sizeof *hrefs);
	char *key = xasprintf("rl%s", rl), *name;
	struct article *front = article_new();
	const char *thumb = NULL;
	bool zh = strncmp(l->o->lang, "zh", 2) == 0;
	enum archive_result res = ARCHIVE_FAILED;
	size_t gaps = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct series_chapter *ch = &s->v[i];
		char *cv = xasprintf("cv%s", ch->cv);
		const struct manifest_entry *en = manifest_find(l->m, cv);
		char *path;

		if (en == NULL && ch->opus)
			en = manifest_find(l->m, ch->opus);
		path = en ? page_path(l, en->name) : NULL;
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
	name = name_claim(nm, front);
	if (assemble_series_page(l->o, l->dir, name, front->title, s->summary, v, s->n, e) < 0) {
		err_prefix(e, "%s", key);
	} else {
		/* a copy: the entry it comes from may move when the manifest grows */
		char *cover = xstrdup(thumb ? thumb : ""), *where = page_path(l, name);
		struct manifest_entry me = {
			key, name, front->pub_ts, front->title,
			front->author_name ? front->author_name : "", cover, "",
		};
		struct err me_e;

		res = gaps ? ARCHIVE_INCOMPLETE : ARCHIVE_OK;
		err_init(&me_e);
		if (manifest_put(l->m, &me, &me_e) < 0)
			log_warn("%s (later runs will not know that %s is done)", me_e.msg, key);
		free(cover);
		log_status("%s: '%s' -> %s%s", key, front->title, where, gaps ? " (incomplete)" : "");
		free(where);
	}
	for (size_t i = 0; i < s->n; i++)
		free(hrefs[i]);
	free(hrefs);
	free(v);
	free(key);
	free(name);
	article_free(front);
	return res;
}

static int
by_date_desc(const void *x, const void *y)
{
	const struct index_entry *a = x, *b = y;

	return a->date < b->date ? 1 : a->date > b->date ? -1 : strcmp(a->href, b->href);
}

int
library_write_index(const struct library *l, struct err *e)
{
	const struct manifest *m = l->m;
	struct index_entry *v = xcalloc(m->n ? m->n : 1, sizeof *v);
	char **hrefs = xcalloc(m->n ? m->n : 1, sizeof *hrefs);
	size_t n = 0;
	int rc;

	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *en = &m->v[i];
		char *page = page_path(l, en->name);
		bool have = file_exists(page);

		free(page);
		if (!have)
			continue;       /* removed by hand since: not listed */
		hrefs[n] = xasprintf("%s.html", en->name);
		v[n].title = en->title;
		v[n].author = en->author && *en->author ? en->author : NULL;
		v[n].date = en->date;
		v[n].href = hrefs[n];
		v[n].thumb = en->cover && *en->cover ? en->cover : NULL;
		n++;
	}
	qsort(v, n, sizeof *v, by_date_desc);
	rc = assemble_index(l->o, l->dir, v, n, e);
	for (size_t i = 0; i < n; i++)
		free(hrefs[i]);
	free(hrefs);
	free(v);
	return rc;
}

int
library_reindex(const struct archive_opts *o, const char *dir, struct err *e)
{
	struct manifest m;
	struct library l;
	size_t pages = 0;
	int rc;

	if (manifest_load(&m, dir, e) < 0)
		return -1;
	for (size_t i = 0; i < m.n; i++) {
		char *path = page_path(&(struct library){ .dir = dir, .ext = ".html" }, m.v[i].name);

		pages += file_exists(path);
		free(path);
	}
	if (pages == 0) {
		manifest_release(&m);
		return err_set(e, "--reindex '%s': no library site there (no page listed in its "
		    ".opus-archive.tsv)", dir);
	}
	library_init(&l, o, dir, &m, false);
	library_relink(&l);
	rc = library_write_index(&l, e);
	if (rc == 0)
		log_status("library '%s': %zu pages, index and links rebuilt", dir, pages);
	library_release(&l);
	manifest_release(&m);
	return rc;
}
