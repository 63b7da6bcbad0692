/* fuzz-cookies: bytes as a Netscape cookies.txt -> fetch_add_cookies() into libcurl's cookie engine. */
#include "config.h"

#include <stdlib.h>

#include "err.h"
#include "fetch.h"
#include "fuzz.h"

FUZZ_TARGET(cookies)
{
	static int init;
	struct fetch_config cfg = { 0 };
	struct fetcher *f;
	struct err e;
	int count;

	if (!init) {
		err_init(&e);
		if (fetch_global_init(&e) < 0)
			abort();
		init = 1;
	}
	err_init(&e);
	f = fetch_new(&cfg, &e);
	if (f == NULL)
		abort();
	if (fetch_add_cookies(f, (const char *)data, size, "fuzz.txt", &count, &e) == 0 && count < 0)
		abort();
	fetch_free(f);
	return 0;
}
