#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "file.h"
#include "log.h"
#include "oldbook.h"
#include "pictures.h"
#include "xalloc.h"

static void
add_picture(const char *url, void *ctx)
{
	assets_add(ctx, url);
}

void
pictures_of(const struct article *a, struct assets *t)
{
	article_each_picture(a, add_picture, t);
}

/*
 * What is fetched for a picture, and what its cache entry is named after:
 * the original, or with --max-image-width the server's scaled copy (spec §4,
 * "@<n>w"), which is a different picture and so a different cache entry.
 * Caller frees.
 */
static char *
picture_source(const struct archive_opts *o, const char *key)
{
	if (o->max_image_width > 0)
		return xasprintf("%s@%dw", key, o->max_image_width);
	return xstrdup(key);
}

static char *
picture_cache_path(const struct cache *c, const struct archive_opts *o, const char *key)
{
	char *src = picture_source(o, key);
	char *path = cache_picture_path(c, src);

	free(src);
	return path;
}

/* The same picture from the image server as PNG or JPEG, through its "@" suffix (spec §4). */
static char *
converted_url(const struct archive_opts *o, const char *key)
{
	const char *dot = strrchr(key, '.');
	bool png = dot && (strcasecmp(dot, ".png") == 0 || strcasecmp(dot, ".gif") == 0);
	char width[32] = "";

	if (o->max_image_width > 0)
		snprintf(width, sizeof width, "%dw", o->max_image_width);
	return xasprintf("%s@%s%s", key, width, png ? ".png" : ".jpg");
}

int
pictures_download(struct session *r, const char *what, struct assets *t,
    const char *const *tags, struct fetch_job *extra, size_t nextra, struct err *e)
{
	const struct net_opts *n = &r->o->net;
	struct fetch_job *jobs;
	struct asset **who;
	char **paths, **urls;
	size_t nj = 0;

	if (session_net_up(r, e) < 0)
		return -1;
	jobs = xcalloc(t->n + nextra ? t->n + nextra : 1, sizeof *jobs);
	who = xcalloc(t->n ? t->n : 1, sizeof *who);
	paths = xcalloc(t->n ? t->n : 1, sizeof *paths);
	urls = xcalloc(t->n ? t->n : 1, sizeof *urls);
	for (size_t i = 0; i < t->n; i++) {
		char *path;

		if (t->v[i].state == ASSET_READY)
			continue;       /* had already (from an old book) */
		path = picture_cache_path(&r->cache, r->o, t->v[i].key);
		if (file_exists(path)) {
			free(path);
			continue;
		}
		urls[nj] = picture_source(r->o, t->v[i].key);
		jobs[nj].url = urls[nj];
		jobs[nj].referer = "https://www.bilibili.com/";
		jobs[nj].kind = FETCH_PICTURE;
		jobs[nj].max_bytes = n->max_image_size;
		jobs[nj].dest = path;
		jobs[nj].tag = tags ? tags[i] : NULL;
		paths[nj] = path;
		who[nj++] = &t->v[i];
	}
	/* the extra transfers (the next articles' API answers) go along, after the pictures */
	for (size_t i = 0; i < nextra; i++)
		jobs[nj + i] = extra[i];
	if (nj + nextra > 0) {
		if (nj > 0)
			log_info("%s%s: downloading %zu pictures", *what ? article_kind(what) : "",
			    *what ? what : "several articles", nj);
		r->current = what;
		fetch_run(r->f, jobs, nj + nextra, r->o->progress ? session_progress : NULL, r);
		r->current = "";
		for (size_t i = 0; i < nextra; i++)
			extra[i] = jobs[nj + i];
		for (size_t i = 0; i < nj; i++) {
			if (!jobs[i].ok) {
				free(who[i]->problem);
				who[i]->problem = xasprintf("download failed: %s", jobs[i].error);
			}
			buf_release(&jobs[i].body);
			free(jobs[i].effective_url);
		}
	}
	for (size_t i = 0; i < nj; i++) {
		free(paths[i]);
		free(urls[i]);
	}
	free(jobs);
	free(who);
	free(paths);
	free(urls);
	return 0;
}

/* Settle as from the file at path; an unreadable cache file is a missing picture, not a failed book. */
static void
settle(struct asset *as, const char *path)
{
	struct err e;

	err_init(&e);
	if (asset_settle(as, path, &e) < 0) {
		as->state = ASSET_MISSING;
		free(as->problem);
		as->problem = xstrdup(e.msg);
	}
}

