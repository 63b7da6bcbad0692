#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "hash.h"

static const EVP_MD *
algo_md(enum hash_algo a)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	/*
	 * OpenSSL 3 looks EVP_sha256()'s implementation up in its providers at
	 * every EVP_DigestInit_ex (a locked search): fetched once here instead,
	 * it was 3% of rendering an article of 240 pictures.  The fetched
	 * digests live until the process ends (the program is single-threaded
	 * where it hashes).
	 */
	static EVP_MD *fetched[3];
	static const char *const names[3] = { "MD5", "SHA1", "SHA256" };

	if ((unsigned)a < 3) {
		if (fetched[a] == NULL)
			fetched[a] = EVP_MD_fetch(NULL, names[a], NULL);
		if (fetched[a] != NULL)
			return fetched[a];
	}
#endif
	switch (a) {
	case HASH_MD5:
		return EVP_md5();
	case HASH_SHA1:
		return EVP_sha1();
	case HASH_SHA256:
		return EVP_sha256();
	}
	return NULL;
}

size_t
hash_size(enum hash_algo a)
{
	switch (a) {
	case HASH_MD5:
		return 16;
	case HASH_SHA1:
		return 20;
	case HASH_SHA256:
		return 32;
	}
	return HASH_MAX_SIZE;
}

const char *
hash_name(enum hash_algo a)
{
	switch (a) {
	case HASH_MD5:
		return "MD5";
	case HASH_SHA1:
		return "SHA-1";
	case HASH_SHA256:
		return "SHA-256";
	}
	return "an unknown digest";
}

/*
 * Record why step failed in h->failure, with libcrypto's reason for the first
 * error in this thread's queue (which it then empties), and free the context.
 */
static void
fail(struct hash *h, const char *step)
{
	unsigned long code = ERR_peek_error();
	char reason[160];

	if (code != 0)
		ERR_error_string_n(code, reason, sizeof reason);
	else
		snprintf(reason, sizeof reason, "no reason given");
	ERR_clear_error();
	snprintf(h->failure, sizeof h->failure, "libcrypto cannot %s %s: %s", step,
	    hash_name(h->algo), reason);
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void
hash_init(struct hash *h, enum hash_algo a)
{
	const EVP_MD *md = algo_md(a);

	h->algo = a;
	h->failure[0] = '\0';
	/*
	 * errors left in this thread's queue by others are not ours to report;
	 * libcurl's TLS code clears it before each call too, so it loses nothing
	 */
	ERR_clear_error();
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || md == NULL || EVP_DigestInit_ex(h->ctx, md, NULL) != 1)
		fail(h, "start");
}

void
hash_update(struct hash *h, const void *p, size_t n)
{
	if (h->ctx == NULL || n == 0)
		return;
	if (EVP_DigestUpdate(h->ctx, p, n) != 1)
		fail(h, "compute");
}

int
hash_final(struct hash *h, unsigned char *out, struct err *e)
{
	unsigned int len = 0;

	if (h->ctx != NULL && (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 ||
	    len != hash_size(h->algo)))
		fail(h, "finish");
	hash_release(h);
	if (h->failure[0] != '\0')
		return err_set(e, "%s", h->failure);
	return 0;
}

void
hash_release(struct hash *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int
hash_digest(enum hash_algo a, const void *p, size_t n, unsigned char *out, struct err *e)
{
	struct hash h;

	hash_init(&h, a);
	hash_update(&h, p, n);
	return hash_final(&h, out, e);
}

int
hash_hex(enum hash_algo a, const void *p, size_t n, char *hex, struct err *e)
{
	unsigned char d[HASH_MAX_SIZE];

	if (hash_digest(a, p, n, d, e) < 0)
		return -1;
	hash_tohex(d, hash_size(a), hex);
	return 0;
}

void
hash_name_hex(const void *p, size_t n, char hex[65])
{
	struct err e;

	err_init(&e);
	if (hash_hex(HASH_SHA256, p, n, hex, &e) < 0) {
		fprintf(stderr, "opus-archive: %s\n", e.msg);
		abort();
	}
}

unsigned
hash_shard(const char *key, unsigned n)
{
	unsigned char d[32];
	uint64_t v = 0;
	struct err e;

	err_init(&e);
	if (hash_digest(HASH_SHA256, key, strlen(key), d, &e) < 0) {
		fprintf(stderr, "opus-archive: %s\n", e.msg);
		abort();
	}
	/* the first 8 bytes as a big-endian number: what any SHA-256 tool prints first */
	for (int i = 0; i < 8; i++)
		v = v << 8 | d[i];
	return (unsigned)(v % n) + 1;
}

void
hash_tohex(const unsigned char *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
}

void
hash_tobase32(const unsigned char d[20], char b32[33])
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
