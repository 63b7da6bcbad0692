/*
 * opus: the opus detail response (x/polymer/web-dynamic/v1/opus/detail) read
 * into the model.  See ../shared/spec/opus-format.md §1.1, §2, §3.
 *
 * The parser switches on module_type and para_type, never on position.  A
 * field of the wrong type is an error naming its path in the document; an
 * absent or null optional field is not.  What the program does not know (a
 * para_type, a node or rich type, a card type) keeps its text and is reported
 * through log_warn().
 */
#ifndef OA_OPUS_H
#define OA_OPUS_H

#include <stddef.h>

#include "err.h"
#include "jsonval.h"
#include "model.h"

/* How deep a response may nest; real ones stay under 20. */
#define OPUS_MAX_DEPTH 128

enum opus_result {
	OPUS_OK,
	OPUS_ERROR,             /* e says why */
	OPUS_FALLBACK,          /* an old-style 专栏: *fallback_cv holds its cv id */
};

/*
 * Read root, the parsed response envelope {code, message, data}.  On OPUS_OK
 * *out is a new article the caller frees with article_free() (without the
 * response's bytes: the caller attaches them, article_take_raw()); on
 * OPUS_FALLBACK *fallback_cv is a string the caller frees.
 */
enum opus_result opus_parse(const struct jsv *root, struct article **out, char **fallback_cv,
    struct err *e);

#endif
