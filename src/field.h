/*
 * field: reading the members of a parsed API response into C values, with
 * one set of rules for every reader (opus.c, cv.c, api.c).
 *
 * A struct field_ctx goes down the document with the parser.  It knows where
 * the parser reads (path, a JSON path grown with field_push() and cut with
 * field_pop()), the error record the first wrong field fills, whether a
 * string held invalid UTF-8, and the name warnings start with ("opus 123",
 * "cv45").  After the first failure (failed set) every getter stays quiet and
 * returns nothing, so a parser checks failed where it matters and unwinds.
 *
 * The rules, the same in every getter:
 *   - an absent or null member is no error: the getter returns NULL, false
 *     or leaves *out alone;
 *   - a member of another type is an error that names its whole path:
 *         data.item.modules: expected an array, got object
 *   - a string is copied and cleaned (text_clean(): invalid UTF-8 becomes
 *     U+FFFD and sets bad_utf8, characters XML forbids are dropped);
 *   - a number is a JSON integer, a JSON number with a fraction (cut toward
 *     zero) inside the range of long long, or a string of 1 to 18 ASCII
 *     digits with an optional leading '-' (the API sends ids and counts as
 *     strings now and then).  Anything else, 1e300 included, is an error;
 *   - an id is a string or an integer, written out in decimal.
 *
 * Ownership: strings returned are the caller's to free; struct jsv pointers
 * are borrowed from the document (see jsonval.h).
 */
#ifndef OA_FIELD_H
#define OA_FIELD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "jsonval.h"
#include "model.h"

struct field_ctx {
	struct err *e;          /* filled by the first failure */
	bool failed;            /* sticky */
	bool bad_utf8;          /* some string held invalid UTF-8 (repaired) */
	char name[48];          /* what warnings name: "opus 123", "cv45" */
	char path[512];         /* where the parser reads: "data.item.modules[3]" */
	size_t pathlen;
};

/* Set c up to fill e; name starts warnings until the parser knows better. */
void field_init(struct field_ctx *c, struct err *e, const char *name);

/* Add to the path (".key", "[3]"); return the old length, for field_pop(). */
size_t field_push(struct field_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void field_pop(struct field_ctx *c, size_t old);

/*
 * Fail at member key of the current path (key NULL: at the path itself):
 * "PATH.KEY: WHAT".  Only the first failure is kept.
 */
void field_fail(struct field_ctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Warn "NAME: PATH: WHAT" (without the path when it is empty) through log_warn(). */
void field_warn(struct field_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void field_vwarn(struct field_ctx *c, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Return a cleaned copy of the n bytes at s (see text_clean()). */
char *field_clean(struct field_ctx *c, const char *s, size_t n);

/* Member key of o when it has the type; NULL when absent or null, or (failing) of another type. */
struct jsv *field_obj(struct field_ctx *c, const struct jsv *o, const char *key);
struct jsv *field_arr(struct field_ctx *c, const struct jsv *o, const char *key);
/* A cleaned copy of string member key, or NULL. */
char *field_str(struct field_ctx *c, const struct jsv *o, const char *key);
/* An id: string member key as it is, or an integer written out; NULL when absent. */
char *field_id(struct field_ctx *c, const struct jsv *o, const char *key);
/* Read number member key into *out; false when absent (or failing). */
bool field_num(struct field_ctx *c, const struct jsv *o, const char *key, long long *out);
/* The truth of member key: a boolean, or a number other than 0; false when absent. */
bool field_bool(struct field_ctx *c, const struct jsv *o, const char *key);
/* A link target from string member key: absolute https (url_link()), or NULL. */
char *field_link(struct field_ctx *c, const struct jsv *o, const char *key);
/*
 * A picture URL made absolute https from string s: NULL when s is NULL or
 * blank, and NULL with a warning when it is not a web address.
 */
char *field_picture_url(struct field_ctx *c, const char *s);
/* The same from string member key of o (the warning names the member). */
char *field_picture(struct field_ctx *c, const struct jsv *o, const char *key);

/* A picture's width or height as the model keeps it: 1 to 99999 pixels, else 0 (unknown). */
int field_size(long long v);
/*
 * Write the colour in the n bytes at s ("#rgb" or "#rrggbb", the '#' may be
 * missing) as a canonical "#rrggbb" into out and return out; NULL for
 * anything else (colours go into a style attribute).
 */
const char *field_color(const char *s, size_t n, char out[8]);

/*
 * Return v as an id of 1 to max ASCII digits (not "0"): a string of digits,
 * or a positive integer written out; NULL for anything else.  For lists the
 * API client walks, where an odd item is skipped, not an error.  The caller
 * frees the result.
 */
char *field_digits(const struct jsv *v, size_t max);

/*
 * Read the envelope {code, message, data} of root: a code other than 0 is an
 * error "API error CODE: MESSAGE"; so is a root that is no object, a missing
 * or wrong code, a data that is missing or no object.  Return data, or NULL
 * with c failed.
 */
struct jsv *field_envelope(struct field_ctx *c, const struct jsv *root);
/*
 * Look at the envelope of root without judging it (the API client decides
 * what a code means): true when root is an object with a numeric code; then
 * *message is its message (borrowed; "(no message)" when absent or empty).
 */
bool field_envelope_code(const struct jsv *root, long long *code, const char **message);

/*
 * Read the author of object o (members name, mid, face) into a, replacing
 * what was there: mid only when it is all digits, author_url made from it.
 */
void field_author(struct field_ctx *c, struct article *a, const struct jsv *o);

/* A count of the article's: struct stat_count at offset off in struct article. */
struct field_stat {
	const char *key;
	size_t off;
};
/*
 * Read the counts of map[0..n-1] from the members of o: each a number, or an
 * object {count, hidden} (hidden counts stay unknown).
 */
void field_stats(struct field_ctx *c, struct article *a, const struct jsv *o,
    const struct field_stat *map, size_t n);

/*
 * Take ts (unix seconds) as a's publish time when a book can carry it
 * (model_time_ok()); else warn "WHAT TS is not a date a book can carry".
 * A ts of 0 means none.
 */
void field_date(struct field_ctx *c, struct article *a, long long ts, const char *what);

/* Add tag t (owned) to a, unless it is blank (then it is freed). */
void field_add_tag(struct article *a, char *t);

/*
 * The checks every parser ends with: a blank title becomes untitled (with a
 * warning), a missing author is warned about, repaired UTF-8 marks the
 * article repaired; raw_name says what response the article came from (the
 * bytes themselves are the loader's to attach: see article_take_raw()).
 */
void field_finish(struct field_ctx *c, struct article *a, const char *untitled,
    const char *raw_name);

#endif
