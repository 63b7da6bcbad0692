/*
 * index: a hash index over the elements of a caller's array, so that finding
 * an element by its key takes constant time however many there are.
 *
 * The index holds positions in the caller's array, never the elements: the
 * array may move (XGROW) and keeps its own ownership.  The caller says how an
 * element's key is compared (same) and hashed (hash_of, used when the index
 * grows); index_hash() is the hash for string keys.  Open addressing with
 * linear probing, at most half full.
 *
 * Used by the picture table (assets.c), the map of local links (links.c), the
 * API answers a batch fetched ahead (api.c), the names a batch has given
 * (name.c) and the articles a batch has met (worklist.c).
 */
#ifndef OA_INDEX_H
#define OA_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INDEX_EMPTY SIZE_MAX

struct index {
	size_t *slots;          /* owned: positions, INDEX_EMPTY where none */
	size_t nslots;          /* a power of two; 0 before the first add */
	size_t n;               /* positions held */
};

/* Does the element at position pos have the key key? */
typedef bool index_same_fn(size_t pos, const void *key, const void *ctx);
/* The hash of the key of the element at position pos. */
typedef uint64_t index_hash_fn(size_t pos, const void *ctx);

/* An empty index needs no set-up: struct index x = { 0 }. */
void index_release(struct index *x);
/*
 * Return the position of the element whose key is key (hash h), or
 * INDEX_EMPTY.
 */
size_t index_find(const struct index *x, uint64_t h, const void *key, index_same_fn *same,
    const void *ctx);
/* Add position pos with hash h (the caller knows its key is not there yet). */
void index_add(struct index *x, uint64_t h, size_t pos, index_hash_fn *hash_of, const void *ctx);
/* FNV-1a of the string s: a hash for string keys, not for security. */
uint64_t index_hash(const char *s);

/*
 * The common case: the key is a string (compared with strcmp) that every
 * element of the array v, of elements of size bytes, holds as a char * at
 * byte offset off (offsetof(struct x, key); 0 for an array of char *).
 */
size_t index_find_str(const struct index *x, const char *key, const void *v, size_t size,
    size_t off);
/* Add position pos of v (the caller knows its key is not there yet). */
void index_add_str(struct index *x, size_t pos, const void *v, size_t size, size_t off);

#endif
