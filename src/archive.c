#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "assemble.h"
#include "assets.h"
#include "file.h"
#include "log.h"
#include "pictures.h"
#include "xalloc.h"

enum archive_result
archive_write(struct session *r, const struct article *a, const char *key, const char *output,
    const char *name, struct archive_done *done, struct err *e)
{
	const struct archive_opts *o = r->o;
	const char *before = r->capture.current;
	struct assets t;
	const struct asset *cover;
	size_t missing;
	enum archive_result res = ARCHIVE_FAILED;
	int rc;

	if (key == NULL)
		key = a->id;
	assets_init(&t);
	capture_set_current(&r->capture, key);
	log_info("%s%s: '%s' by %s, %zu blocks", article_kind(a->id), a->id, a->title,
	    a->author_name ? a->author_name : "?", a->nblocks);
	pictures_of(a, &t);
	missing = pictures_gather(r, a->id, &t);
	cover = assemble_cover(a, &t);
	if (opts_pick_format(o->format, output) == FORMAT_SITE) {
		rc = assemble_site(a, &t, o, output, name, name ? r->library : NULL, e);
	} else if (opts_pick_format(o->format, output) == FORMAT_MD) {
		/* a directory (--from-json F -o DIR/): the document is DIR/ID.md */
		char *doc = output[strlen(output) - 1] == '/' || file_is_dir(output) ?
		    xasprintf("%s%s%s.md", output, output[strlen(output) - 1] == '/' ? "" : "/",
		    a->id) : xstrdup(output);

		/* in a batch's directory of documents: where the others are (else NULL) */
		rc = assemble_md((struct article *const *)&a, 1, &t, o, doc, r->library, e);
		free(doc);
	} else
		rc = assemble_epub((struct article *const *)&a, 1, &t, o, output, e);
	if (rc < 0) {
		err_prefix(e, "%s%s", article_kind(a->id), a->id);
		goto out;
	}
	if (missing) {
		log_warn("%s%s: %zu of %zu pictures could not be archived; wrote '%s' without them",
		    article_kind(a->id), a->id, missing, t.n, output);
		res = ARCHIVE_INCOMPLETE;
	} else if (a->repaired) {
		log_warn("%s%s: wrote '%s' with repaired text", article_kind(a->id), a->id, output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		log_info("%s%s: wrote '%s' (%zu pictures)", article_kind(a->id), a->id, output, t.n);
		res = ARCHIVE_OK;
	}
	if (done) {
		done->npictures = t.n;
		done->missing = missing;
		done->cover_href = cover ? xstrdup(cover->href) : NULL;
	}
out:
	capture_set_current(&r->capture, before);
	capture_done(&r->capture, key, &res);
	assets_release(&t);
	return res;
}

enum archive_result
archive_write_combined(struct session *r, struct article *const *v, size_t n, const char *output,
    struct err *e)
{
	struct assets t;
	size_t missing;
	enum archive_result res = ARCHIVE_FAILED;

	assets_init(&t);
	for (size_t i = 0; i < n; i++)
		pictures_of(v[i], &t);
	missing = pictures_gather(r, "(combined book)", &t);
	if ((opts_pick_format(r->o->format, output) == FORMAT_MD ?
	    assemble_md(v, n, &t, r->o, output, NULL, e) : assemble_epub(v, n, &t, r->o, output, e)) < 0)
		goto out;
	if (missing) {
		log_warn("%zu of %zu pictures could not be archived; wrote '%s' without them",
		    missing, t.n, output);
		res = ARCHIVE_INCOMPLETE;
	} else {
		res = ARCHIVE_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i]->repaired)
			res = ARCHIVE_INCOMPLETE;
out:
	assets_release(&t);
	return res;
}

enum archive_result
archive_write_series(struct session *r, const struct series *s, struct article *const *v,
    size_t n, const char *keep_identifier, const char *key, const char *output, struct err *e)
{
	const char *before = r->capture.current;
	struct assets t;
	size_t missing;
	enum archive_result res = ARCHIVE_FAILED;

	assets_init(&t);
	capture_set_current(&r->capture, key);
	if (s->cover)
		assets_add(&t, s->cover);
	for (size_t i = 0; i < n; i++)
		pictures_of(v[i], &t);
	missing = pictures_gather(r, key, &t);
	/* Markdown: no update in place, so the chapters are the list's (n == s->n) */
	if ((opts_pick_format(r->o->format, output) == FORMAT_MD ?
	    assemble_series_md(s, v, &t, r->o, output, e) :
	    assemble_series(s, v, n, keep_identifier, &t, r->o, output, e)) < 0) {
		err_prefix(e, "%s", key);
		goto out;
	}
	res = ARCHIVE_OK;
	if (missing) {
		log_warn("%s: %zu of %zu pictures could not be archived; wrote '%s' without them",
		    key, missing, t.n, output);
		res = ARCHIVE_INCOMPLETE;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i]->repaired)
			res = ARCHIVE_INCOMPLETE;
	if (res == ARCHIVE_OK)
		log_info("%s: wrote '%s' (%zu chapters, %zu pictures)", key, output, n, t.n);
out:
	capture_set_current(&r->capture, before);
	capture_done(&r->capture, key, &res);
	assets_release(&t);
	return res;
}
