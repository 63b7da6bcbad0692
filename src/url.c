#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"
#include "xalloc.h"

static bool
has_prefix_ci(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* Return true when s starts with "scheme:" (RFC 3986 scheme characters). */
static bool
has_scheme(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return false;
	for (s++; *s; s++) {
		if (*s == ':')
			return true;
		if (!isalnum((unsigned char)*s) && *s != '+' && *s != '-' && *s != '.')
			return false;
	}
	return false;
}

static bool
is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

/*
 * A host is dot-separated labels of letters, digits, '-' and '_', with an
 * optional ":port": no user part, no empty label (so no "..").
 */
static bool
host_valid(const char *h, size_t n)
{
	size_t label = 0, i;

	if (n == 0 || n > 255)
		return false;
	for (i = 0; i < n && h[i] != ':'; i++) {
		char c = h[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-' || c == '_') {
			label++;
		} else {
			return false;
		}
	}
	if (label == 0)
		return false;
	if (i < n) {
		if (i + 1 == n)
			return false;
		for (i++; i < n; i++)
			if (!isdigit((unsigned char)h[i]))
				return false;
	}
	return true;
}

char *
url_link(const char *s)
{
	const char *rest, *p, *end;
	struct buf b;
	size_t hostlen;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	/*
	 * Trailing white space is dropped before encoding, so that an escape the
	 * source wrote itself ("a%20") is kept and url_link(url_link(s)) is
	 * url_link(s) (the fuzzer found the difference).
	 */
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (s[0] == '/' && s[1] == '/')
		rest = s + 2;
	else if (has_prefix_ci(s, "http://"))
		rest = s + 7;
	else if (has_prefix_ci(s, "https://"))
		rest = s + 8;
	else if (has_scheme(s))
		return NULL;
	else {
		/* "www.bilibili.com/x": a host needs a dot before the first slash */
		size_t seg = strcspn(s, "/?#");

		if (memchr(s, '.', seg) == NULL)
			return NULL;
		rest = s;
	}
	hostlen = strcspn(rest, "/?#");
	if (rest + hostlen > end)
		hostlen = (size_t)(end - rest);
	if (!host_valid(rest, hostlen))
		return NULL;
	buf_init(&b, 0);
	buf_adds(&b, "https://");
	for (size_t i = 0; i < hostlen; i++)
		buf_addc(&b, (char)tolower((unsigned char)rest[i]));
	for (p = rest + hostlen; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%' && p + 2 < end && is_hex(p[1]) && is_hex(p[2]))
			buf_addc(&b, '%');
		else if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}%", c))
			buf_addf(&b, "%%%02X", c);
		else
			buf_addc(&b, (char)c);
	}
	return buf_detach(&b, NULL);
}

char *
url_picture_key(const char *s)
{
	char *u = url_link(s);
	char *hash, *query, *slash, *at;

	if (u == NULL)
		return NULL;
	hash = strchr(u, '#');
	if (hash)
		*hash = '\0';
	query = strchr(u + 8, '?');
	slash = strrchr(u + 8, '/');
	if (slash == NULL || (query && slash > query))
		return u;       /* no path: nothing to strip */
	at = strchr(slash, '@');
	if (at && (query == NULL || at < query)) {
		if (query)
			memmove(at, query, strlen(query) + 1);
		else
			*at = '\0';
	}
	return u;
}

char *
url_host(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;
	char *h;

	if (p == NULL)
		return NULL;
	p += 3;
	n = strcspn(p, "/?#:");
	if (n == 0)
		return NULL;
	h = xstrndup(p, n);
	for (char *q = h; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return h;
}

char *
url_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = xmalloc(3 * n + 1), *o = out;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
