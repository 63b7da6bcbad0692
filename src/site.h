/*
 * site: the folder site packer: every item of a book as a plain file under a
 * directory, with relative links only, so it opens from file:// and from any
 * static web server.
 */
#ifndef OA_SITE_H
#define OA_SITE_H

#include "book.h"
#include "err.h"

/*
 * Write every item of book under dir (made if needed).  All files are first
 * written under temporary names and only then renamed into place, so a
 * failure leaves the directory as it was.  A picture already there under the
 * same content-derived name is not written again.
 */
int site_write(const char *dir, const struct book *book, struct err *e);

#endif
