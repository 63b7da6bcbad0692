/* Unit tests for jsonval.c: the JSON parser's values, escapes, limits and errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jsonval.h"
#include "tap.h"

static struct jsv *
parse(const char *s, int depth, struct err *e)
{
	err_init(e);
	return jsv_parse(s, strlen(s), depth, e);
}

/* Parse s, which must fail with a message holding want. */
static void
bad(const char *s, const char *want)
{
	struct err e;
	struct jsv *v = parse(s, 16, &e);

	ok(v == NULL && strstr(e.msg, want) != NULL, "refused '%s': %s", s, e.msg);
	jsv_free(v);
}

/* The string member "s" of the object s must read as want (want_len bytes). */
static void
str_case(const char *s, const char *want, size_t want_len)
{
	struct err e;
	struct jsv *v = parse(s, 16, &e);
	size_t len = 0;
	const char *got = jsv_str(jsv_get(v, "s"), &len);

	ok(got && len == want_len && memcmp(got, want, want_len) == 0 && got[len] == '\0',
	    "string %s: %zu bytes", s, len);
	jsv_free(v);
}

static void
test_values(void)
{
	struct err e;
	struct jsv *v = parse(" {\"a\": [1, -2, 3.5, 1e2, true, false, null, \"x\", {}, []],"
	    " \"b\": {\"c\": {\"d\": \"deep\"}}, \"n\": null, \"big\": 123456789012345678901234} ", 16, &e);
	struct jsv *a = jsv_get(v, "a");
	long long i = 0;
	double d = 0;

	ok(v && jsv_type(v) == JSV_OBJECT, "an object parses: %s", e.msg);
	ok(jsv_len(a) == 10, "ten elements");
	ok(jsv_int(jsv_at(a, 0), &i) && i == 1, "1");
	ok(jsv_int(jsv_at(a, 1), &i) && i == -2, "-2");
	ok(!jsv_int(jsv_at(a, 2), &i) && jsv_double(jsv_at(a, 2), &d) && d == 3.5, "3.5 is no integer");
	ok(jsv_int(jsv_at(a, 3), &i) && i == 100, "1e2 is the integer 100");
	ok(jsv_true(jsv_at(a, 4)) && jsv_type(jsv_at(a, 5)) == JSV_BOOL && !jsv_true(jsv_at(a, 5)),
	    "true and false");
	ok(jsv_at(a, 6) == NULL && jsv_type(jsv_at(a, 6)) == JSV_NULL, "null reads as NULL");
	is_str(jsv_str(jsv_at(a, 7), NULL), "x", "a string element");
	ok(jsv_type(jsv_at(a, 8)) == JSV_OBJECT && jsv_type(jsv_at(a, 9)) == JSV_ARRAY &&
	    jsv_len(jsv_at(a, 9)) == 0, "empty object and array");
	ok(jsv_at(a, 10) == NULL, "past the end is NULL");
	is_str(jsv_str(jsv_path(v, "b.c.d"), NULL), "deep", "a dotted path");
	ok(jsv_get(v, "n") == NULL && jsv_get(v, "missing") == NULL, "null member and missing member");
	ok(jsv_int(jsv_get(v, "big"), &i) && i == 9223372036854775807LL, "an integer too big is clamped");
	ok(jsv_len(jsv_get(v, "b")) == 0 && jsv_get(a, "x") == NULL, "wrong-type access is empty");
	jsv_free(v);
}

static bool
count_members(const char *key, struct jsv *val, void *ctx)
{
	(void)key;
	(void)val;
	return ++*(int *)ctx < 2;
}

static void
test_objects(void)
{
	struct err e;
	struct jsv *v = parse("{\"k\":1,\"k\":2,\"z\":3}", 16, &e);
	long long i = 0;
	int n = 0;

	ok(jsv_int(jsv_get(v, "k"), &i) && i == 2, "of a repeated member the last counts");
	jsv_each(v, count_members, &n);
	ok(n == 2, "jsv_each stops when told");
	jsv_free(v);
}

