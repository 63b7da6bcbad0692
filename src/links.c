#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
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
	memset(l, 0, sizeof *l);
}

static const struct local_link *
find(const struct links *l, enum input_kind kind, const char *id)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (l->v[i].kind == kind && strcmp(l->v[i].id, id) == 0)
			return &l->v[i];
	return NULL;
}

void
links_add(struct links *l, enum input_kind kind, const char *id, const char *href)
{
	struct local_link *x;

	if (id == NULL || *id == '\0' || find(l, kind, id))
		return;
	XGROW(l->v, l->cap, l->n + 1);
	x = &l->v[l->n++];
	x->kind = kind;
	x->id = xstrdup(id);
	x->href = xstrdup(href);
}

const char *
links_local(const struct links *l, const char *url)
{
	const struct local_link *x = NULL;
	struct input in;
	struct err e;

	/* only absolute addresses: a bare "123" or "cv5" in an href is not an article */
	if (l == NULL || l->n == 0 || url == NULL ||
	    (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	err_init(&e);
	if (input_parse(url, &in, &e) < 0)
		return NULL;
	if (in.kind != INPUT_SHORT)
		x = find(l, in.kind, in.id);
	input_release(&in);
	return x ? x->href : NULL;
}
