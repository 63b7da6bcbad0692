#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "log.h"
#include "text.h"
#include "url.h"
#include "xalloc.h"

void
field_init(struct field_ctx *c, struct err *e, const char *name)
{
	memset(c, 0, sizeof *c);
	c->e = e;
	snprintf(c->name, sizeof c->name, "%s", name);
}

size_t
field_push(struct field_ctx *c, const char *fmt, ...)
{
	size_t old = c->pathlen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (strcmp(fmt, "[%zu]") == 0 && sizeof c->path - old > 24) {
		/*
		 * An array index, pushed for every paragraph and node of a long
		 * article: digits by hand, as vsnprintf's parsing of the format cost
		 * a tenth of the parse (bench/RESULTS.md, issue 15).
		 */
		char digits[24], *p = digits + sizeof digits;
		size_t i = va_arg(ap, size_t);

		do
			*--p = (char)('0' + i % 10);
		while ((i /= 10) != 0);
		n = (int)(digits + sizeof digits - p);
		c->path[old] = '[';
		memcpy(c->path + old + 1, p, (size_t)n);
		c->path[old + 1 + (size_t)n] = ']';
		c->path[old + 2 + (size_t)n] = '\0';
		n += 2;
	} else if (strchr(fmt, '%') == NULL) {
		size_t k = strlen(fmt);

		if (k > sizeof c->path - old - 1)
			k = sizeof c->path - old - 1;
		memcpy(c->path + old, fmt, k);
		c->path[old + k] = '\0';
		n = (int)k;
	} else {
		n = vsnprintf(c->path + old, sizeof c->path - old, fmt, ap);
	}
	va_end(ap);
	if (n > 0) {
		c->pathlen += (size_t)n;
		if (c->pathlen >= sizeof c->path)
			c->pathlen = sizeof c->path - 1;
	}
	return old;
}