static void
test_strings(void)
{
	str_case("{\"s\":\"plain\"}", "plain", 5);
	str_case("{\"s\":\"a\\\"b\\\\c\\/d\"}", "a\"b\\c/d", 7);
	str_case("{\"s\":\"\\b\\f\\n\\r\\t\"}", "\b\f\n\r\t", 5);
	str_case("{\"s\":\"\\u00e9\\u4e2d\"}", "\xc3\xa9\xe4\xb8\xad", 5);
	str_case("{\"s\":\"\\ud83d\\ude00!\"}", "\xf0\x9f\x98\x80!", 5);
	str_case("{\"s\":\"\\ud83dx\"}", "\xef\xbf\xbdx", 4);
	str_case("{\"s\":\"\\ude00\"}", "\xef\xbf\xbd", 3);
	str_case("{\"s\":\"a\\u0000b\"}", "a\0b", 3);
	str_case("{\"s\":\"中文 and \\n more \\t text\"}", "中文 and \n more \t text", 24);
	str_case("{\"s\":\"\"}", "", 0);
}

static void
test_errors(void)
{
	char deep[64];
	struct err e;
	struct jsv *v;

	bad("", "empty document");
	bad("\xEF\xBB\xBF", "empty document");
	bad("{\"a\":", "truncated JSON");
	bad("{\"a\":\"xyz", "truncated JSON");
	bad("[1, 2", "truncated JSON");
	bad("[tr", "truncated JSON");
	bad("{\"a\":1} x", "unexpected data after the document at byte 8");
	bad("{\"a\" 1}", "invalid JSON at byte 5");
	bad("{a:1}", "invalid JSON at byte 1");
	bad("[1,]", "invalid JSON at byte 3");
	bad("[01x]", "invalid JSON");
	bad("[-]", "invalid JSON at byte 2");
	bad("[1.]", "invalid JSON at byte 3");
	bad("[\"\\x\"]", "invalid JSON at byte 3");
	bad("[\"\\u12G4\"]", "invalid JSON at byte 3");
	bad("[nul]", "invalid JSON at byte 1");
	bad("null", "the document is JSON null");
	v = jsv_parse("[1,\0]", 5, 16, &e);
	ok(v == NULL && strstr(e.msg, "NUL byte at byte 3"), "a raw NUL: %s", e.msg);
	memset(deep, '[', 16);
	memset(deep + 16, ']', 16);
	deep[32] = '\0';
	v = parse(deep, 16, &e);
	ok(v != NULL, "16 levels within a limit of 16: %s", e.msg);
	jsv_free(v);
	v = parse(deep, 15, &e);
	ok(v == NULL && strstr(e.msg, "nested deeper than 15 levels"), "16 levels over a limit of 15: %s", e.msg);
	v = parse("\xEF\xBB\xBF{\"a\":true}", 4, &e);
	ok(v && jsv_true(jsv_get(v, "a")), "a byte order mark is skipped");
	jsv_free(v);
}

/* Many members and elements: the arena takes more than one block. */
static void
test_large(void)
{
	size_t n = 100000, len = 0;
	char *s = malloc(n * 16 + 16), *p = s;
	struct err e;
	struct jsv *v;
	long long i = 0;

	p += sprintf(p, "[");
	for (size_t k = 0; k < n; k++)
		p += sprintf(p, "%s{\"i\":%zu}", k ? "," : "", k);
	sprintf(p, "]");
	len = strlen(s);
	err_init(&e);
	v = jsv_parse(s, len, 4, &e);
	ok(v && jsv_len(v) == n, "100,000 elements");
	ok(jsv_int(jsv_get(jsv_at(v, n - 1), "i"), &i) && i == (long long)n - 1, "the last one intact");
	jsv_free(v);
	free(s);
}

int
main(void)
{
	test_values();
	test_objects();
	test_strings();
	test_errors();
	test_large();
	return done_testing();
}
