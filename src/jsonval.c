#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonval.h"
#include "xalloc.h"

/* struct jsv is never defined: a struct jsv * is a json_object * in disguise. */
#define J(v) ((json_object *)(v))
#define V(o) ((struct jsv *)(o))

/*
 * A long document is not handed to json-c whole.  json-c gives every object a
 * hash table of its own (16 slots, about 640 bytes), so the tree of an 800 KB
 * article of 2,000 paragraphs is 15 MB, built in memory the process touches
 * for the first time: on that article the parse was two thirds of the run and
 * most of it page faults.  Parsed piece by piece, with each piece freed once
 * read, the same memory serves every paragraph and the parse costs a tenth.
 *
 * So a container whose text is longer than lazy_min is built here, member by
 * member, and an array that long becomes a "lazy array": an empty json-c
 * array carrying, as its userdata, where each element's text starts and ends.
 * An element is parsed by json-c when a reader asks for it (jsv_at) and lives
 * until jsv_drop or the end of the tree, so a reader that drops what it has
 * read holds one paragraph at a time.  Everything else (every string, number,
 * key and short container) is still parsed by json-c.
 *
 * Nothing changes for the reader: each lazy array's elements are checked
 * inside jsv_parse (plain JSON by a scan, anything else by json-c, whose
 * tree is freed), so a document json-c rejects is rejected there, and
 * anything this code does not expect (json-c's non-strict extras, a
 * separator in the wrong place, a depth near the limit) makes jsv_parse
 * start again with json-c on the whole text, whose answer, tree or error
 * message, is then the one returned.  tests/test-jsonval compares the two
 * ways on many documents with a tiny lazy_min.
 */
static size_t lazy_min = 16 * 1024;

void
jsv_set_lazy_min(size_t n)
{
	lazy_min = n;
}

/*
 * The document's text, shared by the lazy arrays cut from it.  Borrowed from
 * jsv_parse's caller, not copied: a copy of an 800 KB response is 200 pages
 * the process touches for the first time, the dearest thing it does.
 */
struct text {
	const char *s;
	size_t n;
	unsigned refs;
	int max_depth;
	struct json_tokener *tok[8];    /* reused, by depth below the top (json-c sets a tokener's limit at creation) */
	int tok_depth[8];
	size_t *checked;                /* lazy arrays (by start) whose elements all parsed */
	size_t nchecked, checked_cap;
	struct span { size_t start, end; } *big;  /* containers longer than lazy_min, by start */
	size_t nbig, big_cap;
};

struct lazy {
	struct text *t;
	size_t n;
	struct span *at;                /* element i's text is t->s[at[i].start .. at[i].end) */
	json_object **kid;              /* parsed elements, NULL until asked for */
	unsigned char *dropped;
	int depth;                      /* containers around each element */
};

static void
text_unref(struct text *t)
{
	if (t == NULL || --t->refs > 0)
		return;
	for (size_t i = 0; i < sizeof t->tok / sizeof t->tok[0]; i++)
		if (t->tok[i])
			json_tokener_free(t->tok[i]);
	free(t->checked);
	free(t->big);
	free(t);
}

static void
lazy_delete(json_object *o, void *userdata)
{
	struct lazy *l = userdata;

	(void)o;
	for (size_t i = 0; l->kid && i < l->n; i++)     /* no kid yet when located partly */
		json_object_put(l->kid[i]);
	free(l->kid);
	free(l->dropped);
	free(l->at);
	text_unref(l->t);
	free(l);
}

static struct lazy *
lazy_of(const json_object *o)
{
	if (!json_object_is_type(o, json_type_array))
		return NULL;
	/* only lazy arrays carry userdata: json-c sets it on doubles alone */
	return json_object_get_userdata((json_object *)o);
}

bool
jsv_is_lazy(const struct jsv *v)
{
	return lazy_of(J(v)) != NULL;
}

static size_t
skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Bytes the scan stops at outside strings: quotes, brackets, and json-c's non-strict extras. */
static const unsigned char stop[256] = {
	['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1, ['\''] = 1, ['/'] = 1,
};

