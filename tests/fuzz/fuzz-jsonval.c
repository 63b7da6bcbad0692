/*
 * fuzz-jsonval: bytes as a JSON document -> jsv_parse() both ways: json-c on
 * the whole text, and the piecewise way (a lazy_min of 4 bytes, so nearly
 * every container is built member by member and every array is lazy).  The
 * two must agree: the same error message, or trees whose canonical dumps
 * (tests/jsvdump.h) are the same bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../jsvdump.h"
#include "fuzz.h"

static void
one_way(const uint8_t *data, size_t size, int depth, size_t lazy_min, struct buf *out)
{
	struct err e;
	struct jsv *root;

	err_init(&e);
	jsv_set_lazy_min(lazy_min);
	root = jsv_parse((const char *)data, size, depth, &e);
	if (root == NULL)
		buf_addf(out, "error: %s", e.msg);
	else
		jsvdump(out, root);
	jsv_free(root);
	jsv_set_lazy_min(16 * 1024);
}

FUZZ_TARGET(jsonval)
{
	/* a small limit now and then, so json-c's depth error is compared too */
	int depth = size > 0 && data[0] == 'D' ? 5 : 128;
	struct buf a, b;

	buf_init(&a, 0);
	buf_init(&b, 0);
	one_way(data, size, depth, SIZE_MAX, &a);
	one_way(data, size, depth, 4, &b);
	if (strcmp(buf_str(&a), buf_str(&b)) != 0)
		abort();
	buf_release(&a);
	buf_release(&b);
	return 0;
}
