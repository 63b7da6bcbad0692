/*
 * assets: the table of every picture an article shows.
 *
 * A picture is known by its key, the normalised URL (url_picture_key()), so
 * "http://…/a.jpg@1192w.webp" and "https://…/a.jpg" are one picture.  Each
 * entry ends up either usable (its bytes are in a cache file, sniffed to one
 * of the formats every reading system shows, and named by their SHA-256 for
 * the book) or unusable with a reason the renderer shows as a placeholder.
 *
 * Ownership: the table owns its entries and their strings.
 */
#ifndef OA_ASSETS_H
#define OA_ASSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "index.h"

enum media {
	MEDIA_UNKNOWN,
	MEDIA_JPEG,
	MEDIA_PNG,
	MEDIA_GIF,
	MEDIA_WEBP,
	MEDIA_AVIF,
	MEDIA_SVG,
};

enum asset_state {
	ASSET_PENDING,          /* not looked at yet */
	ASSET_READY,            /* path holds usable bytes; href and media are set */
	ASSET_MISSING,          /* not in the cache (and not fetched) */
	ASSET_UNUSABLE,         /* bytes there but no book can carry them; problem says why */
};

struct asset {
	char *key;              /* normalised URL */
	char *path;             /* the file holding the bytes (cache), or NULL */
	const char *data;       /* or the bytes themselves (borrowed: an old book's), or NULL */
	char *href;             /* "images/<sha256>.png" relative to the documents */
	char *problem;          /* why not READY, for placeholders and warnings */
	enum asset_state state;
	enum media media;
	uint64_t size;
	int width, height;      /* from the bytes when cheap to read (PNG, GIF, JPEG), else 0 */
};

struct assets {
	struct asset *v;
	size_t n, cap;
	struct index by_key;    /* v by key */
};

void assets_init(struct assets *t);
void assets_release(struct assets *t);
/* Add the picture at url (any form) unless present; return it, or NULL for a non-web URL. */
struct asset *assets_add(struct assets *t, const char *url);
/* Return the entry for url (any form), or NULL. */
const struct asset *assets_find(const struct assets *t, const char *url);

/* Return the media type of the bytes at p (n bytes, the first 32 are enough). */
enum media media_sniff(const unsigned char *p, size_t n);
const char *media_type(enum media m);          /* "image/png", or NULL */
/* Return true for the formats every reading system shows: JPEG, PNG, GIF. */
bool media_book_safe(enum media m);

/*
 * Settle the entry a from the file at path: sniff it, hash it, name it.  Sets
 * READY or UNUSABLE (with problem).  Returns -1 only for I/O errors, or when
 * libcrypto cannot hash (e set).
 */
int asset_settle(struct asset *a, const char *path, struct err *e);
/*
 * Settle a from the len bytes at data (borrowed: they must outlive the
 * table), as asset_settle does from a file: a->data is set, a->path is NULL.
 */
int asset_settle_bytes(struct asset *a, const char *data, size_t len, struct err *e);

#endif
