/*
 * epub: the EPUB container (OCF zip), written with libzip.  The only module
 * that includes libzip.
 *
 * The book appears whole or not at all: libzip writes it (through a source of
 * this module's) to a registered temporary file next to the target, which is
 * renamed over the target once zip_close() succeeded; on any error the
 * archive is discarded, the file removed and the target left as it was.
 */
#ifndef OA_EPUB_H
#define OA_EPUB_H

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

#endif
