#include "config.h"

#include <stdlib.h>
#include <string.h>

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

/* Where the string keys of an array are (index_find_str and index_add_str). */
struct str_keys {
	const char *v;
	size_t size, off;
};

static const char *
key_at(const struct str_keys *k, size_t pos)
{
	return *(const char *const *)(k->v + pos * k->size + k->off);
}

static bool
same_str(size_t pos, const void *key, const void *ctx)
{
	return strcmp(key_at(ctx, pos), key) == 0;
}

static uint64_t
hash_str(size_t pos, const void *ctx)
{
	return index_hash(key_at(ctx, pos));
}

size_t
index_find_str(const struct index *x, const char *key, const void *v, size_t size, size_t off)
{
	struct str_keys k = { v, size, off };

	return index_find(x, index_hash(key), key, same_str, &k);
}

void
index_add_str(struct index *x, size_t pos, const void *v, size_t size, size_t off)
{
	struct str_keys k = { v, size, off };

	index_add(x, hash_str(pos, &k), pos, hash_str, &k);
}
