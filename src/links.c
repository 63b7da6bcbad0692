#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hash.h"
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
	free(l->slots);
	memset(l, 0, sizeof *l);
}

/* The index hash of the id, told apart by the kind (cv 5 and opus 5 are two articles). */
static size_t
hash(enum input_kind kind, const char *id)
{
	return (size_t)(hash_index(id) ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ULL));
}

/* Return the slot holding kind/id in l alone, or the empty slot where it would go. */
static size_t *
slot_of(const struct links *l, enum input_kind kind, const char *id)
{
	size_t mask = l->nslots - 1;

	for (size_t i = hash(kind, id) & mask; ; i = (i + 1) & mask) {
		size_t *s = &l->slots[i];

		if (*s == SIZE_MAX || (l->v[*s].kind == kind && strcmp(l->v[*s].id, id) == 0))
			return s;
	}
}

static void
reindex(struct links *l, size_t nslots)
{
	free(l->slots);
	l->nslots = nslots;
	l->slots = xreallocarray(NULL, nslots, sizeof *l->slots);
	for (size_t i = 0; i < nslots; i++)
		l->slots[i] = SIZE_MAX;
	for (size_t i = 0; i < l->n; i++)
		*slot_of(l, l->v[i].kind, l->v[i].id) = i;
}

/* Return the entry for kind/id in l or the maps after it (l->next ...), or NULL. */
static const struct local_link *
links_find(const struct links *l, enum input_kind kind, const char *id)
{
	for (; l; l = l->next) {
		size_t *s;

		if (l->nslots == 0)
			continue;
		s = slot_of(l, kind, id);
		if (*s != SIZE_MAX)
			return &l->v[*s];
	}
	return NULL;
}

void
links_add(struct links *l, enum input_kind kind, const char *id, const char *href)
{
	struct local_link *x;
	size_t *s;

	if (id == NULL || *id == '\0')
		return;
	if (2 * (l->n + 1) > l->nslots)
		reindex(l, l->nslots ? 2 * l->nslots : 16);
	s = slot_of(l, kind, id);
	if (*s != SIZE_MAX)
		return;
	XGROW(l->v, l->cap, l->n + 1);
	*s = l->n;
	x = &l->v[l->n++];
	x->kind = kind;
	x->id = xstrdup(id);
	x->href = xstrdup(href);
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
