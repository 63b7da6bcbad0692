#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "text.h"
#include "xalloc.h"

/* Append the UTF-8 encoding of code point c to out (room for 4 bytes); return the length. */
static size_t
text_utf8_put(char *out, unsigned c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t
text_utf8_get(const char *s, size_t n, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	size_t len;
	unsigned min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t
text_utf8_len(const char *s)
{
	unsigned cp;
	size_t len;

	if (*s == '\0')
		return 0;
	len = text_utf8_get(s, strnlen(s, 4), &cp);
	return len ? len : 1;
}

static bool
xml_allowed(unsigned c)
{
	if (c == '\t' || c == '\n')
		return true;
	if (c < 0x20 || c == 0x7F)
		return false;
	if (c >= 0x80 && c <= 0x9F)     /* C1 controls: allowed by XML, never text */
		return false;
	if (c == 0xFFFE || c == 0xFFFF)
		return false;
	return true;
}

char *
text_clean(const char *s, size_t n, bool *bad_utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, from = 0;

	buf_init(&b, 0);
	/* Nearly always the output is the input: reserve that much once. */
	buf_add(&b, "", 0);
	XGROW(b.data, b.cap, n + 1);
	while (i < n) {
		unsigned c;
		size_t len;

		/* characters kept as they are go out in runs, not one buf_add each */
		if ((p[i] >= 0x20 && p[i] < 0x7F) || p[i] == '\t' || p[i] == '\n') {
			i++;
			continue;
		}
		len = text_utf8_get(s + i, n - i, &c);
		if (len > 0 && c != '\r' && xml_allowed(c)) {
			i += len;
			continue;
		}
		buf_add(&b, p + from, i - from);
		if (len == 0) {
			buf_add(&b, "\xEF\xBF\xBD", 3);
			if (bad_utf8)
				*bad_utf8 = true;
			i++;
			/* skip the rest of this broken sequence's continuation bytes */
			while (i < n && (p[i] & 0xC0) == 0x80)
				i++;
		} else if (c == '\r') {
			buf_addc(&b, '\n');
			i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
		} else {
			i += len;       /* a character XML cannot carry: left out */
		}
		from = i;
	}
	buf_add(&b, p + from, i - from);
	return buf_detach(&b, NULL);
}

/*
 * The longest reference decode_ref reads, ';' excluded: longer than any name
 * (HTML's longest is 31 letters) and any numeric form worth reading.  The
 * search for ';' stops there, so a long run of '&' costs its length, not its
 * square.
 */
#define REF_MAX 32

/* Decode the reference starting at s (just after '&'); return its length up to ';' or 0. */
static size_t
decode_ref(const char *s, unsigned *cp)
{
	const char *semi = memchr(s, ';', strnlen(s, REF_MAX + 1));
	size_t len;

	if (semi == NULL || semi == s)
		return 0;
	len = (size_t)(semi - s);
	if (s[0] == '#') {
		unsigned long v = 0;
		size_t i = 1;
		int base = 10;

		if (len > 1 && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			i = 2;
		}
		if (i >= len)
			return 0;
		for (; i < len; i++) {
			int d;
			char c = s[i];

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (base == 16 && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (base == 16 && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return 0;
			if (v <= 0x10FFFF)
				v = v * (unsigned long)base + (unsigned long)d;
		}
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			v = 0xFFFD;
		*cp = (unsigned)v;
		return len + 1;
	}
	if ((*cp = html_entity(s, len)) != 0)
		return len + 1;
	return 0;
}

char *
text_decode_entities(const char *s)
{
	struct buf b;

	buf_init(&b, 0);
	while (*s) {
		const char *amp = strchr(s, '&');
		unsigned cp;
		size_t used;
		char u[4];

		if (amp == NULL) {
			buf_adds(&b, s);
			break;
		}
		buf_add(&b, s, (size_t)(amp - s));
		used = decode_ref(amp + 1, &cp);
		if (used == 0) {
			buf_addc(&b, '&');
			s = amp + 1;
			continue;
		}
		buf_add(&b, u, text_utf8_put(u, cp));
		s = amp + 1 + used;
	}
	return buf_detach(&b, NULL);
}

bool
text_is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}
