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
 * Write the 文集 s as one EPUB at output: its s->n chapters v[] in its
 * order (a chapter that could not be had is a placeholder article holding a
 * notice, with no raw response), as assemble_epub() writes several
 * articles, with the 文集's name, writer and summary as the book's, its
 * picture (when t holds it READY) as the cover, its list response kept
 * under META-INF/opus-archive/article-list-rlN.json, an identifier derived
 * from the rl number, and chapter documents named opus-cvN.xhtml after the
 * list's cv numbers, so that a later run writes the same names.
 * n >= s->n: the chapters after the list's are those an update keeps after
 * they left the list (each with gone_since set; named by their own cv
 * number, and listed with that date in OLDBOOK_GONE).  keep_identifier: the
 * identifier of the book updated, or NULL for the one derived from rlN.
 */
int assemble_series(const struct series *s, struct article *const *v, size_t n,
    const char *keep_identifier, const struct assets *t, const struct archive_opts *o,
    const char *output, struct err *e);

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
 * written into that directory.  A link from one article to another of v[]
 * goes to its anchor in the document; else, when others (the documents
 * beside it, or NULL) knows the article, to its document.
 */
int assemble_md(struct article *const *v, size_t n, const struct assets *t,
    const struct archive_opts *o, const char *output, const struct links *others,
    struct err *e);

/*
 * Write the 文集 s as Markdown: each of its chapters v[] that could be had
 * (a placeholder has no raw response) as its own document cvN.md (the list's
 * cv number) beside output, links between them kept local, and at output
 * the index: the 文集's front matter (title, author, summary, source, id
 * "rlN", cover) and its chapters in the list's order, a placeholder named
 * without a link.  Pictures in images/ beside them, as assemble_md().
 */
int assemble_series_md(const struct series *s, struct article *const *v, const struct assets *t,
    const struct archive_opts *o, const char *output, struct err *e);

/* Write the library site's index.html (and stylesheets) in dir, listing v[] in the order given. */
int assemble_index(const struct archive_opts *o, const char *dir, const struct index_entry *v,
    size_t n, struct err *e);

/*
 * Write a 文集's page NAME.html into the library site dir: its title, its
 * summary (or NULL) and its chapters v[] in the order given.
 */
int assemble_series_page(const struct archive_opts *o, const char *dir, const char *name,
    const char *title, const char *summary, const struct index_entry *v, size_t n, struct err *e);

#endif
