/* Unit tests for the cookies.txt reader (fetch_add_cookies): what is kept, line numbers in errors. */
#include "config.h"

#include <string.h>

#include "fetch.h"
#include "tap.h"

static struct fetcher *
fresh(void)
{
	struct fetch_config cfg = { 0 };
	struct err e;

	err_init(&e);
	return fetch_new(&cfg, &e);
}

int
main(void)
{
	static const char good[] =
	    "# Netscape HTTP Cookie File\r\n"
	    "\r\n"
	    ".bilibili.com\tTRUE\t/\tFALSE\t0\tSESSDATA\tabc\r\n"
	    "#HttpOnly_.bilibili.com\tTRUE\t/\tTRUE\t0\tbili_jct\tdef\n"
	    "\n"
	    "api.bilibili.com\tFALSE\t/\tFALSE\t0\thost_only\tx\n"
	    ".evilbilibili.com\tTRUE\t/\tFALSE\t0\tstolen\ty\n"
	    ".example.com\tTRUE\t/\tFALSE\t0\tother\tz";
	static const char bad[] = "# c\n\n\n.bilibili.com\tTRUE\t/\n";
	struct fetcher *f;
	struct err e;
	int count = -1;

	err_init(&e);
	ok(fetch_global_init(&e) == 0, "libcurl initialises");
	f = fresh();
	ok(fetch_add_cookies(f, good, strlen(good), "c.txt", &count, &e) == 0, "a browser's cookies.txt is read (%s)", e.msg);
	ok(count == 3, "bilibili.com and its subdomains kept, others dropped (%d)", count);
	ok(fetch_has_cookie(f, "SESSDATA") && fetch_has_cookie(f, "bili_jct") && fetch_has_cookie(f, "host_only"),
	    "CRLF, #HttpOnly_ and host-only lines");
	ok(!fetch_has_cookie(f, "stolen") && !fetch_has_cookie(f, "other"), "look-alike and foreign domains dropped");
	fetch_free(f);

	f = fresh();
	err_init(&e);
	ok(fetch_add_cookies(f, bad, strlen(bad), "c.txt", &count, &e) < 0 && strstr(e.msg, "line 4 ") != NULL,
	    "a short line is an error naming its real line number: %s", e.msg);
	fetch_free(f);

	f = fresh();
	err_init(&e);
	ok(fetch_add_cookies(f, "\0.bilibili.com\tTRUE\t/\tFALSE\t0\tn\tv", 34, "c.txt", &count, &e) == 0 && count == 0,
	    "a NUL byte ends the text");
	ok(fetch_add_cookies(f, "", 0, "c.txt", &count, &e) == 0 && count == 0, "an empty file holds no cookie");
	fetch_free(f);
	fetch_global_cleanup();
	return done_testing();
}
