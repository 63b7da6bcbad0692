/*
 * cv: the old-style 专栏 article, x/article/view, read into the model.
 * See ../shared/spec/opus-format.md §1.2.
 *
 * data.content comes in two forms, both rebuilt into the blocks and runs the
 * renderer knows: type 0 is an HTML string (read by html.c, then mapped
 * element by element), type 3 a JSON string holding a Quill delta {"ops":[]}.
 * data.opus (the editor schema) is never read.  Markup or delta inserts the
 * program does not know keep their text and are reported through log_warn();
 * scripts, styles, frames, forms and event handlers are dropped, never copied.
 * Links pass through url_link(), so only https targets survive.
 */
#ifndef OA_CV_H
#define OA_CV_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "jsonval.h"
#include "model.h"

/*
 * Return true when root, a parsed response, is an article/view response: a
 * JSON object whose data holds content and neither item nor fallback.
 * Anything else (an opus detail, NULL) gives false.
 */
bool cv_is_article_view(const struct jsv *root);

/*
 * Read root, the parsed response envelope {code, message, data} of
 * x/article/view.  Return a new article (the caller frees it with
 * article_free(), and attaches the response's bytes: article_take_raw()), or
 * NULL with e set; a field of the wrong type is an error naming its JSON
 * path.  The article's id is "cv<N>".
 */
struct article *cv_parse(const struct jsv *root, struct err *e);

#endif
