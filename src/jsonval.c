#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonval.h"
#include "xalloc.h"

/*
 * A parsed document is one copy of the text, where strings are unescaped in
 * place (an escape is never shorter than what it stands for) and end with a
 * NUL written over their closing quote, plus an arena of value nodes: every
 * container's children sit side by side in one block taken from the arena
 * when the container closes.  That is two allocations per 256 KB of nodes
 * instead of a general-purpose tree's several per value (json-c gave every
 * object a 16-entry hash table: 15 MB for an 808 KB article, and more time in
 * malloc and page faults than in parsing; bench/RESULTS.md, issue 15).
 */
struct jsv {
	unsigned char type;             /* enum jsv_type */
	bool b;                         /* JSV_BOOL */
	uint32_t n;                     /* bytes of a string; elements or members of a container */
	union {
		long long i;            /* JSV_INT */
		double d;               /* JSV_DOUBLE */
		char *s;                /* JSV_STRING: NUL-terminated, may hold NULs (\u0000) */
		struct jsv *a;          /* JSV_ARRAY: n elements */
		struct jsv_member *m;   /* JSV_OBJECT: n members in document order */
	} u;
};

struct jsv_member {
	const char *key;
	struct jsv val;
};

/* An arena block; blocks are chained and freed together. */
struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
};

#define BLOCK_SIZE (256 * 1024)

/* The root comes first, so jsv_free() finds the document from it. */
struct doc {
	struct jsv root;
	char *text;                     /* the copy the strings point into */
	struct block *blocks;
};

struct parser {
	char *p, *end;
	const char *text;               /* for byte offsets */
	int max_depth;
	struct doc *doc;
	struct jsv_member *stack;       /* children of the open containers (keys NULL in arrays) */
	size_t nstack, astack;
	struct err *e;
	bool failed;
};

static void *
arena_alloc(struct doc *d, size_t n)
{
	struct block *b = d->blocks;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;

		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		b->next = d->blocks;
		d->blocks = b;
	}
	b->used += n;
	return (char *)b->data + b->used - n;
}

