/*
 * sha1: FIPS 180-4 SHA-1, for the WARC digests.  WARC readers (wget, warcio,
 * pywb) expect "sha1:" followed by the RFC 4648 base32 form of the digest,
 * so that is what this module also makes.  SHA-1 is not used here for
 * anything that needs collision resistance: the cache uses sha256.
 */
#ifndef OA_SHA1_H
#define OA_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[64];
	size_t fill;
};

void sha1_init(struct sha1 *c);
void sha1_update(struct sha1 *c, const void *p, size_t n);
void sha1_final(struct sha1 *c, unsigned char out[20]);
/* Write the lowercase hex form of a 20-byte digest into hex (41 bytes with the NUL). */
void sha1_tohex(const unsigned char d[20], char hex[41]);
/* Write the RFC 4648 base32 form of a 20-byte digest into b32 (33 bytes with the NUL). */
void sha1_tobase32(const unsigned char d[20], char b32[33]);

#endif
