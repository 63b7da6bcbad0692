/*
 * jsvdump.h: a canonical dump of a parsed JSON tree through jsonval.h's
 * accessors only, for tests that compare two ways of reading one document
 * (tests/test-jsonval.c, tests/fuzz/fuzz-jsonval.c).  Types, numbers as
 * integers or %.17g doubles, strings with their length (embedded NULs kept),
 * arrays with their length, objects' members in their order.
 */
#ifndef OA_JSVDUMP_H
#define OA_JSVDUMP_H

#include "buf.h"
#include "jsonval.h"

static int jsvdump_lazy_seen;   /* lazy arrays met: the piecewise path was taken */

static void jsvdump(struct buf *b, const struct jsv *v);

static bool
jsvdump_member(const char *key, struct jsv *val, void *ctx)
{
	struct buf *b = ctx;

	buf_addf(b, "<%s>:", key);
	jsvdump(b, val);
	buf_adds(b, ",");
	return true;
}

static void
jsvdump(struct buf *b, const struct jsv *v)
{
	long long n;
	double d;
	size_t len;
	const char *s;

	switch (jsv_type(v)) {
	case JSV_NULL:
		buf_adds(b, "null");
		break;
	case JSV_BOOL:
		buf_adds(b, jsv_true(v) ? "true" : "false");
		break;
	case JSV_INT:
	case JSV_DOUBLE:
		if (jsv_int(v, &n))
			buf_addf(b, "i%lld", n);
		else if (jsv_double(v, &d))
			buf_addf(b, "d%.17g", d);
		else
			buf_adds(b, "number?");
		break;
	case JSV_STRING:
		s = jsv_str(v, &len);
		buf_addf(b, "s%zu:", len);
		buf_add(b, s, len);
		break;
	case JSV_ARRAY:
		jsvdump_lazy_seen += jsv_is_lazy(v);
		buf_addf(b, "[%zu:", jsv_len(v));
		for (size_t i = 0; i < jsv_len(v); i++) {
			jsvdump(b, jsv_at(v, i));
			buf_adds(b, ",");
		}
		buf_adds(b, "]");
		break;
	case JSV_OBJECT:
		buf_adds(b, "{");
		jsv_each(v, jsvdump_member, b);
		buf_adds(b, "}");
		break;
	}
}

#endif
