/*
 * assemble: books and site pages from parsed articles and their settled
 * pictures: the documents rendered (render.c), the package and navigation
 * around them, the pictures and the raw responses, handed to the packer
 * (epub.c or site.c).  One assembler for a book of one article and a book of
 * many (--combine): the first is the second with n = 1.
 */
#ifndef OA_ASSEMBLE_H
#define OA_ASSEMBLE_H

#include <stddef.h>

#include "assets.h"
#include "err.h"
#include "links.h"
#include "model.h"
#include "opts.h"
#include "render.h"

/* Return the cover of a: its first usable TOP album picture, else its first usable content picture, or NULL. */
const struct asset *assemble_cover(const struct article *a, const struct assets *t);

/*
 * Write the n articles v[] (in the order given) as one EPUB at output, with
 * the pictures t holds (settled): a chapter each; a cover page; a table of
 * contents of the chapters' headings, two levels deep when n > 1; shared
 * pictures stored once; the raw responses under META-INF/.  The identifier
 * is derived from the article ids, so the same articles make the same book.
 */
int assemble_epub(struct article *const *v, size_t n, const struct assets *t,
    const struct archive_opts *o, const char *output, struct err *e);

/*
 * Write a's page into the site directory output: NAME.html (name NULL: the
 * id), its pictures, the stylesheet and the raw response.  Without a name the
 * site is this one article and gets its index.html too; with one, the page
 * joins a library (library: the map of its other pages, or NULL) whose
 * index the caller writes.
 */
int assemble_site(const struct article *a, const struct assets *t, const struct archive_opts *o,
    const char *output, const char *name, const struct links *library, struct err *e);

/*
 * Write the n articles v[] (in the order given) as one Markdown document at
 * output (md.c), a chapter each, with the pictures it links in images/
 * beside it: named by their content, stored once, shared by every document
 * written into that directory.
 */
int assemble_md(struct article *const *v, size_t n, const struct assets *t,
    const struct archive_opts *o, const char *output, struct err *e);

/* Write the library site's index.html (and stylesheets) in dir, listing v[] in the order given. */
int assemble_index(const struct archive_opts *o, const char *dir, const struct index_entry *v,
    size_t n, struct err *e);

#endif
