/*
 * epub: the EPUB container (OCF zip), written with libzip.  The only module
 * that includes libzip.
 *
 * The book appears whole or not at all: libzip writes it (through a source of
 * this module's) to a registered temporary file next to the target, which is
 * renamed over the target once zip_close() succeeded; on any error the
 * archive is discarded, the file removed and the target left as it was.
 *
 * It also reads a book back (epub_open), for --from-epub: the book is
 * untrusted input, so its central directory is checked whole before any
 * member is read (count, names, sizes, methods, encryption, links), and
 * every read is capped.  oldbook.c is the only caller.
 */
#ifndef OA_EPUB_H
#define OA_EPUB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "book.h"
#include "err.h"

/*
 * Write the EPUB at path: "mimetype" first and stored, then every item of
 * root at its own path (META-INF/container.xml, the package document, ...),
 * then every item of content under content_dir/.  Pictures are stored as
 * they are (they are compressed already), text is deflated.  Every entry gets
 * mtime as its time, so equal inputs give equal bytes.
 */
int epub_write(const char *path, const struct book *root, const struct book *content,
    const char *content_dir, time_t mtime, struct err *e);

/* What a zip read back may hold at most; past any of them epub_open refuses it. */
struct epub_limits {
	size_t max_members;     /* entries in the central directory */
	uint64_t max_member;    /* bytes of one member once inflated */
	uint64_t max_total;     /* bytes of all the members together once inflated */
};

/* A zip open for reading (opaque); every name in it has passed epub_open's checks. */
struct epub_reader;

/*
 * Open the zip at path for reading, within lim.  Refused, with e naming path
 * and the cause: not a zip, too many members, a member larger than
 * max_member (as declared), the declared sizes together larger than
 * max_total, an encrypted member, a method other than stored or deflated, a
 * symbolic link, a name that is absolute, has a ".." or empty part, a
 * backslash, a colon or a control character, and a name given twice.
 * *out is the caller's, for epub_close.
 */
int epub_open(const char *path, const struct epub_limits *lim, struct epub_reader **out,
    struct err *e);
/* Return the number of members of r, in the zip's order. */
size_t epub_count(const struct epub_reader *r);
/* Return the name of member i (valid until epub_close). */
const char *epub_name(const struct epub_reader *r, size_t i);
/* Return the index of the member called name, or -1. */
long epub_find(const struct epub_reader *r, const char *name);
/*
 * Read member i whole into *data (NUL-terminated, *len bytes without the NUL;
 * the caller frees), at most max bytes: a member that inflates past max, past
 * its declared size, or past what is left of max_total, or whose CRC fails,
 * is refused with e naming the book and the member.
 */
int epub_read(struct epub_reader *r, size_t i, uint64_t max, char **data, size_t *len,
    struct err *e);
/* Close r and free what it holds (NULL: nothing). */
void epub_close(struct epub_reader *r);

#endif
