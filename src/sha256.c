#include "config.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SHA_NI 1
#endif

#include "sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress(uint32_t *hs, const unsigned char *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = hs[0]; b = hs[1]; cc = hs[2]; d = hs[3];
	e = hs[4]; f = hs[5]; g = hs[6]; h = hs[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + s1 + ch + K[i] + w[i];
		uint32_t s0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
		uint32_t maj = (a & b) ^ (a & cc) ^ (b & cc);
		uint32_t t2 = s0 + maj;

		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	hs[0] += a; hs[1] += b; hs[2] += cc; hs[3] += d;
	hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
}

static void
compress_blocks_c(uint32_t *hs, const unsigned char *p, size_t n)
{
	for (; n > 0; n--, p += 64)
		compress(hs, p);
}

#ifdef HAVE_SHA_NI
/*
 * The same with the x86 SHA extensions, which hash pictures several times
 * faster: naming every picture of a book by its SHA-256 was a third of the
 * time it took to make a long book (bench/RESULTS.md).  The state is kept in
 * the two ABEF/CDGH halves the instructions work on.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
compress_blocks_ni(uint32_t *hs, const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i s0, s1, tmp;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&hs[0]), 0xB1);
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&hs[4]), 0x1B);
	s0 = _mm_alignr_epi8(tmp, s1, 8);               /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);            /* CDGH */
	for (; n > 0; n--, p += 64) {
		__m128i abef = s0, cdgh = s1, w[16];

		for (int i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
			    bswap);
		for (int i = 4; i < 16; i++)
			w[i] = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w[i - 4], w[i - 3]),
			    _mm_alignr_epi8(w[i - 1], w[i - 2], 4)), w[i - 1]);
		for (int i = 0; i < 16; i++) {
			__m128i m = _mm_add_epi32(w[i],
			    _mm_loadu_si128((const __m128i *)(const void *)&K[4 * i]));

			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E));
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1B);              /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);               /* DCHG */
	_mm_storeu_si128((__m128i *)(void *)&hs[0], _mm_blend_epi16(tmp, s1, 0xF0));   /* DCBA */
	_mm_storeu_si128((__m128i *)(void *)&hs[4], _mm_alignr_epi8(s1, tmp, 8));      /* HGFE */
}
#endif

/* Hash n whole 64-byte blocks at p into hs, with the SHA extensions when the CPU has them. */
static void
compress_blocks(uint32_t *hs, const unsigned char *p, size_t n)
{
#ifdef HAVE_SHA_NI
	static int ni = -1;     /* not asked yet; the answer never changes */

	if (ni < 0) {
		__builtin_cpu_init();
		ni = __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1") &&
		    __builtin_cpu_supports("ssse3");
	}
	if (ni) {
		compress_blocks_ni(hs, p, n);
		return;
	}
#endif
	compress_blocks_c(hs, p, n);
}

void
sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof iv);
	c->len = 0;
	c->fill = 0;
}

void
sha256_update(struct sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	c->len += n;
	if (c->fill > 0) {
		size_t take = 64 - c->fill;

		if (take > n)
			take = n;
		memcpy(c->block + c->fill, p, take);
		c->fill += take;
		p += take;
		n -= take;
		if (c->fill < 64)
			return;
		compress_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	/* whole blocks straight from the caller's bytes */
	if (n >= 64) {
		compress_blocks(c->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	memcpy(c->block, p, n);
	c->fill = n;
}

void
sha256_final(struct sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, lenb[8];

	sha256_update(c, &pad, 1);
	while (c->fill != 56)
		sha256_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, lenb, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
sha256_tohex(const unsigned char d[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void
sha256_hex(const void *p, size_t n, char hex[65])
{
	struct sha256 c;
	unsigned char d[32];

	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, d);
	sha256_tohex(d, hex);
}
