/*
 * oldbook: a book this program made, read back so that it can be rendered
 * again (--from-epub) with nothing but what it carries: the raw API
 * responses under META-INF/opus-archive/, in the book's order, the
 * identifier, each article's document name, and the pictures, each checked
 * against the SHA-256 its name carries.
 *
 * The book is untrusted input: it is read through epub.c's reader within
 * fixed limits (OLDBOOK_MAX_*), every picture is verified before anything is
 * returned, and a book that fails any check is refused whole.
 *
 * Which books are ours: an EPUB (mimetype "application/epub+zip") with its
 * package at OEBPS/content.opf and at least one response under
 * META-INF/opus-archive/.  The package's generator meta ("opus-archive
 * VERSION", in every book since the first) is reported in generator but not
 * required: a reading app that rewrote the package keeps the responses.
 *
 * Since the picture map (OLDBOOK_PICTURE_MAP) was added, a book also says
 * which picture address each stored picture came from.  For a book made
 * before, oldbook_match_pictures() finds the addresses by rendering the
 * articles again and pairing the pictures each document shows.
 *
 * Ownership: struct oldbook owns every string and byte it holds.
 */
#ifndef OA_OLDBOOK_H
#define OA_OLDBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "render.h"

/* Where a book keeps what it was made from. */
#define OLDBOOK_DIR "META-INF/opus-archive/"
/*
 * The picture map: one line per stored picture, "HREF<TAB>KEY\n", HREF as
 * the documents name it ("images/<hex>.<ext>") and KEY the picture's address
 * (url_picture_key()); several keys may share one HREF.
 */
#define OLDBOOK_PICTURE_MAP OLDBOOK_DIR "pictures.tsv"
/*
 * A 文集's book: the chapters no longer in its list, one a line,
 * "CV<TAB>SINCE\n" (CV the digits, SINCE the unix time the update that
 * first missed it ran), so that a later update keeps the first date.
 */
#define OLDBOOK_GONE OLDBOOK_DIR "gone.tsv"

/* What is read of a book at most (the largest real response is about 1 MB). */
#define OLDBOOK_MAX_MEMBERS 100000
#define OLDBOOK_MAX_RESPONSE (64u * 1024 * 1024)
#define OLDBOOK_MAX_TEXT (16u * 1024 * 1024)
#define OLDBOOK_MAX_TOTAL (2ull * 1024 * 1024 * 1024)

/* One article of the book: the response it was rendered from. */
struct oldbook_response {
	char *member;           /* "META-INF/opus-archive/opus-detail-123.json" */
	char *raw_name;         /* "opus-detail", "article-view" */
	char *id;               /* "123", "cv456" */
	char *data;             /* the response, NUL-terminated */
	size_t len;
	char *doc;              /* its document in the book ("opus-123.xhtml"); NULL in a 文集's book */
	char *doc_data;         /* that document, read only for a book without the map, or NULL */
	size_t doc_len;
};

/* One stored picture, its bytes checked against its name. */
struct oldbook_picture {
	char *href;             /* "images/<hex>.<ext>", relative to the documents */
	char *data;
	size_t len;
};

/* One line of the picture map: an address and the picture it names. */
struct oldbook_key {
	char *key;
	size_t picture;         /* index into pictures[] */
};

/* A chapter of a 文集's book no longer in the list (OLDBOOK_GONE). */
struct oldbook_gone {
	char *cv;               /* digits */
	long long since;        /* unix seconds */
};

struct oldbook {
	char *path;
	char *identifier;       /* the package's unique identifier, as it was */
	char *generator;        /* the generator meta, or NULL */
	struct oldbook_response *responses;    /* in the book's order */
	size_t nresponses, responses_cap;
	struct oldbook_picture *pictures;      /* sorted by href */
	size_t npictures, pictures_cap;
	struct oldbook_key *keys;              /* sorted by key */
	size_t nkeys, keys_cap;
	bool has_map;           /* the book carries OLDBOOK_PICTURE_MAP */
	/*
	 * A 文集's book keeps its list as article-list-rlN.json: then list_id
	 * is "rlN" and list_data the list (not among responses[]), docs[] are
	 * all its chapters' documents in spine order (chapters that could not
	 * be had have a document and no response, so responses[].doc is not
	 * paired: match a response to its chapter by its cv number), and
	 * gone[] what OLDBOOK_GONE says.  list_id is NULL in any other book.
	 */
	char *list_id;
	char *list_data;
	size_t list_len;
	char **docs;
	size_t ndocs, docs_cap;
	struct oldbook_gone *gone;
	size_t ngone, gone_cap;
};

/*
 * Read the book at path into *b (released with oldbook_release, also after a
 * failure).  max_picture: the largest picture read.  -1 with e set (one
 * line naming path and the cause) when it is not a zip, not a book of ours,
 * breaks a limit, or holds a picture whose bytes do not match its name.
 */
int oldbook_open(const char *path, uint64_t max_picture, struct oldbook *b, struct err *e);
void oldbook_release(struct oldbook *b);

/*
 * For a book without the picture map: find which address each stored
 * picture came from.  v[] are the book's articles (b->nresponses, parsed
 * from its responses, in order); each is rendered again by ro's renderer
 * with every picture present, and the pictures its document shows are
 * paired, in order, with those the old document shows.  A document whose
 * count differs (a picture was missing when the book was made, or the
 * renderer shows others now) pairs nothing, and an address paired with two
 * different pictures is dropped: a picture is never given to the wrong
 * place, at worst it becomes a placeholder.  Return how many addresses were
 * found.
 */
size_t oldbook_match_pictures(struct oldbook *b, struct article *const *v,
    const struct render_opts *ro);

/* Return when the chapter cvN (cv: the digits) of a 文集's book was first found gone, or 0. */
long long oldbook_gone_since(const struct oldbook *b, const char *cv);

/* Return the picture stored for the address key (url_picture_key() form), or NULL. */
const struct oldbook_picture *oldbook_picture_for(const struct oldbook *b, const char *key);

#endif
