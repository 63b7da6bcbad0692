#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "index.h"
#include "links.h"
#include "xalloc.h"

void
links_init(struct links *l)
{
	memset(l, 0, sizeof *l);
}

void
links_release(struct links *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].href);
	}
	free(l->v);
	index_release(&l->by_id);
	memset(l, 0, sizeof *l);
}

/* The index hash of the id, told apart by the kind (cv 5 and opus 5 are two articles). */
static uint64_t
hash(enum input_kind kind, const char *id)
{
	return index_hash(id) ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ULL);
}

static uint64_t
hash_of(size_t pos, const void *ctx)
{
	const struct local_link *x = &((const struct links *)ctx)->v[pos];

	return hash(x->kind, x->id);
}

static bool
same(size_t pos, const void *key, const void *ctx)
{
	const struct local_link *x = &((const struct links *)ctx)->v[pos], *k = key;

	return x->kind == k->kind && strcmp(x->id, k->id) == 0;
}

/* Return the entry for kind/id in l alone, or NULL. */
static const struct local_link *
find_one(const struct links *l, enum input_kind kind, const char *id)
{
	struct local_link k = { kind, (char *)id, NULL };
	size_t pos = index_find(&l->by_id, hash(kind, id), &k, same, l);

	return pos == INDEX_EMPTY ? NULL : &l->v[pos];
}

/* Return the entry for kind/id in l or the maps after it (l->next ...), or NULL. */
static const struct local_link *
links_find(const struct links *l, enum input_kind kind, const char *id)
{
	for (; l; l = l->next) {
		const struct local_link *x = find_one(l, kind, id);

		if (x)
			return x;
	}
	return NULL;
}

void
links_add(struct links *l, enum input_kind kind, const char *id, const char *href)
{
	struct local_link *x;

	if (id == NULL || *id == '\0' || find_one(l, kind, id))
		return;
	XGROW(l->v, l->cap, l->n + 1);
	x = &l->v[l->n];
	x->kind = kind;
	x->id = xstrdup(id);
	x->href = xstrdup(href);
	index_add(&l->by_id, hash(kind, id), l->n++, hash_of, l);
}

void
links_add_article(struct links *l, const char *id, const char *cv_id, const char *href)
{
	/* a 专栏 article read from article/view is known by "cvN" */
	if (strncmp(id, "cv", 2) == 0)
		links_add(l, INPUT_CV, id + 2, href);
	else
		links_add(l, INPUT_OPUS, id, href);
	if (cv_id)
		links_add(l, INPUT_CV, cv_id, href);
}

const char *
links_local(const struct links *l, const char *url)
{
	const struct local_link *x = NULL;
	struct input in;
	struct err e;

	/* only absolute addresses: a bare "123" or "cv5" in an href is not an article */
	if (l == NULL || url == NULL ||
	    (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	err_init(&e);
	if (input_parse(url, &in, &e) < 0)
		return NULL;
	if (in.kind != INPUT_SHORT)
		x = links_find(l, in.kind, in.id);
	input_release(&in);
	return x ? x->href : NULL;
}