/* Return the index of the quote closing the string whose body starts at s[i], or n. */
static size_t
string_end(const char *s, size_t i, size_t n)
{
	for (;;) {
		const char *q = memchr(s + i, '"', n - i);
		size_t k, bs = 0;

		if (q == NULL)
			return n;
		k = (size_t)(q - s);
		while (k - bs > i && s[k - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return k;       /* an even run of backslashes escapes itself, not the quote */
		i = k + 1;
	}
}

static int
by_start(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return (a->start > b->start) - (a->start < b->start);
}

/*
 * One pass over the text: where every container longer than lazy_min ends,
 * so that finding a member's or an element's end never scans a long one
 * twice.  False for anything beyond plain JSON's shape (see value_end) and
 * for nesting deeper than json-c would take, which json-c then reports.
 */
static bool
find_long(struct text *t)
{
	size_t *open = NULL, nopen = 0, cap = 0;
	bool ok = true;

	for (size_t i = 0; i < t->n && ok; i++) {
		if (!stop[(unsigned char)t->s[i]])
			continue;
		switch (t->s[i]) {
		case '"':
			i = string_end(t->s, i + 1, t->n);
			ok = i < t->n;
			break;
		case '{':
		case '[':
			if (nopen >= (size_t)t->max_depth) {
				ok = false;
				break;
			}
			XGROW(open, cap, nopen + 1);
			open[nopen++] = i;
			break;
		case '}':
		case ']':
			if (nopen == 0) {
				ok = false;
				break;
			}
			if (i + 1 - open[--nopen] > lazy_min) {
				XGROW(t->big, t->big_cap, t->nbig + 1);
				t->big[t->nbig].start = open[nopen];
				t->big[t->nbig++].end = i + 1;
			}
			break;
		default:
			ok = false;
			break;
		}
	}
	free(open);
	if (!ok || nopen != 0)
		return false;
	/* closed inner first: sorted by start for known_end's search (qsort wants a non-NULL base) */
	if (t->nbig > 1)
		qsort(t->big, t->nbig, sizeof *t->big, by_start);
	return true;
}

/* The end of the long container starting at s[i], or 0 when it is no long one. */
static size_t
known_end(const struct text *t, size_t i)
{
	size_t lo = 0, hi = t->nbig;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->big[mid].start == i)
			return t->big[mid].end;
		if (t->big[mid].start < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Return the end of the value starting at s[i] (one past its last byte), or 0
 * for anything beyond plain JSON's shape: json-c's non-strict extras (quotes
 * ', comments) or brackets that do not balance.  The bytes inside are not
 * checked here: json-c parses them all, as element or member.  A long
 * container's end was found once, by the first pass (known_end).
 */
static size_t
value_end(const struct text *t, size_t i, size_t n)
{
	const char *s = t->s;
	size_t depth = 0, k;

	if (i >= n)
		return 0;
	if (s[i] != '{' && s[i] != '[' && s[i] != '"') {
		/* a number or literal: up to the next separator */
		while (i < n && !strchr(",]} \t\r\n", s[i]))
			if (strchr("'/\"{[", s[i++]))
				return 0;
		return i;
	}
	if (s[i] != '"' && (k = known_end(t, i)) != 0)
		return k <= n ? k : 0;
	for (; i < n; i++) {
		if (!stop[(unsigned char)s[i]])
			continue;
		switch (s[i]) {
		case '"':
			i = string_end(s, i + 1, n);
			if (i >= n)
				return 0;
			if (depth == 0)
				return i + 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return i + 1;
			break;
		default:        /* ' and / */
			return 0;
		}
	}
	return 0;
}

/*
 * json-c on the text [i, end), which must be one value.  json-c is shown the
 * separator after it too: a number or literal ends only where something else
 * begins (json-c asks for more input at "0" but not at "0,").
 */
static bool
parse_piece(struct text *t, size_t i, size_t end, int depth, json_object **out)
{
	struct json_tokener *tok = NULL;
	size_t slot, sep = skip_ws(t->s, end, t->n), used;
	int limit = t->max_depth - depth;

	*out = NULL;
	if (limit < 2)
		return false;
	slot = (size_t)depth % (sizeof t->tok / sizeof t->tok[0]);
	if (t->tok[slot] && t->tok_depth[slot] == limit) {
		tok = t->tok[slot];
		json_tokener_reset(tok);
	} else {
		if (t->tok[slot])
			json_tokener_free(t->tok[slot]);
		t->tok[slot] = tok = json_tokener_new_ex(limit);
		t->tok_depth[slot] = limit;
		if (tok == NULL)
			return false;
	}
	*out = json_tokener_parse_ex(tok, t->s + i, (int)((sep < t->n ? sep + 1 : sep) - i));
	used = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success || used < end - i || used > sep - i) {
		json_object_put(*out);
		*out = NULL;
		return false;
	}
	return true;
}

static bool build(struct text *t, size_t i, size_t end, int depth, json_object **out);

/* The code unit of the escape backslash-u-XXXX starting at s[i], or -1. */
static long
escaped_unit(const unsigned char *s, size_t i, size_t end)
{
	long v = 0;

	if (i > end || end - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (size_t k = i + 2; k < i + 6; k++) {
		if (!isxdigit(s[k]))
			return -1;
		v = v * 16 + (s[k] <= '9' ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
	}
	return v;
}

/* The end of the string whose opening quote is s[i], or 0 when it is not one json-c surely takes. */
static size_t
plain_string(const unsigned char *s, size_t i, size_t end)
{
	for (i++; i < end; i++) {
		if (s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
			continue;
		if (s[i] == '"')
			return i + 1;
		if (s[i] != '\\' || i + 1 >= end)
			return 0;       /* a raw control character: json-c's to judge */
		if (s[i + 1] == 'u') {
			long v = escaped_unit(s, i, end), lo;

			/* U+0000 and lone surrogates: json-c's to judge; a pair is one character */
			if (v <= 0 || (v >= 0xDC00 && v <= 0xDFFF))
				return 0;
			if (v >= 0xD800 && v <= 0xDBFF) {
				lo = escaped_unit(s, i + 6, end);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return 0;
				i += 6;
			}
			i += 5;
			continue;
		}
		i++;
		if (!strchr("\"\\/bfnrt", s[i]) || s[i] == '\0')
			return 0;
	}
	return 0;
}

/* The end of the RFC 8259 number at s[i], or 0; long ones are json-c's to judge. */
static size_t
plain_number(const unsigned char *s, size_t i, size_t end)
{
	size_t start = i, k;

	if (i < end && s[i] == '-')
		i++;
	if (i < end && s[i] == '0')
		i++;
	else if (i < end && s[i] >= '1' && s[i] <= '9')
		while (i < end && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < end && s[i] == '.') {
		for (k = ++i; i < end && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			i++;
		for (k = i; i < end && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k || i - k > 3)
			return 0;
	}
	return i - start <= 40 ? i : 0;
}

/*
 * Whether s[i..end) is one value of plain JSON (RFC 8259) nested at most
 * room deep, with nothing json-c could see otherwise: no control characters
 * in strings, no \u0000 or surrogate escapes, no long numbers.  Only a
 * "true" is an answer: json-c takes every such text as it is.  A "false"
 * says nothing, and the caller asks json-c.  It is how a lazy array is
 * checked in jsv_parse without building every element's tree twice (once to
 * check, once to read): a tenth of the cost, and nothing allocated.
 */
static bool
plain_json(const char *text, size_t i, size_t end, int room)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char open[256];        /* '[' or '{', by depth */
	int depth = 0;

	if (room > (int)sizeof open)
		room = (int)sizeof open;
	for (;;) {
		size_t e;

		/* a value */
		i = skip_ws(text, i, end);
		if (i >= end)
			return false;
		switch (s[i]) {
		case '{':
		case '[':
			if (depth >= room)
				return false;
			open[depth++] = s[i];
			i = skip_ws(text, i + 1, end);
			if (i < end && s[i] == (open[depth - 1] == '[' ? ']' : '}')) {
				depth--;
				i++;
				break;
			}
			if (open[depth - 1] == '[')
				continue;
			goto key;
		case '"':
			e = plain_string(s, i, end);
			goto scanned;
		case 't':
			e = end - i >= 4 && memcmp(s + i, "true", 4) == 0 ? i + 4 : 0;
			goto scanned;
		case 'f':
			e = end - i >= 5 && memcmp(s + i, "false", 5) == 0 ? i + 5 : 0;
			goto scanned;
		case 'n':
			e = end - i >= 4 && memcmp(s + i, "null", 4) == 0 ? i + 4 : 0;
			goto scanned;
		default:
			e = plain_number(s, i, end);
scanned:
			if (e == 0)
				return false;
			i = e;
			break;
		}
		/* after a value: close what ends here, then the next element or member */
		for (;;) {
			i = skip_ws(text, i, end);
			if (depth == 0)
				return i == end;
			if (i >= end)
				return false;
			if (s[i] == (open[depth - 1] == '[' ? ']' : '}')) {
				depth--;
				i++;
				continue;
			}
			if (s[i] != ',')
				return false;
			i++;
			break;
		}
		if (open[depth - 1] == '[')
			continue;
key:
		i = skip_ws(text, i, end);
		if (i >= end || s[i] != '"' || (e = plain_string(s, i, end)) == 0)
			return false;
		i = skip_ws(text, e, end);
		if (i >= end || s[i] != ':')
			return false;
		i++;
	}
}

/*
 * Check every element of l as json-c would: plain JSON passes on sight
 * (plain_json), anything else is parsed by json-c (and freed) here, so that
 * jsv_at can count on it later.
 */
static bool
lazy_check(struct lazy *l)
{
	struct text *t = l->t;
	/* json-c takes max_depth - depth - 1 levels in an element; one more kept spare */
	int room = t->max_depth - l->depth - 2;

	for (size_t k = 0; k < t->nchecked; k++)
		if (l->n && t->checked[k] == l->at[0].start)
			return true;
	for (size_t i = 0; i < l->n; i++) {
		json_object *kid;
		bool ok;

		if (room > 0 && plain_json(t->s, l->at[i].start, l->at[i].end, room))
			continue;
		ok = build(t, l->at[i].start, l->at[i].end, l->depth, &kid);
		json_object_put(kid);   /* a failed build may leave a part built */
		if (!ok)
			return false;
	}
	if (l->n) {
		XGROW(t->checked, t->checked_cap, t->nchecked + 1);
		t->checked[t->nchecked++] = l->at[0].start;
	}
	return true;
}

/* The array at [i, end), its elements located but not parsed. */
static bool
build_lazy(struct text *t, size_t i, size_t end, int depth, json_object **out)
{
	struct lazy *l = xcalloc(1, sizeof *l);
	size_t cap = 0;

	l->t = t;
	t->refs++;
	l->depth = depth + 1;
	*out = json_object_new_array();
	json_object_set_userdata(*out, l, lazy_delete);
	i = skip_ws(t->s, i + 1, end);
	if (t->s[i] == ']')
		return skip_ws(t->s, i + 1, end) == end;
	for (;;) {
		size_t e = value_end(t, i, end);

		if (e == 0)
			return false;
		XGROW(l->at, cap, l->n + 1);
		l->at[l->n].start = i;
		l->at[l->n++].end = e;
		i = skip_ws(t->s, e, end);
		if (i < end && t->s[i] == ',') {
			i = skip_ws(t->s, i + 1, end);
			if (i < end && t->s[i] == ']')
				return false;   /* a trailing comma: json-c's to judge */
			continue;
		}
		if (i < end && t->s[i] == ']' && i + 1 == end)
			break;
		return false;
	}
	l->kid = xcalloc(l->n, sizeof *l->kid);
	l->dropped = xcalloc(l->n, 1);
	return lazy_check(l);
}

/* The object at [i, end), member by member. */
static bool
build_object(struct text *t, size_t i, size_t end, int depth, json_object **out)
{
	*out = json_object_new_object();
	i = skip_ws(t->s, i + 1, end);
	if (t->s[i] == '}')
		return i + 1 == end;
	for (;;) {
		json_object *key = NULL, *val = NULL;
		size_t e;

		if (i >= end || t->s[i] != '"' || (e = value_end(t, i, end)) == 0)
			return false;
		if (!parse_piece(t, i, e, depth + 1, &key) || !json_object_is_type(key, json_type_string)) {
			json_object_put(key);
			return false;
		}
		i = skip_ws(t->s, e, end);
		if (i >= end || t->s[i] != ':') {
			json_object_put(key);
			return false;
		}
		i = skip_ws(t->s, i + 1, end);
		if ((e = value_end(t, i, end)) == 0 || !build(t, i, e, depth + 1, &val)) {
			json_object_put(key);
			json_object_put(val);
			return false;
		}
		json_object_object_add(*out, json_object_get_string(key), val);
		json_object_put(key);
		i = skip_ws(t->s, e, end);
		if (i < end && t->s[i] == ',') {
			i = skip_ws(t->s, i + 1, end);
			continue;
		}
		return i < end && t->s[i] == '}' && i + 1 == end;
	}
}

/*
 * The value at [i, end): json-c's when short, built here when long.  On
 * failure *out may hold what was built so far: the caller frees it.
 */
static bool
build(struct text *t, size_t i, size_t end, int depth, json_object **out)
{
	*out = NULL;
	/* near the depth limit json-c's own count decides */
	if (end - i <= lazy_min || (t->s[i] != '{' && t->s[i] != '[') || depth + 2 >= t->max_depth)
		return parse_piece(t, i, end, depth, out);
	if (t->s[i] == '[')
		return build_lazy(t, i, end, depth, out);
	return build_object(t, i, end, depth, out);
}

/* The whole document the piecewise way, or NULL to leave it to json-c. */
static json_object *
parse_lazily(const char *buf, size_t n, int max_depth)
{
	struct text *t;
	json_object *root = NULL;
	size_t i = skip_ws(buf, 0, n), e;

	if (n <= lazy_min || i >= n || (buf[i] != '{' && buf[i] != '['))
		return NULL;
	t = xcalloc(1, sizeof *t);
	t->s = buf;
	t->n = n;
	t->refs = 1;
	t->max_depth = max_depth;
	if (!find_long(t) || (e = value_end(t, i, n)) == 0 || skip_ws(t->s, e, n) != n ||
	    !build(t, i, e, 0, &root)) {
		json_object_put(root);
		root = NULL;
	}
	/* the lazy arrays hold the text (with its tokeners and checked list) from here */
	text_unref(t);
	return root;
}

struct jsv *
jsv_parse(const char *buf, size_t n, int max_depth, struct err *e)
{
	struct json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;
	size_t used;

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
		/* JSON text never holds a raw NUL; json-c would take it for the end */
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
	if ((root = parse_lazily(buf, n, max_depth)) != NULL)
		return V(root);
	tok = json_tokener_new_ex(max_depth);
	if (tok == NULL) {
		err_set(e, "cannot create a JSON parser");
		return NULL;
	}
	root = json_tokener_parse_ex(tok, buf, (int)n);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof) {
		/* At the end of the input, "give me more" means the document was cut short. */
		err_set(e, "truncated JSON (the document ends after %zu bytes)", n);
		json_object_put(root);
		root = NULL;
	} else if (jerr == json_tokener_error_depth) {
		err_set(e, "JSON nested deeper than %d levels (at byte %zu)", max_depth, used);
		root = NULL;
	} else if (jerr != json_tokener_success) {
		err_set(e, "invalid JSON at byte %zu: %s", used, json_tokener_error_desc(jerr));
		root = NULL;
	} else {
		while (used < n && strchr(" \t\r\n", buf[used]) && buf[used] != '\0')
			used++;
		if (used < n) {
			err_set(e, "invalid JSON: unexpected data after the document at byte %zu", used);
			json_object_put(root);
			root = NULL;
		} else if (root == NULL) {
			err_set(e, "the document is JSON null");
		}
	}
	json_tokener_free(tok);
	return V(root);
}

void
jsv_free(struct jsv *root)
{
	json_object_put(J(root));
}

enum jsv_type
jsv_type(const struct jsv *v)
{
	switch (json_object_get_type(J(v))) {
	case json_type_boolean: return JSV_BOOL;
	case json_type_int: return JSV_INT;
	case json_type_double: return JSV_DOUBLE;
	case json_type_string: return JSV_STRING;
	case json_type_array: return JSV_ARRAY;
	case json_type_object: return JSV_OBJECT;
	case json_type_null:
	default: return JSV_NULL;
	}
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

struct jsv *
jsv_get(const struct jsv *v, const char *key)
{
	json_object *out = NULL;

	if (!json_object_is_type(J(v), json_type_object))
		return NULL;
	if (!json_object_object_get_ex(J(v), key, &out))
		return NULL;
	return V(out);  /* JSON null is a NULL json_object already */
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
	if (!json_object_is_type(J(v), json_type_string))
		return NULL;
	if (len)
		*len = (size_t)json_object_get_string_len(J(v));
	return json_object_get_string(J(v));
}

bool
jsv_int(const struct jsv *v, long long *out)
{
	if (json_object_is_type(J(v), json_type_int)) {
		*out = (long long)json_object_get_int64(J(v));
		return true;
	}
	if (json_object_is_type(J(v), json_type_double)) {
		double d = json_object_get_double(J(v));

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
	if (json_object_is_type(J(v), json_type_int) ||
	    json_object_is_type(J(v), json_type_double)) {
		double d = json_object_get_double(J(v));

		if (!isfinite(d))
			return false;
		*out = d;
		return true;
	}
	return false;
}

bool
jsv_true(const struct jsv *v)
{
	return json_object_is_type(J(v), json_type_boolean) &&
	    json_object_get_boolean(J(v));
}

size_t
jsv_len(const struct jsv *v)
{
	struct lazy *l = lazy_of(J(v));

	if (l)
		return l->n;
	if (!json_object_is_type(J(v), json_type_array))
		return 0;
	return json_object_array_length(J(v));
}

struct jsv *
jsv_at(const struct jsv *v, size_t i)
{
	struct lazy *l = lazy_of(J(v));

	if (l) {
		if (i >= l->n || l->dropped[i])
			return NULL;
		/* jsv_parse checked this text (lazy_check): it cannot fail now but for memory */
		if (l->kid[i] == NULL && !build(l->t, l->at[i].start, l->at[i].end, l->depth, &l->kid[i])) {
			fprintf(stderr, "opus-archive: cannot read JSON element %zu (out of memory, or a bug: it passed its check)\n", i);
			abort();
		}
		return V(l->kid[i]);
	}
	if (!json_object_is_type(J(v), json_type_array))
		return NULL;
	return V(json_object_array_get_idx(J(v), i));
}

void
jsv_each(const struct jsv *v, bool (*fn)(const char *key, struct jsv *val, void *ctx), void *ctx)
{
	if (!json_object_is_type(J(v), json_type_object))
		return;
	json_object_object_foreach(J(v), key, val) {
		if (!fn(key, V(val), ctx))
			break;
	}
}

void
jsv_drop(struct jsv *v, size_t i)
{
	struct lazy *l = lazy_of(J(v));

	if (l) {
		if (i < l->n) {
			json_object_put(l->kid[i]);
			l->kid[i] = NULL;
			l->dropped[i] = 1;
		}
		return;
	}
	if (json_object_is_type(J(v), json_type_array) && i < json_object_array_length(J(v)))
		json_object_array_put_idx(J(v), i, NULL);
}
