/* Unit tests for sha1.c: the FIPS 180 / RFC 3174 vectors, split updates, base32 as WARC writes it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sha1.h"
#include "tap.h"

static void
vector(const char *in, size_t n, size_t step, const char *want_hex, const char *want_b32)
{
	struct sha1 c;
	unsigned char d[20];
	char hex[41], b32[33];

	sha1_init(&c);
	for (size_t i = 0; i < n; i += step)
		sha1_update(&c, in + i, n - i < step ? n - i : step);
	sha1_final(&c, d);
	sha1_tohex(d, hex);
	sha1_tobase32(d, b32);
	is_str(hex, want_hex, "sha1 of %zu bytes in steps of %zu", n, step);
	if (want_b32)
		is_str(b32, want_b32, "base32 of the digest of %zu bytes", n);
}

int
main(void)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	plan(11);
	/* base32 values: what wget and warcio write (sha1:3I42H... is the empty payload) */
	vector("", 0, 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
	vector("abc", 3, 1, "a9993e364706816aba3e25717850c26c9cd0d89d", "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
	vector(two_blocks, strlen(two_blocks), 7,
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "QSMD4RA4HPJG5OVOJKQ7SUJJ4XSUM4HR");
	vector(two_blocks, strlen(two_blocks), 64,
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1", NULL);
	memset(million, 'a', 1000000);
	vector(million, 1000000, 4096,
	    "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "GSVJOPGUYTNKJ5Q65MV5XLJHGFSTIALP");
	vector(million, 1000000, 999999, "34aa973cd4c4daa4f61eeb2bdbad27316534016f", NULL);
	vector("The quick brown fox jumps over the lazy dog", 43, 43,
	    "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12", NULL);
	free(million);
	return done_testing();
}
