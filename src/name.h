/*
 * name: the file names of books and pages in a directory, from --name
 * templates: {id} {title} {author} {date} {mid}, each field cleaned so that
 * the name is one harmless path component whatever the article holds; and,
 * for a batch, the namer that gives each article of a directory a name no
 * other article there has (claimed in the directory's manifest, so that
 * other runs writing there at the same time never take it too).
 */
#ifndef OA_NAME_H
#define OA_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "index.h"
#include "manifest.h"

struct article;

/*
 * Expand template tmpl for one article into a file name (no extension) the
 * caller frees.  Every field is cleaned: no separators, no control
 * characters, not hidden, not too long; an empty result is the id.  date is
 * the publication time (unix seconds, 0 = unknown), shown as the day in
 * China Standard Time.
 */
char *name_expand(const char *tmpl, const char *id, const char *title, const char *author,
    long long date, const char *mid);

/* Return true for the names a library site keeps for itself (index, style, images, raw). */
bool name_reserved(const char *name);

/*
 * The names of one directory of books, documents or pages.  The namer
 * borrows what it is given (manifest, dir, ext, tmpl) for its life and
 * owns the names planned in it.
 */
struct namer {
	struct manifest *m;     /* borrowed: the directory's manifest, where names are claimed */
	const char *dir;        /* borrowed */
	const char *ext;        /* borrowed: ".epub", ".md" or ".html" */
	const char *tmpl;       /* borrowed: --name, or NULL for "{id}" */
	bool site;              /* a library site: the names it keeps for itself are taken */
	char **planned;         /* owned: the names given in this run */
	size_t nplanned, planned_cap;
	struct index by_name;   /* planned, by name, any case */
};

void name_init(struct namer *nm, struct manifest *m, const char *dir, const char *ext,
    const char *tmpl, bool site);
void name_release(struct namer *nm);

/* Return the path of the file called name in nm's directory (the caller frees). */
char *name_path(const struct namer *nm, const char *name);

/*
 * Return the name for article a (the caller frees): its old one when the
 * manifest has it, else the template's, with "-2", "-3" ... while another
 * article (in the manifest, named earlier in this run, or a file we did not
 * write) holds it.  A new name is claimed in the manifest before the
 * manifest's lock goes (the line the caller adds once the book is there
 * replaces the claim), and every name given is remembered by nm, so that
 * no later article of the run gets it even where the manifest could not
 * be written (that is warned about, and the name given all the same).
 */
char *name_claim(struct namer *nm, const struct article *a);

#endif
