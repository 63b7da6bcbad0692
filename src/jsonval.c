#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonval.h"
#include "xalloc.h"

/* struct jsv is never defined: a struct jsv * is a json_object * in disguise. */
#define J(v) ((json_object *)(v))
#define V(o) ((struct jsv *)(o))

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
	if (!json_object_is_type(J(v), json_type_array))
		return 0;
	return json_object_array_length(J(v));
}

struct jsv *
jsv_at(const struct jsv *v, size_t i)
{
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
	if (json_object_is_type(J(v), json_type_array) && i < json_object_array_length(J(v)))
		json_object_array_put_idx(J(v), i, NULL);
}
