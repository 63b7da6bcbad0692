/*
 * cache: where raw API responses and pictures are kept between runs.
 *
 * Layout under the cache directory (documented in the man page, FILES):
 *   pictures/<hh>/<H>    the bytes of a picture exactly as downloaded, where H
 *                        is the hex SHA-256 of its normalised URL
 *                        (url_picture_key()) and hh its first two digits
 *   api/opus/<id>.json   raw opus detail responses
 *   api/article/<id>.json raw 专栏 article/view responses
 *   api/readlist/<id>.json raw 文集 article lists (x/article/list/web/articles)
 * Writes are atomic (a temporary file in the same directory, then rename), so
 * a reader never sees half a file.
 */
#ifndef OA_CACHE_H
#define OA_CACHE_H

#include <stddef.h>

#include "err.h"

struct cache {
	char *dir;
};

/* Set up c for dir, or for the default ($XDG_CACHE_HOME/opus-archive, else ~/.cache/opus-archive) when dir is NULL. */
int cache_init(struct cache *c, const char *dir, struct err *e);
void cache_release(struct cache *c);
/* Return the path where the picture with this key lives (whether it exists or not); caller frees. */
char *cache_picture_path(const struct cache *c, const char *key);
/* Return the path of a cached API response: kind "opus", "article" or "readlist"; caller frees. */
char *cache_api_path(const struct cache *c, const char *kind, const char *id);
/* Store n bytes at path atomically, making directories as needed. */
int cache_store(const struct cache *c, const char *path, const void *p, size_t n, struct err *e);

#endif
