#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "wbi.h"
#include "xalloc.h"

/* The shuffle of spec §1.5, step 2. */
static const unsigned char tab[64] = {
	46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35, 27, 43, 5, 49, 33, 9, 42, 19,
	29, 28, 14, 39, 12, 38, 41, 13, 37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4,
	22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
};

char *
wbi_key_from_url(const char *url)
{
	const char *name, *dot;
	size_t n;

	if (url == NULL || (name = strrchr(url, '/')) == NULL)
		return NULL;
	name++;
	dot = strchr(name, '.');
	n = dot ? (size_t)(dot - name) : strlen(name);
	if (n == 0 || n > 64 || strspn(name, "0123456789abcdefABCDEF") < n)
		return NULL;
	return xstrndup(name, n);
}

int
wbi_mixin(const char *img_key, const char *sub_key, char mixin[33])
{
	char raw[65];
	size_t ni = strlen(img_key), ns = strlen(sub_key);

	if (ni + ns != 64)
		return -1;
	memcpy(raw, img_key, ni);
	memcpy(raw + ni, sub_key, ns + 1);
	for (int i = 0; i < 32; i++)
		mixin[i] = raw[tab[i]];
	mixin[32] = '\0';
	return 0;
}

/* Percent-encode like JavaScript's encodeURIComponent, after dropping !'()*. */
static void
encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (strchr("!'()*", *p))
			continue;
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr("-_.~", *p)) {
			buf_addc(b, (char)*p);
		} else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

struct pair {
	const char *name, *value;
};

static int
by_name(const void *x, const void *y)
{
	return strcmp(((const struct pair *)x)->name, ((const struct pair *)y)->name);
}

char *
wbi_sign(const char *const *names, const char *const *values, size_t n, const char *mixin,
    long long wts, struct err *e)
{
	struct pair *v = xcalloc(n + 1, sizeof *v);
	char ts[32], rid[33];
	struct buf q;
	size_t len;

	snprintf(ts, sizeof ts, "%lld", wts);
	for (size_t i = 0; i < n; i++) {
		v[i].name = names[i];
		v[i].value = values[i];
	}
	v[n].name = "wts";
	v[n].value = ts;
	qsort(v, n + 1, sizeof *v, by_name);
	buf_init(&q, 0);
	for (size_t i = 0; i <= n; i++) {
		if (i)
			buf_addc(&q, '&');
		encode(&q, v[i].name);
		buf_addc(&q, '=');
		encode(&q, v[i].value);
	}
	/* the hash is over the query followed by the mixin key, which is not sent */
	{
		char *text = xasprintf("%s%s", buf_str(&q), mixin);
		int rc = hash_hex(HASH_MD5, text, strlen(text), rid, e);

		free(text);
		free(v);
		if (rc < 0) {
			err_prefix(e, "cannot sign the request (WBI)");
			buf_release(&q);
			return NULL;
		}
	}
	buf_addf(&q, "&w_rid=%s", rid);
	return buf_detach(&q, &len);
}
