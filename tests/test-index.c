/* Unit tests for index.c: positions found by key through growth, collisions kept apart. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "tap.h"

static char keys[20000][16];

static bool
same(size_t pos, const void *key, const void *ctx)
{
	(void)ctx;
	return strcmp(keys[pos], key) == 0;
}

static uint64_t
hash_of(size_t pos, const void *ctx)
{
	(void)ctx;
	return index_hash(keys[pos]);
}

/* Every key hashes alike: the index must still tell them apart by same(). */
static uint64_t
hash_const(size_t pos, const void *ctx)
{
	(void)pos;
	(void)ctx;
	return 7;
}

int
main(void)
{
	struct index x = { 0 }, c = { 0 };
	size_t n = sizeof keys / sizeof keys[0], wrong = 0;

	ok(index_find(&x, index_hash("a"), "a", same, NULL) == INDEX_EMPTY, "an empty index finds nothing");
	for (size_t i = 0; i < n; i++) {
		snprintf(keys[i], sizeof keys[i], "key%zu", i);
		index_add(&x, index_hash(keys[i]), i, hash_of, NULL);
	}
	ok(x.n == n && x.nslots >= 2 * n, "20,000 added, at most half full (%zu slots)", x.nslots);
	for (size_t i = 0; i < n; i++)
		if (index_find(&x, index_hash(keys[i]), keys[i], same, NULL) != i)
			wrong++;
	ok(wrong == 0, "each found at its position after growing (%zu wrong)", wrong);
	ok(index_find(&x, index_hash("key20000"), "key20000", same, NULL) == INDEX_EMPTY,
	    "a key not added is not found");
	ok(index_hash("") == 1469598103934665603ULL && index_hash("a") != index_hash("b"),
	    "FNV-1a: the offset basis for the empty string");
	for (size_t i = 0; i < 100; i++)
		index_add(&c, 7, i, hash_const, NULL);
	wrong = 0;
	for (size_t i = 0; i < 100; i++)
		if (index_find(&c, 7, keys[i], same, NULL) != i)
			wrong++;
	ok(wrong == 0, "100 colliding keys told apart (%zu wrong)", wrong);
	{
		struct entry { int other; char *name; } v[300];
		struct index s = { 0 };

		wrong = 0;
		for (size_t i = 0; i < 300; i++) {
			v[i].name = keys[i];
			index_add_str(&s, i, v, sizeof v[0], offsetof(struct entry, name));
		}
		for (size_t i = 0; i < 300; i++)
			if (index_find_str(&s, keys[i], v, sizeof v[0], offsetof(struct entry, name)) != i)
				wrong++;
		ok(wrong == 0 && index_find_str(&s, "key300", v, sizeof v[0],
		    offsetof(struct entry, name)) == INDEX_EMPTY,
		    "string keys inside structs: 300 found, an absent one not (%zu wrong)", wrong);
		index_release(&s);
	}
	index_release(&x);
	index_release(&c);
	ok(x.slots == NULL && x.nslots == 0 && x.n == 0, "released");
	return done_testing();
}
