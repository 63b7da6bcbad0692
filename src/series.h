/*
 * series: a 文集 (readlist) as x/article/list/web/articles?id=N answers it,
 * read into the model's struct series: its name, writer, summary, cover, and
 * its articles in reading order.  See ../shared/spec/opus-format.md §1.7.
 *
 * The list names each article by its cv number (data.articles[].id) and, in
 * newer answers, by its opus id too (dyn_id_str); the articles themselves are
 * read afterwards like any other (load.c).  An item without a usable cv
 * number is skipped with a warning; a list without articles is not an error
 * here (the caller says what an empty 文集 means).
 */
#ifndef OA_SERIES_H
#define OA_SERIES_H

#include <stddef.h>

#include "err.h"
#include "jsonval.h"
#include "model.h"

/* The most chapters a 文集 book takes (real ones hold a few hundred at most). */
#define SERIES_MAX_CHAPTERS 5000

/*
 * Read root, the parsed envelope of the list rl (the digits, for messages
 * and when data.list.id is missing); raw (n bytes) is the response as it
 * came, which the series keeps a copy of.  Return a new series (the caller
 * frees it with series_free()), or NULL with e set: an API code other than
 * 0, or a member of the wrong type (named by its JSON path).
 */
struct series *series_parse(const struct jsv *root, const char *rl, const char *raw, size_t n,
    struct err *e);

#endif
