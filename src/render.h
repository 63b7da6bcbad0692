/*
 * render: the article and its book as XML documents.  The only module that
 * includes libxml2, so the only one that knows markup.
 *
 * Every page is built with libxml2's tree API from the template files
 * (templates/NAME.xhtml, slots marked data-oa="NAME") and every piece of user
 * text goes in through calls that escape it.  The results are bytes: xmlNode
 * never leaves this module.
 *
 * Output: each function returns 0 and a new buffer (*out, *len) the caller
 * frees, or -1 with e set.
 */
#ifndef OA_RENDER_H
#define OA_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "assets.h"
#include "book.h"
#include "err.h"
#include "links.h"
#include "model.h"

enum render_flavour {
	RENDER_EPUB,            /* XHTML serialised as XML, for EPUB */
	RENDER_SITE,            /* the same tree serialised as HTML, for browsers */
};

struct render_opts {
	const char *templates;  /* the template directory */
	const char *lang;       /* BCP 47 tag, "zh-CN" by default */
	enum render_flavour flavour;
	time_t now;             /* the archiving time (SOURCE_DATE_EPOCH when set) */
	const char *user_css;   /* href of the user's stylesheet, linked after ours; or NULL */
	const struct links *links;      /* articles archived alongside (links go there), or NULL */
};

/* One heading of an article, for the table of contents. */
struct toc_entry {
	int level;              /* 1 = the article itself, 2 = its top headings, ... */
	char *text;
	char *href;             /* "opus-1.xhtml#h3" */
};

struct toc {
	struct toc_entry *v;
	size_t n, cap;
};

void toc_release(struct toc *t);

/*
 * Render the page of article a, named doc (e.g. "opus-123.xhtml"), to *out.
 * Pictures are looked up in assets: a READY one is shown from its href, any
 * other becomes a visible placeholder with a link to the original.  Headings
 * are appended to toc (the article's title first, at level 1).
 */
int render_article(const struct article *a, const struct assets *assets, const char *doc,
    const struct render_opts *o, struct toc *toc, char **out, size_t *len, struct err *e);

/*
 * Render the cover page; cover is the cover picture's asset, or NULL and
 * generated the href of the image render_cover_svg() made (or NULL too).
 */
int render_cover(const struct article *a, const struct asset *cover, const char *generated,
    const struct render_opts *o, char **out, size_t *len, struct err *e);

/*
 * Render a cover image carrying the article's title and author, as SVG: for
 * the articles without a picture, so that a reader's library shows more than
 * a blank.  The title is broken into lines here (SVG text does not wrap).
 */
int render_cover_svg(const struct article *a, const struct render_opts *o, char **out,
    size_t *len, struct err *e);

/*
 * Write into out the colour hex ("#rrggbb") made dark enough to read on white:
 * the same hue, darkened until its contrast ratio reaches 4.5:1 (WCAG AA), so
 * that an author's pale colours still read on e-ink and in greyscale.
 */
void render_readable_color(const char *hex, char out[8]);

/* Render nav.xhtml from toc; cover_doc / body_doc feed the landmarks. */
int render_nav(const char *title, const struct toc *toc, const char *cover_doc,
    const char *body_doc, const struct render_opts *o, char **out, size_t *len, struct err *e);

/* Render the EPUB 2 toc.ncx. */
int render_ncx(const char *title, const char *identifier, const struct toc *toc,
    char **out, size_t *len, struct err *e);

/* Book-level metadata for the package document. */
struct book_meta {
	const char *identifier;         /* "urn:uuid:..." */
	const char *title;
	const char *creator;            /* may be NULL */
	const char *lang;
	long long date;                 /* unix seconds, 0 = unknown */
	time_t modified;
	const char *source;             /* the article URL */
	char *const *subjects;
	size_t nsubjects;
	const char *description;        /* may be NULL */
	const char *cover_id;           /* manifest id of the cover image, or NULL */
	const char *collection;         /* belongs-to-collection (a 文集, a series), or NULL */
	int collection_position;        /* the book's place in it, from 1; 0 when unknown */
};

/*
 * Render content.opf listing every item of book (in order; spine items in
 * order), with the schema.org accessibility metadata the book earns.
 */
int render_opf(const struct book_meta *m, const struct book *book, const char *ncx_id,
    char **out, size_t *len, struct err *e);

/*
 * What a package document says, read back (--from-epub): owned strings, NULL
 * when absent.  spine[] lists the spine's items in order.
 */
struct opf_itemref {
	char *id;                       /* its manifest id */
	char *href;
};

struct opf_info {
	char *identifier;               /* the dc:identifier the package's unique-identifier names */
	char *generator;                /* <meta name="generator" content="..."> */
	struct opf_itemref *spine;
	size_t nspine, cap;
};

/*
 * Read the package document xml (len bytes, untrusted: nothing is fetched,
 * no entity is expanded) into *info (released with render_opf_info_release,
 * also after a failure).  -1 with e set when it is not a well-formed package.
 */
int render_opf_read(const char *xml, size_t len, struct opf_info *info, struct err *e);
void render_opf_info_release(struct opf_info *info);

/*
 * Return in *srcs (n of them; the caller frees each and the array) the src
 * of every XHTML <img> of the document xhtml (len bytes, untrusted, parsed
 * as render_opf_read parses) whose src starts with prefix, in document
 * order.  -1 with e set when it is not well-formed.
 */
int render_img_srcs(const char *xhtml, size_t len, const char *prefix, char ***srcs, size_t *n,
    struct err *e);

/* Render META-INF/container.xml pointing at the package document opf_path. */
int render_container(const char *opf_path, char **out, size_t *len, struct err *e);

/* One line of the folder site's front page. */
struct index_entry {
	const char *title;
	const char *author;
	long long date;
	const char *href;               /* the article page, or NULL (not archived: no link) */
	const char *thumb;              /* a picture href or NULL */
	const char *note;               /* a word after the date ("not archived"), or NULL */
};

/* Render the folder site's index.html listing entries (in the order given). */
int render_index(const struct index_entry *v, size_t n, const struct render_opts *o,
    char **out, size_t *len, struct err *e);
/* Render a 文集's page: its title, its summary (or NULL), its chapters v[] in order. */
int render_series_page(const char *title, const char *summary, const struct index_entry *v, size_t n,
    const struct render_opts *o, char **out, size_t *len, struct err *e);


/* Set up and tear down libxml2 (once per process). */
void render_global_init(void);
void render_global_cleanup(void);

/*
 * Point the links of a site page (page, len bytes, as render_article wrote
 * it) at the library's pages: every <a href> that is the address of an
 * article l knows is set to its local page, unless that is the page itself
 * (self: its file name; the "original on the web" link stays).  Used for
 * pages written before the article they link to joined the library; nothing
 * else of the page changes.  Returns 1 with the new page in *out (caller
 * frees), 0 when no link changed, -1 with e set when the page cannot be read.
 */
int render_relink(const char *page, size_t len, const struct links *l, const char *self,
    char **out, size_t *out_len, struct err *e);

#endif
