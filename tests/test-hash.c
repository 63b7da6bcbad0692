/*
 * Unit tests for hash.c: the standard vectors of MD5 (RFC 1321), SHA-1
 * (FIPS 180 / RFC 3174) and SHA-256 (FIPS 180), one-shot and streamed in odd
 * pieces, hex and base32 as WARC writes it, and a failure reported, not lost.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "tap.h"
#include "xalloc.h"

struct vector {
	const char *what;
	const char *md5, *sha1, *sha256;
};

static const char abc448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

static const struct vector vectors[] = {
	{ "the empty string", "d41d8cd98f00b204e9800998ecf8427e",
	    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72",
	    "a9993e364706816aba3e25717850c26c9cd0d89d",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "the 448-bit message", "8215ef0796a20bcaaae116d3876c664a",
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "a million 'a'", "7707d6ae4e027c70eea2a935c2296f21",
	    "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

/* The streamed digest of in[0..n) in pieces that cycle through odd sizes, as hex. */
static void
streamed(enum hash_algo a, const char *in, size_t n, char *hex)
{
	/* pieces that straddle the 64-byte blocks: buffered bytes, then whole blocks in place */
	static const size_t piece[] = { 1, 63, 64, 65, 3, 200, 4096, 7, 0 };
	unsigned char d[HASH_MAX_SIZE];
	struct hash h;
	struct err e;
	size_t at = 0;

	err_init(&e);
	hash_init(&h, a);
	for (size_t k = 0; at < n || k == 0; k++) {
		size_t take = piece[k % (sizeof piece / sizeof piece[0])];

		if (take > n - at)
			take = n - at;
		hash_update(&h, in + at, take);
		at += take;
	}
	if (hash_final(&h, d, &e) < 0) {
		printf("# %s\n", e.msg);
		snprintf(hex, HASH_MAX_HEX, "(failed)");
		return;
	}
	hash_tohex(d, hash_size(a), hex);
}

static void
check(const struct vector *v, const char *in, size_t n)
{
	static const enum hash_algo algos[] = { HASH_MD5, HASH_SHA1, HASH_SHA256 };

	for (size_t i = 0; i < 3; i++) {
		enum hash_algo a = algos[i];
		const char *want = a == HASH_MD5 ? v->md5 : a == HASH_SHA1 ? v->sha1 : v->sha256;
		char hex[HASH_MAX_HEX];
		struct err e;

		err_init(&e);
		if (hash_hex(a, in, n, hex, &e) < 0) {
			printf("# %s\n", e.msg);
			snprintf(hex, sizeof hex, "(failed)");
		}
		is_str(hex, want, "%s of %s", hash_name(a), v->what);
		streamed(a, in, n, hex);
		is_str(hex, want, "%s of %s, streamed in odd pieces", hash_name(a), v->what);
	}
}

int
main(void)
{
	char *million = xmalloc(1000000);
	unsigned char d[HASH_MAX_SIZE];
	char hex[HASH_MAX_HEX], b32[33];
	struct hash h;
	struct err e;

	plan(4 * 6 + 12);
	memset(million, 'a', 1000000);
	check(&vectors[0], "", 0);
	check(&vectors[1], "abc", 3);
	check(&vectors[2], abc448, strlen(abc448));
	check(&vectors[3], million, 1000000);

	ok(hash_size(HASH_MD5) == 16 && hash_size(HASH_SHA1) == 20 && hash_size(HASH_SHA256) == 32,
	    "digest sizes");
	hash_name_hex("abc", 3, hex);
	is_str(hex, vectors[1].sha256, "hash_name_hex is SHA-256");

	/* base32 values: what wget and warcio write (sha1:3I42H... is the empty payload) */
	err_init(&e);
	ok(hash_digest(HASH_SHA1, "", 0, d, &e) == 0, "SHA-1 of nothing, one-shot");
	hash_tobase32(d, b32);
	is_str(b32, "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "base32 of the empty payload's SHA-1");
	hash_digest(HASH_SHA1, million, 1000000, d, &e);
	hash_tobase32(d, b32);
	is_str(b32, "GSVJOPGUYTNKJ5Q65MV5XLJHGFSTIALP", "base32 of a million 'a''s SHA-1");

	/* an abandoned digest frees its context; release twice is harmless */
	hash_init(&h, HASH_SHA256);
	hash_update(&h, "abc", 3);
	hash_release(&h);
	hash_release(&h);
	ok(h.ctx == NULL, "hash_release frees the context and may be repeated");

	/* a failure is kept and reported by hash_final, with libcrypto's reason */
	hash_init(&h, HASH_SHA256);
	hash_release(&h);
	snprintf(h.failure, sizeof h.failure, "libcrypto cannot compute SHA-256: test");
	hash_update(&h, "abc", 3);
	err_init(&e);
	ok(hash_final(&h, d, &e) < 0 && e.set, "a failed digest makes hash_final fail");
	is_str(e.msg, "libcrypto cannot compute SHA-256: test", "with the reason it was given");
	err_init(&e);
	hash_init(&h, (enum hash_algo)42);
	ok(hash_final(&h, d, &e) < 0 && strstr(e.msg, "libcrypto cannot start") != NULL,
	    "an unknown algorithm is an error, not a crash (%s)", e.msg);

	/* --shard's rule, as the man page gives it for other tools (sha256sum | cut -c1-16) */
	ok(hash_shard("933099353259638816", 4) == 3 && hash_shard("cv12345", 4) == 1,
	    "hash_shard: 1 + the first 8 bytes of SHA-256, big-endian, mod N");
	ok(hash_shard("933099353259638816", 1) == 1, "hash_shard: one shard holds everything");
	{
		unsigned count[7] = { 0 };
		bool in_range = true;

		for (int i = 0; i < 7000; i++) {
			char id[32];
			unsigned k;

			snprintf(id, sizeof id, "%d", 900000000 + i);
			k = hash_shard(id, 7);
			in_range = in_range && k >= 1 && k <= 7;
			if (k >= 1 && k <= 7)
				count[k - 1]++;
		}
		ok(in_range && count[0] > 800 && count[6] > 800,
		    "hash_shard: 7,000 ids fall in shards 1 to 7, about evenly (%u ... %u)", count[0],
		    count[6]);
	}

	free(million);
	return done_testing();
}
