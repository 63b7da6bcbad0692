/*
 * sha256: FIPS 180-4 SHA-256, for content-addressed names and cache keys.
 * Written here because none of the four libraries exposes a digest API.
 */
#ifndef OA_SHA256_H
#define OA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final(struct sha256 *c, unsigned char out[32]);
/* Write the lowercase hex digest of p[0..n) into hex (65 bytes with the NUL). */
void sha256_hex(const void *p, size_t n, char hex[65]);
/* Write the lowercase hex form of a 32-byte digest into hex (65 bytes). */
void sha256_tohex(const unsigned char d[32], char hex[65]);

#endif
