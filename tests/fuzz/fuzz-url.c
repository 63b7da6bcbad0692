/*
 * fuzz-url: bytes as a URL from a response -> url_link(), url_picture_key(),
 * url_host(), and libcurl's check of what url_link() made.  The invariants
 * the model relies on are checked: every link is https with a host, and the
 * functions are idempotent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "fuzz.h"
#include "url.h"
#include "xalloc.h"

FUZZ_TARGET(url)
{
	char *s = xstrndup((const char *)data, size);
	char *link = url_link(s), *key = url_picture_key(s), *host = url_host(s);

	if (link) {
		char *again = url_link(link), *h = url_host(link);

		if (strncmp(link, "https://", 8) != 0 || h == NULL || *h == '\0')
			abort();
		if (again == NULL || strcmp(again, link) != 0)
			abort();
		if (key == NULL)
			abort();
		fetch_url_ok(link);
		free(again);
		free(h);
	} else if (key) {
		abort();
	}
	if (key) {
		char *k2 = url_picture_key(key);

		if (k2 == NULL || strcmp(k2, key) != 0)
			abort();
		free(k2);
	}
	free(host);
	free(key);
	free(link);
	free(s);
	return 0;
}
