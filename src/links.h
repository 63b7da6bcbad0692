/*
 * links: where the articles archived together live, so that a link from one
 * of them to another (or to itself) opens the local copy rather than the web.
 *
 * The caller fills the map with every article of the book or site it is
 * making: its opus id, its cv id when it has one, and the href of its page
 * relative to the pages that link to it.  The renderer asks it about every
 * link it writes.  Plain data: nothing here knows markup.
 *
 * Adding and finding take constant time (a hash index), so a library of
 * thousands of pages costs no more per link than a book of one.
 *
 * Ownership: the map owns copies of every string given to links_add().
 */
#ifndef OA_LINKS_H
#define OA_LINKS_H

#include <stddef.h>

#include "index.h"
#include "input.h"

struct local_link {
	enum input_kind kind;   /* INPUT_OPUS or INPUT_CV */
	char *id;               /* the opus id or cv number, digits */
	char *href;             /* the local page: "opus-1.xhtml", "1.html" */
};

struct links {
	struct local_link *v;
	size_t n, cap;
	struct index by_id;     /* v by kind and id */
	const struct links *next;       /* asked when this map does not know an article, or NULL */
};

void links_init(struct links *l);
void links_release(struct links *l);

/* Say that the article kind/id is at href (an id given twice keeps its first href). */
void links_add(struct links *l, enum input_kind kind, const char *id, const char *href);
/*
 * Say that the article with model id id ("N" for an opus, "cvN" for a 专栏)
 * and its cv_id (or NULL) is at href.
 */
void links_add_article(struct links *l, const char *id, const char *cv_id, const char *href);

/*
 * Return the local href for url when it is the address of an opus or cv
 * article in the map (any of the URL forms input_parse() knows), else NULL.
 * The result belongs to the map.  l may be NULL.
 */
const char *links_local(const struct links *l, const char *url);

#endif