static bool
fail(struct parser *ps, const char *what)
{
	if (!ps->failed) {
		if (ps->p >= ps->end)
			err_set(ps->e, "truncated JSON (the document ends after %zu bytes)",
			    (size_t)(ps->end - ps->text));
		else
			err_set(ps->e, "invalid JSON at byte %zu: %s", (size_t)(ps->p - ps->text), what);
		ps->failed = true;
	}
	return false;
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read four hex digits after "\u" at p; return the code unit or -1. */
static long
read_u(const char *p, const char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = hexval((unsigned char)p[k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *
put_utf8(char *w, unsigned long c)
{
	if (c < 0x80) {
		*w++ = (char)c;
	} else if (c < 0x800) {
		*w++ = (char)(0xC0 | (c >> 6));
		*w++ = (char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		*w++ = (char)(0xE0 | (c >> 12));
		*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*w++ = (char)(0x80 | (c & 0x3F));
	} else {
		*w++ = (char)(0xF0 | (c >> 18));
		*w++ = (char)(0x80 | ((c >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((c >> 6) & 0x3F));
		*w++ = (char)(0x80 | (c & 0x3F));
	}
	return w;
}

/*
 * Unescape the string whose opening quote is at ps->p, in place; set *s and
 * *len.  Raw control characters are taken as they are (json-c, used before,
 * did the same); a lone surrogate becomes U+FFFD.
 */
static bool
parse_string(struct parser *ps, char **s, uint32_t *len)
{
	char *r = ps->p + 1, *w;

	/* the text is NUL-terminated and holds no NUL, so strcspn stops in it */
	r += strcspn(r, "\"\\");
	w = r;
	for (;;) {
		if (r >= ps->end) {
			ps->p = r;
			return fail(ps, "unterminated string");
		}
		if (*r == '"')
			break;
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		if (r >= ps->end) {
			ps->p = r;
			return fail(ps, "unterminated string");
		}
		switch (*r) {
		case '"': case '\\': case '/': *w++ = *r; r++; break;
		case 'b': *w++ = '\b'; r++; break;
		case 'f': *w++ = '\f'; r++; break;
		case 'n': *w++ = '\n'; r++; break;
		case 'r': *w++ = '\r'; r++; break;
		case 't': *w++ = '\t'; r++; break;
		case 'u': {
			long c = read_u(r + 1, ps->end), lo;

			if (c < 0) {
				ps->p = r;
				return fail(ps, "invalid \\u escape");
			}
			r += 5;
			if (c >= 0xD800 && c <= 0xDBFF && r + 1 < ps->end && r[0] == '\\' && r[1] == 'u' &&
			    (lo = read_u(r + 2, ps->end)) >= 0xDC00 && lo <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
				r += 6;
			} else if (c >= 0xD800 && c <= 0xDFFF) {
				c = 0xFFFD;
			}
			w = put_utf8(w, (unsigned long)c);
			break;
		}
		default:
			ps->p = r;
			return fail(ps, "invalid escape in a string");
		}
		{
			/* copy the plain run up to the next quote or backslash at once */
			size_t k = strcspn(r, "\"\\");

			memmove(w, r, k);
			w += k;
			r += k;
		}
	}
	if ((size_t)(w - (ps->p + 1)) > UINT32_MAX)
		return fail(ps, "string too long");
	*len = (uint32_t)(w - (ps->p + 1));
	*w = '\0';
	*s = ps->p + 1;
	ps->p = r + 1;
	return true;
}

static bool
parse_number(struct parser *ps, struct jsv *out)
{
	char *p = ps->p, *start = p, *endp;
	bool integer = true;

	if (p < ps->end && *p == '-')
		p++;
	if (p >= ps->end || *p < '0' || *p > '9') {
		ps->p = p;
		return fail(ps, "invalid number");
	}
	while (p < ps->end && *p >= '0' && *p <= '9')
		p++;
	if (p < ps->end && *p == '.') {
		integer = false;
		p++;
		if (p >= ps->end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail(ps, "invalid number");
		}
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		integer = false;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= ps->end || *p < '0' || *p > '9') {
			ps->p = p;
			return fail(ps, "invalid number");
		}
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	/* the digits end at a byte that is no digit (at worst the text's NUL) */
	if (integer) {
		out->type = JSV_INT;
		out->u.i = strtoll(start, &endp, 10);  /* clamped on overflow, as json-c did */
	} else {
		out->type = JSV_DOUBLE;
		out->u.d = strtod(start, &endp);       /* 1e999 reads as infinity: jsv_double refuses it */
	}
	ps->p = p;
	return true;
}

static bool
literal(struct parser *ps, const char *word, size_t n)
{
	if ((size_t)(ps->end - ps->p) < n) {
		if (memcmp(ps->p, word, (size_t)(ps->end - ps->p)) == 0) {
			ps->p = ps->end;
			return fail(ps, "");
		}
		return fail(ps, "unexpected character");
	}
	if (memcmp(ps->p, word, n) != 0)
		return fail(ps, "unexpected character");
	ps->p += n;
	return true;
}

static void
push(struct parser *ps, const char *key, const struct jsv *v)
{
	XGROW(ps->stack, ps->astack, ps->nstack + 1);
	ps->stack[ps->nstack].key = key;
	ps->stack[ps->nstack].val = *v;
	ps->nstack++;
}

static bool parse_value(struct parser *ps, struct jsv *out, int depth);

/* Parse the object or array at ps->p (its bracket) into out. */
static bool
parse_container(struct parser *ps, struct jsv *out, int depth)
{
	bool object = *ps->p == '{';
	char close = object ? '}' : ']';
	size_t base = ps->nstack, n;

	if (depth >= ps->max_depth) {
		err_set(ps->e, "JSON nested deeper than %d levels (at byte %zu)", ps->max_depth,
		    (size_t)(ps->p - ps->text));
		ps->failed = true;
		return false;
	}
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
	} else {
		for (;;) {
			char *key = NULL;
			uint32_t klen;
			struct jsv v;

			if (object) {
				skip_ws(ps);
				if (ps->p >= ps->end || *ps->p != '"')
					return fail(ps, "expected a member name");
				if (!parse_string(ps, &key, &klen))
					return false;
				skip_ws(ps);
				if (ps->p >= ps->end || *ps->p != ':')
					return fail(ps, "expected ':' after a member name");
				ps->p++;
			}
			if (!parse_value(ps, &v, depth + 1))
				return false;
			push(ps, key, &v);
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			if (ps->p < ps->end && *ps->p == close) {
				ps->p++;
				break;
			}
			return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
		}
	}
	n = ps->nstack - base;
	if (n > UINT32_MAX)
		return fail(ps, "too many elements");
	out->n = (uint32_t)n;
	if (object) {
		out->type = JSV_OBJECT;
		out->u.m = n ? arena_alloc(ps->doc, n * sizeof *out->u.m) : NULL;
		if (n)
			memcpy(out->u.m, ps->stack + base, n * sizeof *out->u.m);
	} else {
		out->type = JSV_ARRAY;
		out->u.a = n ? arena_alloc(ps->doc, n * sizeof *out->u.a) : NULL;
		for (size_t k = 0; k < n; k++)
			out->u.a[k] = ps->stack[base + k].val;
	}
	ps->nstack = base;
	return true;
}

static bool
parse_value(struct parser *ps, struct jsv *out, int depth)
{
	memset(out, 0, sizeof *out);
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "");
	switch (*ps->p) {
	case '{':
	case '[':
		return parse_container(ps, out, depth);
	case '"':
		out->type = JSV_STRING;
		return parse_string(ps, &out->u.s, &out->n);
	case 't':
		out->type = JSV_BOOL;
		out->b = true;
		return literal(ps, "true", 4);
	case 'f':
		out->type = JSV_BOOL;
		return literal(ps, "false", 5);
	case 'n':
		out->type = JSV_NULL;
		return literal(ps, "null", 4);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps, out);
		return fail(ps, "unexpected character");
	}
}

struct jsv *
jsv_parse(const char *buf, size_t n, int max_depth, struct err *e)
{
	struct parser ps = { 0 };
	struct doc *d;

	/* a byte order mark is how some editors save UTF-8: skip it */
	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		n -= 3;
	}
	if (n == 0) {
		err_set(e, "empty document");
		return NULL;
	}
	{
		/* JSON text never holds a raw NUL; the parser relies on that (strcspn) */
		const char *nul = memchr(buf, '\0', n);

		if (nul) {
			err_set(e, "invalid JSON: a NUL byte at byte %zu", (size_t)(nul - buf));
			return NULL;
		}
	}
	if (n > (size_t)INT32_MAX) {
		err_set(e, "document too large (%zu bytes)", n);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->text = xmalloc(n + 1);
	memcpy(d->text, buf, n);
	d->text[n] = '\0';
	ps.p = d->text;
	ps.text = d->text;
	ps.end = d->text + n;
	ps.max_depth = max_depth;
	ps.doc = d;
	ps.e = e;
	if (parse_value(&ps, &d->root, 0)) {
		skip_ws(&ps);
		if (ps.p < ps.end) {
			err_set(e, "invalid JSON: unexpected data after the document at byte %zu",
			    (size_t)(ps.p - ps.text));
			ps.failed = true;
		} else if (d->root.type == JSV_NULL) {
			err_set(e, "the document is JSON null");
			ps.failed = true;
		}
	}
	free(ps.stack);
	if (ps.failed) {
		jsv_free(&d->root);
		return NULL;
	}
	return &d->root;
}

void
jsv_free(struct jsv *root)
{
	struct doc *d = (struct doc *)root;

	if (d == NULL)
		return;
	while (d->blocks) {
		struct block *b = d->blocks;

		d->blocks = b->next;
		free(b);
	}
	free(d->text);
	free(d);
}

enum jsv_type
jsv_type(const struct jsv *v)
{
	return v ? (enum jsv_type)v->type : JSV_NULL;
}

const char *
jsv_type_name(const struct jsv *v)
{
	switch (jsv_type(v)) {
	case JSV_BOOL: return "boolean";
	case JSV_INT:
	case JSV_DOUBLE: return "number";
	case JSV_STRING: return "string";
	case JSV_ARRAY: return "array";
	case JSV_OBJECT: return "object";
	case JSV_NULL:
	default: return "null";
	}
}

/* JSON null reads as NULL, as a missing member does. */
static struct jsv *
nonnull(const struct jsv *v)
{
	return v && v->type != JSV_NULL ? (struct jsv *)v : NULL;
}

struct jsv *
jsv_get(const struct jsv *v, const char *key)
{
	if (jsv_type(v) != JSV_OBJECT)
		return NULL;
	/* from the end: of a repeated member the last one counts */
	for (size_t k = v->n; k-- > 0;)
		if (strcmp(v->u.m[k].key, key) == 0)
			return nonnull(&v->u.m[k].val);
	return NULL;
}

struct jsv *
jsv_path(const struct jsv *v, const char *path)
{
	char key[64];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = jsv_get(v, key);
		path += n;
		if (*path == '.')
			path++;
	}
	return (struct jsv *)v;
}

const char *
jsv_str(const struct jsv *v, size_t *len)
{
	if (jsv_type(v) != JSV_STRING)
		return NULL;
	if (len)
		*len = v->n;
	return v->u.s;
}

bool
jsv_int(const struct jsv *v, long long *out)
{
	if (jsv_type(v) == JSV_INT) {
		*out = v->u.i;
		return true;
	}
	if (jsv_type(v) == JSV_DOUBLE) {
		double d = v->u.d;

		if (isfinite(d) && d == floor(d) && fabs(d) < 9.2e18) {
			*out = (long long)d;
			return true;
		}
	}
	return false;
}

bool
jsv_double(const struct jsv *v, double *out)
{
	double d;

	if (jsv_type(v) == JSV_INT)
		d = (double)v->u.i;
	else if (jsv_type(v) == JSV_DOUBLE)
		d = v->u.d;
	else
		return false;
	if (!isfinite(d))
		return false;
	*out = d;
	return true;
}

bool
jsv_true(const struct jsv *v)
{
	return jsv_type(v) == JSV_BOOL && v->b;
}

size_t
jsv_len(const struct jsv *v)
{
	return jsv_type(v) == JSV_ARRAY ? v->n : 0;
}

struct jsv *
jsv_at(const struct jsv *v, size_t i)
{
	if (jsv_type(v) != JSV_ARRAY || i >= v->n)
		return NULL;
	return nonnull(&v->u.a[i]);
}

void
jsv_each(const struct jsv *v, bool (*fn)(const char *key, struct jsv *val, void *ctx), void *ctx)
{
	if (jsv_type(v) != JSV_OBJECT)
		return;
	for (size_t k = 0; k < v->n; k++)
		if (!fn(v->u.m[k].key, nonnull(&v->u.m[k].val), ctx))
			break;
}
