/*
 * load: an article from what the user named to a parsed model: short links
 * followed, the API asked (or the cache read), the response parsed, an opus
 * that falls back to its 专栏 read through article/view; and the same for
 * many at once (prefetch), so a batch's answers come in together.
 *
 * An article is known to the run by its key: the opus id, or "cvN" for a
 * 专栏 named as one.  Every exchange made for it is recorded under its key
 * (see capture.h), its fall-back included.
 */
#ifndef OA_LOAD_H
#define OA_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "input.h"
#include "model.h"
#include "session.h"

struct jsv;
struct oldbook;

/* Return the key of in (an opus, 专栏 or 文集 input): "ID", "cvN" or "rlN".  The caller frees. */
char *load_key(const struct input *in);

/* Parse arg into *in, following a short link (the caller releases in). */
int load_resolve(struct session *r, const char *arg, struct input *in, struct err *e);
/* Fetch (or read from the cache) and parse the article in; *a is the caller's. */
int load_article(struct session *r, const struct input *in, struct article **a, struct err *e);
/*
 * Parse the response in *raw (parsed once into root; named source in
 * messages) into *a: an opus detail or a 专栏 article/view.  An opus detail
 * that falls back to a 专栏 reads its article/view.  On success the article
 * takes *raw (emptied; root may be freed after), unless it is the
 * article/view's.
 */
int load_parse(struct session *r, struct file_bytes *raw, const struct jsv *root,
    const char *source, struct article **a, struct err *e);

/*
 * Parse the responses of the old book b into v[] (b->nresponses of them,
 * the caller's), each named in messages by the book and its member.  An
 * article must be the one its member's name says.  -1 with e set at the
 * first that is not (v[] holds those parsed before).
 */
int load_parse_book(struct session *r, const struct oldbook *b, struct article **v,
    struct err *e);

/*
 * Fetch (or, with --offline, read from the cache) and parse the article list
 * of the 文集 rlN (rl: the digits); *s is the caller's (series_free()).
 */
int load_series(struct session *r, const char *rl, struct series **s, struct err *e);

/* Fetch the uncached responses of v[] at once, into the cache; failures are left for load_article. */
void load_prefetch(struct session *r, const struct input *v, size_t n);
/*
 * Download the pictures of v[] (n articles, keys[i] the key of v[i]) that are
 * not in the cache, all at once (failures are left for their article's own
 * pass), and with them the uncached responses of next[] (the following
 * articles), so that the connections stay busy across the two.
 */
void load_prefetch_pictures(struct session *r, struct article *const *v, const char *const *keys,
    size_t n, const struct input *next, size_t nnext);

#endif
