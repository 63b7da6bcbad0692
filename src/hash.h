/*
 * hash: MD5, SHA-1 and SHA-256 digests from OpenSSL's libcrypto (its EVP
 * interface), the only module that includes an OpenSSL header.
 *
 * Uses: SHA-256 names pictures by content and cache entries by URL, and seeds
 * book identifiers; SHA-1 makes the WARC digests (which readers expect as
 * "sha1:" plus RFC 4648 base32); MD5 is only for WBI request signatures, where
 * the server asks for it.  None of them is used where an attacker's
 * collisions would matter.
 *
 * Errors: libcrypto can refuse an algorithm (MD5 is unavailable when OpenSSL
 * runs in FIPS mode; a broken OPENSSL_CONF can disable everything).  Every
 * call that can fail returns 0 or -1 and fills a struct err with libcrypto's
 * reason, except hash_name_hex(), whose failure ends the program (see there).
 */
#ifndef OA_HASH_H
#define OA_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum hash_algo {
	HASH_MD5,               /* 16 bytes */
	HASH_SHA1,              /* 20 bytes */
	HASH_SHA256             /* 32 bytes */
};

/* Bytes in the largest digest, and in its hex form with the NUL. */
#define HASH_MAX_SIZE 32
#define HASH_MAX_HEX (2 * HASH_MAX_SIZE + 1)

/*
 * A digest being computed.  The caller owns the struct; it owns the libcrypto
 * context in ctx, which hash_final() or hash_release() frees.  A failure in
 * hash_init() or hash_update() is kept (sticky) and reported by hash_final(),
 * so a chain of updates is checked once, at the end.
 */
struct hash {
	enum hash_algo algo;
	void *ctx;              /* libcrypto's EVP_MD_CTX, or NULL after a failure or the end */
	char failure[256];      /* why the digest failed, or "" */
};

/* Return the size in bytes of a digest of algorithm a. */
size_t hash_size(enum hash_algo a);
/* Return the name of algorithm a as people write it ("SHA-256"). */
const char *hash_name(enum hash_algo a);

/* Start a digest of algorithm a in h; failures are reported by hash_final(). */
void hash_init(struct hash *h, enum hash_algo a);
/* Add p[0..n) to the digest; does nothing once the digest has failed. */
void hash_update(struct hash *h, const void *p, size_t n);
/*
 * Write the digest (hash_size() bytes) into out and free what h holds.
 * Return 0, or -1 with e filled when libcrypto failed at any step.
 */
int hash_final(struct hash *h, unsigned char *out, struct err *e);
/* Free what h holds without finishing the digest; safe after hash_final(). */
void hash_release(struct hash *h);

/* Write the digest of p[0..n) into out.  Return 0, or -1 with e filled. */
int hash_digest(enum hash_algo a, const void *p, size_t n, unsigned char *out, struct err *e);
/* Write the lowercase hex digest of p[0..n) into hex (2 * hash_size() + 1 bytes). */
int hash_hex(enum hash_algo a, const void *p, size_t n, char *hex, struct err *e);

/*
 * Write the lowercase hex SHA-256 of p[0..n) into hex, for names (cache
 * paths, book identifiers) whose callers have no way to fail.  SHA-256 is in
 * every libcrypto provider, FIPS included, so a failure means libcrypto
 * cannot be used at all: like running out of memory (xalloc.h), it prints
 * libcrypto's reason and aborts.
 */
void hash_name_hex(const void *p, size_t n, char hex[65]);

/*
 * Return the shard (1 to n, n > 0) that --shard K/N gives the article whose
 * key is key (load_key(): the opus id in decimal, or "cvN"): the first 8
 * bytes of the SHA-256 of the key's bytes, read as a big-endian unsigned
 * 64-bit number, modulo n, plus 1.  It depends on the key alone, so adding
 * articles never moves others between shards; the man page gives the same
 * rule for other tools.  Aborts as hash_name_hex() does.
 */
unsigned hash_shard(const char *key, unsigned n);

/* Write the lowercase hex form of the n bytes of d into hex (2n + 1 bytes). */
void hash_tohex(const unsigned char *d, size_t n, char *hex);
/* Write the RFC 4648 base32 form of a 20-byte (SHA-1) digest into b32 (33 bytes with the NUL). */
void hash_tobase32(const unsigned char d[20], char b32[33]);

#endif
