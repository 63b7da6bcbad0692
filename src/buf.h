/*
 * buf: a growable byte buffer with a size cap (after curl's dynbuf).
 *
 * The contents are always NUL-terminated (data[len] == '\0') so they can be
 * used as a C string when they hold text.  Appending past the cap sets the
 * sticky "toobig" flag and keeps the buffer as it was, so a chain of appends is
 * checked once at the end.  The caller owns the struct; buf_release() frees
 * what it holds, buf_detach() hands the bytes over.
 */
#ifndef OA_BUF_H
#define OA_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;     /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;     /* 0: no cap */
	bool toobig;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Append n bytes; returns 0, or -1 (and sets toobig) past the cap. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Return the contents as a NUL-terminated string (never NULL) the caller frees; resets b. */
char *buf_detach(struct buf *b, size_t *len);
/* Return the contents as a string that stays owned by b (never NULL). */
const char *buf_str(const struct buf *b);

#endif
