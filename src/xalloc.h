/*
 * xalloc: allocation that never returns NULL.
 *
 * Out of memory is not a condition this program can recover from in any useful
 * way, so (like tmux, jq and git) every allocation goes through these wrappers,
 * which print one line and abort.  Callers never check for NULL.
 */
#ifndef OA_XALLOC_H
#define OA_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
/* Resize p to nmemb * size bytes, aborting on overflow of the product. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
/* Return a copy of s; xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
/* Return a NUL-terminated copy of the first n bytes of s. */
char *xstrndup(const char *s, size_t n);
/* Return a newly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Free the n strings of v (NULL ones too) and v itself. */
void xfree_strings(char **v, size_t n);

/* Grow *v (holding *cap elements of size sz) so that it can hold need elements. */
void xgrow(void **v, size_t *cap, size_t need, size_t sz);
#define XGROW(v, cap, need) xgrow((void **)&(v), &(cap), (need), sizeof(*(v)))
/*
 * Append a zeroed element to *v (holding *n elements, room for *cap), grown as
 * by xgrow(), and return it: the one shape of every "push" that hands back
 * a new element for the caller to fill.
 */
void *xpush(void **v, size_t *cap, size_t *n, size_t sz);
#define XPUSH(v, cap, n) xpush((void **)&(v), &(cap), &(n), sizeof(*(v)))

#endif
