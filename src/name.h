/*
 * name: the file names of books and pages in a directory, from --name
 * templates: {id} {title} {author} {date} {mid}, each field cleaned so that
 * the name is one harmless path component whatever the article holds.
 */
#ifndef OA_NAME_H
#define OA_NAME_H

#include <stdbool.h>

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

#endif