/* Ask again, as PNG or JPEG, for the pictures that came as WebP or AVIF. */
static void
convert_unusable(struct session *r, struct assets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];
		struct fetch_job job;
		char *url, *path;

		if (as->state != ASSET_UNUSABLE || (as->media != MEDIA_WEBP && as->media != MEDIA_AVIF))
			continue;
		url = converted_url(r->o, as->key);
		path = picture_cache_path(&r->cache, r->o, as->key);
		memset(&job, 0, sizeof job);
		job.url = url;
		job.referer = "https://www.bilibili.com/";
		job.kind = FETCH_PICTURE;
		job.max_bytes = r->o->net.max_image_size;
		job.dest = path;
		log_info("picture '%s' came as %s; asking for '%s'", as->key, media_type(as->media), url);
		fetch_run(r->f, &job, 1, NULL, NULL);
		if (job.ok) {
			settle(as, path);
			if (as->state == ASSET_READY)
				log_info("picture '%s': converted copy is %s", as->key,
				    media_type(as->media));
		} else {
			free(as->problem);
			as->problem = xasprintf("it came as WebP or AVIF, and asking for PNG or JPEG failed: %s",
			    job.error);
		}
		buf_release(&job.body);
		free(job.effective_url);
		free(url);
		free(path);
	}
}

/*
 * The pictures the old book holds (checked against their names when the
 * book was read).  only (--from-epub): the others are missing; else they are
 * left PENDING for the cache and the network.
 */
static void
from_book(const struct oldbook *book, struct assets *t, bool only)
{
	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];
		const struct oldbook_picture *p = oldbook_picture_for(book, as->key);
		struct err e;

		err_init(&e);
		if (p == NULL && !only) {
			continue;
		} else if (p == NULL) {
			as->state = ASSET_MISSING;
			free(as->problem);
			as->problem = xstrdup(book->has_map ? "not in the book it is rebuilt from" :
			    "not in the book it is rebuilt from, or not found there: that book "
			    "does not say which picture came from where");
		} else if (asset_settle_bytes(as, p->data, p->len, &e) < 0) {
			as->state = ASSET_MISSING;
			free(as->problem);
			as->problem = xstrdup(e.msg);
		}
	}
}

/* Settle as from the cache; false when the cache does not hold it. */
static bool
from_cache(struct session *r, struct asset *as)
{
	char *path = picture_cache_path(&r->cache, r->o, as->key);
	bool have = file_exists(path);

	if (have)
		settle(as, path);
	free(path);
	return have;
}

size_t
pictures_had_now(struct session *r, const char *what, struct assets *t)
{
	struct err e;
	size_t had = 0;

	err_init(&e);
	if (!r->o->offline && pictures_download(r, what, t, NULL, NULL, 0, &e) < 0)
		log_info("%s: %s", what, e.msg);
	for (size_t i = 0; i < t->n; i++)
		if (from_cache(r, &t->v[i]) && t->v[i].state == ASSET_READY)
			had++;
	return had;
}

size_t
pictures_gather(struct session *r, const char *what, struct assets *t)
{
	bool online = !r->o->offline && !r->book_only;
	size_t bad = 0;
	struct err e;

	err_init(&e);
	if (r->book) {
		from_book(r->book, t, r->book_only);
		if (r->book_only)
			goto count;
	}
	if (online && pictures_download(r, what, t, NULL, NULL, 0, &e) < 0) {
		/* no network at all: every missing picture becomes a placeholder */
		log_warn("%s%s: %s", article_kind(what), what, e.msg);
		online = false;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct asset *as = &t->v[i];

		if (as->state == ASSET_READY)
			continue;       /* from the old book */
		if (!from_cache(r, as)) {
			as->state = ASSET_MISSING;
			if (as->problem == NULL)
				as->problem = xstrdup(r->o->offline ?
				    "not in the cache, and --offline is set" : "not in the cache");
		}
	}
	if (online)
		convert_unusable(r, t);
count:
	for (size_t i = 0; i < t->n; i++) {
		const struct asset *as = &t->v[i];

		if (as->state != ASSET_READY) {
			bad++;
			log_warn("%s%s: picture '%s': %s", article_kind(what), what, as->key, as->problem);
		}
	}
	return bad;
}
