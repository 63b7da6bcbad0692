/*
 * test-jsonval: jsv_parse's two ways of reading a document (json-c on the
 * whole text, or long containers piece by piece with lazy arrays) must give
 * the same answer: the same tree, or the same error message.  A tiny
 * lazy_min sends small generated documents down the piecewise path; a huge
 * one keeps them on json-c's.  Thousands of documents, valid and damaged,
 * are compared, with a seeded generator so a failure is repeatable.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonval.h"
#include "jsvdump.h"
#include "tap.h"

/* Parse doc one way; the dump or "error: message" into out. */
static void
parse_way(const char *doc, size_t n, int depth, size_t lazy_min, struct buf *out)
{
	struct err e;
	struct jsv *root;

	err_init(&e);
	jsv_set_lazy_min(lazy_min);
	root = jsv_parse(doc, n, depth, &e);
	buf_reset(out);
	if (root == NULL)
		buf_addf(out, "error: %s", e.msg);
	else
		jsvdump(out, root);
	jsv_free(root);
}

/* --- a generator of JSON documents ------------------------------------------- */

static uint64_t rng;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static void
ws(struct buf *b)
{
	static const char *const pads[] = { "", "", "", " ", "\n", "\t ", "\r\n  " };

	buf_adds(b, pads[rnd(7)]);
}

static void
gen_string(struct buf *b)
{
	static const char *const parts[] = {
		"a", "段落", "\\\"", "\\\\", "\\/", "\\n", "\\u00e9", "\\ud83d\\ude00", "{", "[", "]}",
		",", ":", "x y", "\\\\\\\"", "'", "/", "\\u0000",
		/* what the plain-JSON scan leaves to json-c: lone surrogates, raw controls */
		"\\ud83d", "\\ude00", "\\ud83d\\u0041", "\x01", "\t", "\\u0041", "\\uDBFF\\uDFFF",
	};
	int k = (int)rnd(6);

	buf_adds(b, "\"");
	while (k--)
		buf_adds(b, parts[rnd(sizeof parts / sizeof parts[0])]);
	buf_adds(b, "\"");
}

static void
gen_value(struct buf *b, int depth)
{
	static const char *const scalars[] = {
		"0", "-1", "42", "3.5", "-0.25e3", "1E2", "9223372036854775807",
		"-9223372036854775808", "123456789012345678901234", "true", "false", "null", "1.0",
		"1e999", "-0", "0.5E-7", "1e1000", "12345678901234567890123456789012345678901234567890",
	};
	unsigned kind = depth <= 0 ? rnd(2) : rnd(5);

	if (kind == 0) {
		buf_adds(b, scalars[rnd(sizeof scalars / sizeof scalars[0])]);
	} else if (kind == 1) {
		gen_string(b);
	} else {
		/* an array (kinds 2 and 3) or an object (kind 4): the same loop, keys for the object */
		bool object = kind == 4;
		int n = (int)rnd(object ? 5 : 6);

		buf_adds(b, object ? "{" : "[");
		for (int i = 0; i < n; i++) {
			ws(b);
			if (object) {
				/* a few keys repeat: json-c keeps the last value, in the first place */
				if (rnd(4) == 0)
					buf_adds(b, "\"k\"");
				else
					gen_string(b);
				ws(b);
				buf_adds(b, ":");
				ws(b);
			}
			gen_value(b, depth - 1);
			ws(b);
			if (i + 1 < n)
				buf_adds(b, ",");
		}
		buf_adds(b, object ? "}" : "]");
	}
}

/* Damage one byte: the errors json-c reports, and its non-strict extras. */
static void
damage(struct buf *b)
{
	static const char repl[] = "\"\\,:[]{}'/ x0-.e}";
	struct buf out;
	size_t at;
	unsigned how = rnd(3);
	char c = repl[rnd(sizeof repl - 1)];

	if (b->len == 0)
		return;
	at = rnd((unsigned)b->len);
	buf_init(&out, 0);
	buf_add(&out, b->data, at);
	if (how != 0)
		buf_addc(&out, c);                      /* replace or insert */
	buf_add(&out, b->data + at + (how != 2), b->len - at - (how != 2));
	buf_release(b);
	*b = out;
}

static int
compare(const struct buf *doc, int depth, struct buf *a, struct buf *b)
{
	parse_way(buf_str(doc), doc->len, depth, SIZE_MAX, a);
	parse_way(buf_str(doc), doc->len, depth, 8, b);
	return strcmp(buf_str(a), buf_str(b)) == 0;
}

