#include "config.h"

#include <string.h>

#include "sha1.h"

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void
compress(struct sha1 *c, const unsigned char *p)
{
	uint32_t w[80], a, b, cc, d, e;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3]; e = c->h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & cc) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ cc ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & cc) | (b & d) | (cc & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ cc ^ d;
			k = 0xca62c1d6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d; d = cc; cc = ROL(b, 30); b = a; a = t;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e;
}

void
sha1_init(struct sha1 *c)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};

	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->fill = 0;
}

void
sha1_update(struct sha1 *c, const void *p, size_t n)
{
	const unsigned char *s = p;

	c->len += n;
	while (n > 0) {
		size_t take = 64 - c->fill;

		if (take > n)
			take = n;
		memcpy(c->block + c->fill, s, take);
		c->fill += take;
		s += take;
		n -= take;
		if (c->fill == 64) {
			compress(c, c->block);
			c->fill = 0;
		}
	}
}

void
sha1_final(struct sha1 *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72];
	size_t npad = (c->fill < 56 ? 56 : 120) - c->fill;

	memset(pad, 0, sizeof pad);
	pad[0] = 0x80;
	for (int i = 0; i < 8; i++)
		pad[npad + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(c, pad, npad + 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
sha1_tohex(const unsigned char d[20], char hex[41])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 20; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[40] = '\0';
}

void
sha1_tobase32(const unsigned char d[20], char b32[33])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	unsigned acc = 0;
	int bits = 0, o = 0;

	/* 160 bits are exactly 32 five-bit groups: no padding */
	for (int i = 0; i < 20; i++) {
		acc = (acc << 8) | d[i];
		bits += 8;
		while (bits >= 5) {
			b32[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	b32[o] = '\0';
}
