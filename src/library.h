/*
 * library: a library site, a directory of article pages written over many
 * runs, as a batch grows it: the map of its pages that the writer links
 * through (pages already there, and those planned in this run), the page of
 * each 文集, the index page, and at the end of a run the pages written
 * before an article they link to joined, pointed at its local page.
 *
 * A directory of Markdown documents is mapped and relinked the same way, so
 * that links between its documents stay local; the 文集 pages and the index
 * are a site's alone.
 *
 * The directory's manifest (manifest.c) says which page is which article.
 */
#ifndef OA_LIBRARY_H
#define OA_LIBRARY_H

#include <stdbool.h>

#include "err.h"
#include "links.h"
#include "manifest.h"
#include "opts.h"

struct namer;
struct series;

struct library {
	const struct archive_opts *o;   /* borrowed */
	const char *dir;                /* borrowed: the site's directory */
	struct manifest *m;             /* borrowed: the directory's manifest, as the run updates it */
	const char *ext;                /* a page's file name after its name: ".html", or ".md" */
	struct links pages;             /* every page known: there already, or planned */
};

/*
 * Set l up for the site in dir (md: the directory of Markdown documents)
 * and map every page of m that is on disk.
 */
void library_init(struct library *l, const struct archive_opts *o, const char *dir,
    struct manifest *m, bool md);
void library_release(struct library *l);

/*
 * Map the pages of the manifest that are on disk and not mapped yet: those
 * other runs (--shard workers) added since library_init(), once the caller
 * has read their lines (manifest_lock()).
 */
void library_map_pages(struct library *l);
/* Say that the article id (and its cv_id, or NULL) will have the page NAME.html (NAME.md). */
void library_plan(struct library *l, const char *id, const char *cv_id, const char *name);
/* The map of the library's pages, for the writer (valid until library_release). */
const struct links *library_pages(const struct library *l);

/*
 * Point the links of every page (or Markdown document) of the manifest at
 * the library's pages: a page only knows the articles there when it was
 * written.  Each page is read once, and rewritten (atomically) only when a
 * link changed.
 */
void library_relink(struct library *l);

/*
 * Write the page of the 文集 rl (its digits; s, its list): its chapters in
 * order, linked to their pages, those that are not there listed without a
 * link; named by nm and recorded in the manifest so that the index lists
 * it.  ARCHIVE_OK, ARCHIVE_INCOMPLETE when chapters
 * are not there, or ARCHIVE_FAILED with e set.
 */
enum archive_result library_series_page(struct library *l, struct namer *nm, const char *rl,
    const struct series *s, struct err *e);

/* Write index.html (and the stylesheets) listing every page there, the newest first. */
int library_write_index(const struct library *l, struct err *e);

/*
 * Rebuild the library site in dir from what it holds, without the network:
 * every page of its manifest relinked to the others, and index.html written
 * again.  For a site that many runs (--shard workers) wrote at once, each
 * knowing only its own pages.  An error when dir holds no page.
 */
int library_reindex(const struct archive_opts *o, const char *dir, struct err *e);

#endif