int
main(void)
{
	struct buf doc, a, b;
	int bad = 0, valid = 0, invalid = 0, seed_bad = -1;

	buf_init(&doc, 0);
	buf_init(&a, 0);
	buf_init(&b, 0);

	/* generated documents, whole and damaged, at two depth limits */
	for (int seed = 1; seed <= 3000; seed++) {
		int limit = seed % 3 == 0 ? 6 : 128;

		rng = 0x9E3779B97F4A7C15ULL * (uint64_t)seed;
		buf_reset(&doc);
		ws(&doc);
		if (rnd(2))
			gen_value(&doc, 2 + (int)rnd(7));
		else {
			buf_adds(&doc, "{\"data\":");
			gen_value(&doc, 5);
			buf_adds(&doc, ",\"list\":[");
			for (int i = 0, n = 1 + (int)rnd(40); i < n; i++) {
				if (i)
					buf_adds(&doc, ",");
				gen_value(&doc, 3);
			}
			buf_adds(&doc, "]}");
		}
		ws(&doc);
		for (int round = 0; round < 2; round++) {
			if (round == 1)
				damage(&doc);
			if (!compare(&doc, limit, &a, &b)) {
				if (bad++ == 0) {
					seed_bad = seed;
					diagf("seed %d round %d: %s", seed, round, buf_str(&doc));
					diagf("json-c:    %s", buf_str(&a));
					diagf("piecewise: %s", buf_str(&b));
				}
			} else if (strncmp(buf_str(&a), "error: ", 7) == 0) {
				invalid++;
			} else {
				valid++;
			}
		}
	}
	ok(bad == 0, "3000 documents and 3000 damaged copies read the same both ways "
	    "(%d trees, %d errors alike; %d differ, first seed %d)", valid, invalid, bad, seed_bad);
	ok(valid > 2000 && invalid > 1500, "both kinds were compared (%d trees, %d errors)", valid, invalid);
	ok(jsvdump_lazy_seen > 2000, "the piecewise way met %d lazy arrays (it was taken, not left to json-c)", jsvdump_lazy_seen);

	/* cases written out: json-c's non-strict extras and the edges of the piecewise path */
	{
		static const char *const cases[] = {
			"[1,2,3,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1,,2]",
			"['single']", "[/* c */ 1]", "// c\n[1]", "[1] x", "[[1],[2]] ]", "{\"a\":[1,2}",
			"[\"\\\\\"]", "[\"\\\\\\\"\"]", "[\"a\\\"]\"]", "{\"k\":1,\"k\":2,\"j\":3}",
			"[NaN, Infinity, -Infinity]", "[1e999]", "[01]", "[-]", "[\"\\ud800\"]",
			"[tru]", "[true ]", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":[1]}}}}}}",
			"  [ \"padding to pass lazy_min\" , { \"x\" : [ 1 , 2 ] } ]  ", "[[[[[[[[1]]]]]]]]",
		};
		int same = 0;

		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			buf_reset(&doc);
			buf_adds(&doc, cases[i]);
			for (int limit = 4; limit <= 128; limit *= 32) {
				if (compare(&doc, limit, &a, &b))
					same++;
				else
					diagf("%s (depth %d): json-c %s / piecewise %s", cases[i], limit, buf_str(&a), buf_str(&b));
			}
		}
		ok(same == (int)(2 * sizeof cases / sizeof cases[0]), "%d written cases read the same both ways", same);
	}

	/* a lazy array: elements parsed when asked for, the same one twice, gone after jsv_drop */
	{
		const char *text = "{\"p\":[{\"t\":\"one\"},{\"t\":\"two\"},{\"t\":\"three\"}],\"n\":3}";
		struct err e;
		struct jsv *root, *p, *x, *y;
		size_t len;

		err_init(&e);
		jsv_set_lazy_min(8);
		root = jsv_parse(text, strlen(text), 16, &e);
		p = jsv_get(root, "p");
		ok(jsv_type(p) == JSV_ARRAY && jsv_len(p) == 3, "a long array reads as an array of 3");
		ok(jsv_is_lazy(p), "it is a lazy array");
		x = jsv_at(p, 1);
		y = jsv_at(p, 1);
		is_str(jsv_str(jsv_get(x, "t"), &len), "two", "element 1 is parsed when asked for");
		ok(x == y, "asking again gives the same element");
		jsv_drop(p, 1);
		ok(jsv_at(p, 1) == NULL && jsv_type(jsv_at(p, 1)) == JSV_NULL, "a dropped element reads as null");
		is_str(jsv_str(jsv_get(jsv_at(p, 2), "t"), NULL), "three", "the others are still there");
		ok(jsv_at(p, 3) == NULL && jsv_len(jsv_get(root, "n")) == 0, "past the end: null");
		jsv_drop(p, 9);
		jsv_free(root);
	}
	jsv_set_lazy_min(16 * 1024);
	buf_release(&doc);
	buf_release(&a);
	buf_release(&b);
	return done_testing();
}
