/*
 * jsonval: read-only access to a parsed JSON document.
 *
 * The only module that includes json-c.  Parsers (opus.c, and later the 专栏
 * and API modules) walk documents through these accessors, so json-c types
 * never leak into the rest of the program.
 *
 * Ownership: jsv_parse() returns a root the caller frees with jsv_free(); every
 * other pointer returned here (values and strings) is borrowed from that root
 * and dies with it, so parsers copy what they keep into the model.
 */
#ifndef OA_JSONVAL_H
#define OA_JSONVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct jsv;     /* opaque: a value inside a parsed document */

enum jsv_type { JSV_NULL, JSV_BOOL, JSV_INT, JSV_DOUBLE, JSV_STRING, JSV_ARRAY, JSV_OBJECT };

/*
 * Parse the n bytes at buf as one JSON document nested at most max_depth deep.
 * Truncated input, trailing data and too deep nesting are errors with their
 * own messages (and the byte offset).  Returns the root or NULL with e set.
 * The tree borrows buf: a long document's arrays are read from it when their
 * elements are asked for, so buf must stay as it is until the last jsv_at()
 * on the tree (the tree may be freed before or after buf).
 */
struct jsv *jsv_parse(const char *buf, size_t n, int max_depth, struct err *e);
void jsv_free(struct jsv *root);
/*
 * Documents longer than n bytes are parsed piece by piece (see jsonval.c);
 * 16 KB unless a test sets it lower to compare the two ways on small input.
 */
void jsv_set_lazy_min(size_t n);
/* Whether v is an array whose elements are parsed when asked for (for tests). */
bool jsv_is_lazy(const struct jsv *v);

/* Return the type of v; a NULL v is JSV_NULL. */
enum jsv_type jsv_type(const struct jsv *v);
/* Return "string", "number", ... for messages. */
const char *jsv_type_name(const struct jsv *v);
/* Return member key of object v, or NULL when v is no object, lacks key or it is null. */
struct jsv *jsv_get(const struct jsv *v, const char *key);
/* Follow a dotted path of member names ("desc1.text"); NULL as jsv_get(). */
struct jsv *jsv_path(const struct jsv *v, const char *path);
/* Return the string of v and its length in *len (when not NULL), or NULL when v is no string. */
const char *jsv_str(const struct jsv *v, size_t *len);
/* Return true and the value when v is a number (an integer, or a double with no fraction). */
bool jsv_int(const struct jsv *v, long long *out);
bool jsv_double(const struct jsv *v, double *out);
/* Return the truth of a boolean v (false for anything else). */
bool jsv_true(const struct jsv *v);
/* Arrays: length (0 for a non-array) and element i. */
size_t jsv_len(const struct jsv *v);
struct jsv *jsv_at(const struct jsv *v, size_t i);
/*
 * Free element i of array v now (it reads as null from then on), for a reader
 * that is done with it: a long document's elements are then released one by
 * one as they are read instead of all at jsv_free.  Pointers into the element
 * die with it.  Nothing happens when v is not an array or i is out of range.
 */
void jsv_drop(struct jsv *v, size_t i);
/* Objects: call fn for every member (key, value); stops early when fn returns false. */
void jsv_each(const struct jsv *v, bool (*fn)(const char *key, struct jsv *val, void *ctx), void *ctx);

#endif
