#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "file.h"
#include "log.h"
#include "warc.h"
#include "xalloc.h"

struct capture_slot {
	char *name;             /* the article's key, or CAPTURE_RUN */
	struct warc *w;         /* NULL once committed, or when it could not be made */
	bool failed;            /* it could not be made or written */
};

int
capture_init(struct capture *c, const struct archive_opts *o, struct err *e)
{
	memset(c, 0, sizeof *c);
	c->o = o;
	if (o->warc && !o->offline && (c->warc = warc_open(o->warc, o->args, o->nargs, e)) == NULL)
		return -1;
	return 0;
}

bool
capture_wanted(const struct capture *c)
{
	return c->o->warc || c->o->warc_dir;
}

/* --warc-dir: the slot of article name, made (with its file) when its first exchange comes. */
static struct capture_slot *
slot(struct capture *c, const char *name)
{
	struct capture_slot *s;
	struct err e;

	for (size_t i = 0; i < c->nslots; i++)
		if (strcmp(c->slots[i].name, name) == 0)
			return &c->slots[i];
	XGROW(c->slots, c->cap, c->nslots + 1);
	s = &c->slots[c->nslots++];
	s->name = xstrdup(name);
	s->w = NULL;
	s->failed = false;
	err_init(&e);
	if (file_mkdirs(c->o->warc_dir, &e) == 0) {
		char *near = xasprintf("%s/%s.warc.gz", c->o->warc_dir, name);

		s->w = warc_open(near, c->o->args, c->o->nargs, &e);
		free(near);
	}
	if (s->w == NULL) {
		log_error("--warc-dir: %s", e.msg);
		s->failed = true;
	}
	return s;
}

void
capture_exchange(void *ctx, const struct fetch_exchange *x)
{
	struct capture *c = ctx;

	if (c->o->warc_dir) {
		const char *name = x->tag ? x->tag : c->current ? c->current : CAPTURE_RUN;
		struct capture_slot *s = slot(c, name);

		if (s->w)
			warc_exchange(s->w, x);
	} else if (c->warc) {
		warc_exchange(c->warc, x);
	}
}

void
capture_set_current(struct capture *c, const char *key)
{
	c->current = key;
}

/* Put w in place at path and free it; a failure makes *res incomplete. */
static void
commit(struct warc *w, const char *path, enum archive_result *res)
{
	struct err e;
	size_t n = warc_count(w);

	err_init(&e);
	if (warc_commit(w, path, &e) < 0) {
		log_error("%s", e.msg);
		if (res && *res == ARCHIVE_OK)
			*res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("wrote '%s' (%zu HTTP exchanges)", path, n);
	}
}

void
capture_done(struct capture *c, const char *key, enum archive_result *res)
{
	for (size_t i = 0; i < c->nslots; i++) {
		struct capture_slot *s = &c->slots[i];

		if (strcmp(s->name, key) != 0)
			continue;
		if (s->w) {
			char *path = xasprintf("%s/%s.warc.gz", c->o->warc_dir, s->name);

			commit(s->w, path, res);
			s->w = NULL;
			free(path);
		} else if (s->failed && res && *res == ARCHIVE_OK) {
			*res = ARCHIVE_INCOMPLETE;
		}
	}
}

void
capture_all_done(struct capture *c, enum archive_result *res)
{
	if (c->warc) {
		commit(c->warc, c->o->warc, res);
		c->warc = NULL;
	}
	for (size_t i = 0; i < c->nslots; i++)
		capture_done(c, c->slots[i].name, res);
}

void
capture_release(struct capture *c)
{
	capture_all_done(c, NULL);
	for (size_t i = 0; i < c->nslots; i++)
		free(c->slots[i].name);
	free(c->slots);
	memset(c, 0, sizeof *c);
}