void
field_pop(struct field_ctx *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

void
field_fail(struct field_ctx *c, const char *key, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (c->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	err_set(c->e, "%s%s%s%s%s", c->path, key && c->pathlen ? "." : "", key ? key : "",
	    c->pathlen || key ? ": " : "", what);
	c->failed = true;
}

void
field_vwarn(struct field_ctx *c, const char *fmt, va_list ap)
{
	char what[512];

	vsnprintf(what, sizeof what, fmt, ap);
	log_warn("%s: %s%s%s", c->name, c->path, c->pathlen ? ": " : "", what);
}

void
field_warn(struct field_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	field_vwarn(c, fmt, ap);
	va_end(ap);
}

char *
field_clean(struct field_ctx *c, const char *s, size_t n)
{
	return text_clean(s, n, &c->bad_utf8);
}

/* Return member key of o when it has type want; NULL when absent, or failing at another type. */
static struct jsv *
typed(struct field_ctx *c, const struct jsv *o, const char *key, enum jsv_type want,
    const char *want_name)
{
	struct jsv *v = jsv_get(o, key);

	if (v == NULL || c->failed)
		return NULL;
	if (jsv_type(v) != want) {
		field_fail(c, key, "expected %s, got %s", want_name, jsv_type_name(v));
		return NULL;
	}
	return v;
}

struct jsv *
field_obj(struct field_ctx *c, const struct jsv *o, const char *key)
{
	return typed(c, o, key, JSV_OBJECT, "an object");
}

struct jsv *
field_arr(struct field_ctx *c, const struct jsv *o, const char *key)
{
	return typed(c, o, key, JSV_ARRAY, "an array");
}

char *
field_str(struct field_ctx *c, const struct jsv *o, const char *key)
{
	size_t n;
	const char *s = jsv_str(typed(c, o, key, JSV_STRING, "a string"), &n);

	return s ? field_clean(c, s, n) : NULL;
}

char *
field_id(struct field_ctx *c, const struct jsv *o, const char *key)
{
	struct jsv *v = jsv_get(o, key);
	long long n;

	if (v == NULL || c->failed)
		return NULL;
	if (jsv_type(v) == JSV_STRING)
		return field_str(c, o, key);
	if (jsv_int(v, &n))
		return xasprintf("%lld", n);
	field_fail(c, key, "expected a string or a number, got %s", jsv_type_name(v));
	return NULL;
}

/* A string of digits as a number: an optional '-', then 1 to 18 ASCII digits. */
static bool
digits_num(const char *s, long long *out)
{
	const char *d = s + (*s == '-');
	size_t n = strlen(d);

	if (n == 0 || n > 18 || strspn(d, "0123456789") != n)
		return false;
	*out = strtoll(s, NULL, 10);
	return true;
}

bool
field_num(struct field_ctx *c, const struct jsv *o, const char *key, long long *out)
{
	struct jsv *v = jsv_get(o, key);
	const char *s;
	double d;

	if (v == NULL || c->failed)
		return false;
	if (jsv_int(v, out))
		return true;
	if (jsv_double(v, &d)) {
		/* a cast out of range is undefined: 1e300 is no count */
		if (d > -9.2e18 && d < 9.2e18) {
			*out = (long long)d;
			return true;
		}
		/*
		 * A number past its limits (issue 14's generator sends them) says
		 * nothing usable, but costs that field only, as null would.
		 */
		field_warn(c, "%s: the number %g is out of range; left out", key, d);
		return false;
	}
	s = jsv_str(v, NULL);
	if (s && digits_num(s, out))
		return true;
	field_fail(c, key, "expected a number, got %s", jsv_type_name(v));
	return false;
}

bool
field_bool(struct field_ctx *c, const struct jsv *o, const char *key)
{
	struct jsv *v = jsv_get(o, key);
	long long n;

	if (v == NULL || c->failed)
		return false;
	if (jsv_type(v) == JSV_BOOL)
		return jsv_true(v);
	if (jsv_int(v, &n))
		return n != 0;
	field_fail(c, key, "expected a boolean, got %s", jsv_type_name(v));
	return false;
}

char *
field_link(struct field_ctx *c, const struct jsv *o, const char *key)
{
	char *s = field_str(c, o, key);
	char *u = url_link(s);

	free(s);
	return u;
}

char *
field_picture_url(struct field_ctx *c, const char *s)
{
	char *u;

	if (s == NULL || text_is_blank(s))
		return NULL;
	u = url_link(s);
	if (u == NULL)
		field_warn(c, "picture URL '%.200s' is not a web address; left out", s);
	return u;
}

char *
field_picture(struct field_ctx *c, const struct jsv *o, const char *key)
{
	char *s = field_str(c, o, key);
	size_t old = field_push(c, "%s%s", c->pathlen ? "." : "", key);
	char *u = field_picture_url(c, s);

	field_pop(c, old);
	free(s);
	return u;
}

int
field_size(long long v)
{
	return v > 0 && v < 100000 ? (int)v : 0;
}

const char *
field_color(const char *s, size_t n, char out[8])
{
	if (s == NULL)
		return NULL;
	if (n > 0 && s[0] == '#') {
		s++;
		n--;
	}
	if (n != 6 && n != 3)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return NULL;
	if (n == 3)
		snprintf(out, 8, "#%c%c%c%c%c%c", s[0], s[0], s[1], s[1], s[2], s[2]);
	else
		snprintf(out, 8, "#%.6s", s);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

char *
field_digits(const struct jsv *v, size_t max)
{
	const char *s = jsv_str(v, NULL);
	long long n;
	size_t len;

	if (s == NULL) {
		if (!jsv_int(v, &n) || n <= 0)
			return NULL;
		return xasprintf("%lld", n);
	}
	len = strlen(s);
	if (len == 0 || len > max || strspn(s, "0123456789") != len || strcmp(s, "0") == 0)
		return NULL;
	return xstrdup(s);
}

bool
field_envelope_code(const struct jsv *root, long long *code, const char **message)
{
	const char *m;

	if (jsv_type(root) != JSV_OBJECT || !jsv_int(jsv_get(root, "code"), code))
		return false;
	m = jsv_str(jsv_get(root, "message"), NULL);
	*message = m && *m ? m : "(no message)";
	return true;
}

struct jsv *
field_envelope(struct field_ctx *c, const struct jsv *root)
{
	struct jsv *data;
	long long code = 0;

	if (jsv_type(root) != JSV_OBJECT) {
		err_set(c->e, "expected a JSON object (a response envelope), got %s",
		    jsv_type_name(root));
		c->failed = true;
		return NULL;
	}
	if (jsv_get(root, "code") == NULL) {
		err_set(c->e, "not an API response: no 'code' member");
		c->failed = true;
		return NULL;
	}
	if (!field_num(c, root, "code", &code))
		return NULL;
	if (code != 0) {
		char *msg = field_str(c, root, "message");

		err_set(c->e, "API error %lld: %s", code, msg && *msg ? msg : "(no message)");
		c->failed = true;
		free(msg);
		return NULL;
	}
	data = field_obj(c, root, "data");
	if (data == NULL && !c->failed) {
		err_set(c->e, "the response has no 'data'");
		c->failed = true;
	}
	return data;
}

void
field_author(struct field_ctx *c, struct article *a, const struct jsv *o)
{
	char *mid;

	free(a->author_name);
	free(a->author_mid);
	free(a->author_url);
	free(a->author_face);
	a->author_mid = a->author_url = NULL;
	a->author_name = field_str(c, o, "name");
	mid = field_id(c, o, "mid");
	if (mid && *mid && strspn(mid, "0123456789") == strlen(mid)) {
		a->author_mid = mid;
		a->author_url = xasprintf("https://space.bilibili.com/%s", mid);
	} else {
		free(mid);
	}
	a->author_face = field_picture(c, o, "face");
}

void
field_stats(struct field_ctx *c, struct article *a, const struct jsv *o,
    const struct field_stat *map, size_t n)
{
	for (size_t i = 0; i < n && !c->failed; i++) {
		struct stat_count *sc = (struct stat_count *)((char *)a + map[i].off);
		struct jsv *v = jsv_get(o, map[i].key);

		if (jsv_type(v) == JSV_OBJECT) {
			size_t old = field_push(c, "%s%s", c->pathlen ? "." : "", map[i].key);

			if (!field_bool(c, v, "hidden") && field_num(c, v, "count", &sc->count))
				sc->known = true;
			field_pop(c, old);
		} else if (field_num(c, o, map[i].key, &sc->count)) {
			sc->known = true;
		}
	}
}

void
field_date(struct field_ctx *c, struct article *a, long long ts, const char *what)
{
	if (ts == 0)
		return;
	if (model_time_ok(ts))
		a->pub_ts = ts;
	else
		field_warn(c, "%s %lld is not a date a book can carry; left out", what, ts);
}

void
field_add_tag(struct article *a, char *t)
{
	if (t == NULL || text_is_blank(t)) {
		free(t);
		return;
	}
	XGROW(a->tags, a->tags_cap, a->ntags + 1);
	a->tags[a->ntags++] = t;
}

void
field_finish(struct field_ctx *c, struct article *a, const char *untitled, const char *raw_name)
{
	field_pop(c, 0);
	if (a->title == NULL || text_is_blank(a->title)) {
		free(a->title);
		a->title = xstrdup(untitled);
		field_warn(c, "no title; using '%s'", a->title);
	}
	if (a->author_name == NULL)
		field_warn(c, "no author");
	if (c->bad_utf8) {
		field_warn(c, "invalid UTF-8 in the response, replaced with U+FFFD");
		a->repaired = true;
	}
	a->raw_name = xstrdup(raw_name);
}
