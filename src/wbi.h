/*
 * wbi: the "WBI" signature some Bilibili endpoints want on their query
 * (spec §1.5): two keys from x/web-interface/nav are shuffled into a mixin
 * key, the sorted, cleaned, percent-encoded parameters plus wts (the time)
 * are hashed with it, and the MD5 goes along as w_rid.
 */
#ifndef OA_WBI_H
#define OA_WBI_H

#include <stddef.h>

#include "err.h"

/* The key in a nav wbi_img URL: its file name without the extension (caller frees), or NULL. */
char *wbi_key_from_url(const char *url);

/* The 32-character mixin key of img_key and sub_key (33 bytes with the NUL); -1 if they do not make one. */
int wbi_mixin(const char *img_key, const char *sub_key, char mixin[33]);

/*
 * The signed query for the n parameters names[i]=values[i] (any order) at
 * time wts: sorted, with wts and w_rid added.  The caller frees it.  NULL,
 * with e filled, when libcrypto cannot compute MD5 (OpenSSL in FIPS mode).
 */
char *wbi_sign(const char *const *names, const char *const *values, size_t n, const char *mixin,
    long long wts, struct err *e);

#endif
