/*
 * archive: one parsed article (or several, for --combine) written out: its
 * pictures gathered (pictures.c), its book or site page assembled
 * (assemble.c), and the result said: complete, or written with pictures
 * missing.  The drivers above (run.c for one article, batch.c for many)
 * call it; it calls only downward.
 */
#ifndef OA_ARCHIVE_H
#define OA_ARCHIVE_H

#include <stddef.h>

#include "err.h"
#include "model.h"
#include "opts.h"
#include "session.h"

/* What archive_write reports besides its result. */
struct archive_done {
	size_t npictures;
	size_t missing;                 /* pictures that could not be archived */
	char *cover_href;               /* the cover picture's href, or NULL; the caller frees */
};

/*
 * Gather a's pictures and write its book to output, or its page into the
 * site directory output.  key: the article as the run knows it (load_key();
 * NULL: a->id), whose WARC the pictures' exchanges go to and which is put in
 * place afterwards.  name: the page's name in a library site (its index is
 * then the caller's), or NULL for a site of this one article.  done may be
 * NULL.
 */
enum archive_result archive_write(struct session *r, const struct article *a, const char *key,
    const char *output, const char *name, struct archive_done *done, struct err *e);

/*
 * Write the n articles (in the order given) as one EPUB at output: a chapter
 * each, a two-level table of contents, shared pictures stored once.
 * Returns ARCHIVE_INCOMPLETE when pictures are missing.
 */
enum archive_result archive_write_combined(struct session *r, struct article *const *v, size_t n,
    const char *output, struct err *e);

/*
 * Write the 文集 s as one EPUB at output: its n chapters v[] in its order
 * (placeholders and chapters gone from the list included; see
 * assemble_series()), keep_identifier (or NULL) as in assemble_series(), the 文集's picture as the
 * cover when it can be had.  key: "rlN", whose WARC the pictures' exchanges
 * go to.  Returns ARCHIVE_INCOMPLETE when pictures are missing or text was
 * repaired; the caller judges the missing chapters.
 */
enum archive_result archive_write_series(struct session *r, const struct series *s,
    struct article *const *v, size_t n, const char *keep_identifier, const char *key,
    const char *output, struct err *e);

#endif
