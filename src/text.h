/*
 * text: making strangers' strings safe to carry: UTF-8 repair, characters XML
 * forbids, HTML entities.  Used by every parser; the names of HTML's
 * entities come from libxml2 through html_entity().  This module's UTF-8
 * decoder is the program's one (render.c's cover text uses libxml2's).
 */
#ifndef OA_TEXT_H
#define OA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Return a copy of the n bytes at s that is valid UTF-8 holding only what XML
 * 1.0 allows in text: invalid sequences (overlong forms, surrogates, bytes out
 * of place) become U+FFFD and set *bad_utf8 (when not NULL); NUL and the other
 * C0 controls except tab and newline, C1 controls, U+FFFE and U+FFFF are
 * dropped; CR LF and lone CR become LF.  The caller frees the result.
 */
char *text_clean(const char *s, size_t n, bool *bad_utf8);

/*
 * Return a copy of s with HTML character references decoded: named ones
 * (&quot; &amp; &lt; &gt; &apos; &nbsp; and the rest of HTML 4's) and
 * numeric ones (&#34; &#x22;).  A reference that names nothing is kept as it
 * is; a numeric one outside Unicode becomes U+FFFD.  Run text_clean() on the
 * result: a reference may name a character XML forbids.  The caller frees it.
 */
char *text_decode_entities(const char *s);

/*
 * Decode the UTF-8 sequence at s (n bytes left).  Return its length (1 to 4)
 * with the code point in *cp, or 0 (*cp untouched) when the bytes there are
 * not a valid, shortest-form, non-surrogate sequence.
 */
size_t text_utf8_get(const char *s, size_t n, unsigned *cp);

/*
 * Return the length of the UTF-8 character that starts NUL-terminated s: 1
 * to 4, or 1 for a byte that starts no valid (shortest-form, non-surrogate)
 * sequence, or 0 at the end of s.
 */
size_t text_utf8_len(const char *s);

/* Return true when every byte of s is ASCII white space (or s is empty). */
bool text_is_blank(const char *s);

#endif
