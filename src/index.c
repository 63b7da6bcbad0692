#include "config.h"

#include <stdlib.h>

#include "index.h"
#include "xalloc.h"

void
index_release(struct index *x)
{
	free(x->slots);
	x->slots = NULL;
	x->nslots = x->n = 0;
}

size_t
index_find(const struct index *x, uint64_t h, const void *key, index_same_fn *same,
    const void *ctx)
{
	size_t mask = x->nslots - 1;

	if (x->nslots == 0)
		return INDEX_EMPTY;
	for (size_t i = (size_t)h & mask; ; i = (i + 1) & mask)
		if (x->slots[i] == INDEX_EMPTY || same(x->slots[i], key, ctx))
			return x->slots[i];
}

/* Put pos into the first free slot from h on (there is always one: half are free). */
static void
place(struct index *x, uint64_t h, size_t pos)
{
	size_t mask = x->nslots - 1, i = (size_t)h & mask;

	while (x->slots[i] != INDEX_EMPTY)
		i = (i + 1) & mask;
	x->slots[i] = pos;
}

void
index_add(struct index *x, uint64_t h, size_t pos, index_hash_fn *hash_of, const void *ctx)
{
	if (2 * (x->n + 1) > x->nslots) {
		size_t *old = x->slots, nold = x->nslots;

		x->nslots = nold ? 2 * nold : 16;
		x->slots = xreallocarray(NULL, x->nslots, sizeof *x->slots);
		for (size_t i = 0; i < x->nslots; i++)
			x->slots[i] = INDEX_EMPTY;
		for (size_t i = 0; i < nold; i++)
			if (old[i] != INDEX_EMPTY)
				place(x, hash_of(old[i], ctx), old[i]);
		free(old);
	}
	place(x, h, pos);
	x->n++;
}

uint64_t
index_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}
