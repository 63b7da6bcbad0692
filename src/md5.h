/*
 * md5: RFC 1321 MD5.  Only for WBI request signatures (spec §1.5), where the
 * server asks for it; never for anything that needs to resist an attacker.
 */
#ifndef OA_MD5_H
#define OA_MD5_H

#include <stddef.h>
#include <stdint.h>

/* Write the lowercase hex MD5 of p[0..n) into hex (33 bytes with the NUL). */
void md5_hex(const void *p, size_t n, char hex[33]);

#endif
