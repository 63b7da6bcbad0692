/*
 * pictures: every picture of an article, from the image server into the
 * cache and from the cache into the asset table: downloaded (up to --jobs at
 * once), asked again as PNG or JPEG when they came as WebP or AVIF, and each
 * settled (sniffed, hashed, named) once.
 */
#ifndef OA_PICTURES_H
#define OA_PICTURES_H

#include <stddef.h>

#include "assets.h"
#include "err.h"
#include "fetch.h"
#include "model.h"
#include "session.h"

/* Add every picture a shows to t. */
void pictures_of(const struct article *a, struct assets *t);

/*
 * Download the pictures of t that are not in the cache, into the cache.
 * what: the article's id for messages and the progress line ("" for several).
 * tags[i] (or tags NULL): the article t->v[i] is downloaded for, as each
 * job's tag (the WARC it is recorded in).  extra[] (nextra jobs, the next
 * articles' API answers) run in the same fetch_run, after the pictures, and
 * are handed back done.  A picture that fails keeps its reason in its entry.
 * -1 with e set only when the network cannot be set up.
 */
int pictures_download(struct session *r, const char *what, struct assets *t,
    const char *const *tags, struct fetch_job *extra, size_t nextra, struct err *e);

/*
 * Make every entry of t READY from the cache or give it the reason it is
 * not, fetching what is missing first unless --offline.  Each picture is
 * read and hashed once.  Return how many are not usable (each has had one
 * warning naming the picture and why).
 */
size_t pictures_gather(struct session *r, const char *what, struct assets *t);

/*
 * How many of the pictures of t can be had now: in the cache, or downloaded
 * into it (unless --offline), and usable in a book.  Nothing is warned
 * about: a 文集's book asks this of the pictures it lacks, to know whether
 * writing it again would gain any.
 */
size_t pictures_had_now(struct session *r, const char *what, struct assets *t);

#endif
