#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "file.h"
#include "hash.h"
#include "xalloc.h"

int
cache_init(struct cache *c, const char *dir, struct err *e)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	c->dir = NULL;
	if (dir && *dir)
		c->dir = xstrdup(dir);
	else if (xdg && xdg[0] == '/')
		c->dir = xasprintf("%s/opus-archive", xdg);
	else if (home && *home)
		c->dir = xasprintf("%s/.cache/opus-archive", home);
	else
		return err_set(e, "no cache directory: set HOME or XDG_CACHE_HOME, or use --cache-dir");
	return 0;
}

void
cache_release(struct cache *c)
{
	free(c->dir);
	c->dir = NULL;
}

char *
cache_picture_path(const struct cache *c, const char *key)
{
	char hex[65];

	hash_name_hex(key, strlen(key), hex);
	return xasprintf("%s/pictures/%.2s/%s", c->dir, hex, hex);
}

char *
cache_api_path(const struct cache *c, const char *kind, const char *id)
{
	return xasprintf("%s/api/%s/%s.json", c->dir, kind, id);
}

int
cache_store(const struct cache *c, const char *path, const void *p, size_t n, struct err *e)
{
	(void)c;
	return file_write_atomic(path, p, n, true, e);
}
