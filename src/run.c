#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "assemble.h"
#include "batch.h"
#include "file.h"
#include "hash.h"
#include "input.h"
#include "jsonval.h"
#include "library.h"
#include "links.h"
#include "load.h"
#include "log.h"
#include "oldbook.h"
#include "opus.h"
#include "readlist.h"
#include "run.h"
#include "session.h"
#include "xalloc.h"

/* The 文集 rl (its digits), into its book; or the book there, updated. */
static enum archive_result
one_readlist(struct session *r, const char *rl, struct err *e)
{
	struct readlist *l = NULL;
	char *key = xasprintf("rl%s", rl), *output;
	enum archive_result res = ARCHIVE_FAILED;
	enum out_format f;

	output = opts_output_for(r->o, key);
	f = opts_pick_format(r->o->format, output);
	if (f == FORMAT_SITE)
		err_set(e, "%s: a 文集 as a folder site joins a library: give -o DIR/", key);
	else if (f == FORMAT_EPUB && !r->o->force && file_exists(output))
		res = readlist_refresh(r, rl, output, NULL, e);
	else if (readlist_load(r, rl, &l, e) == 0)
		res = readlist_write(r, l, output, e);
	capture_done(&r->capture, key, &res);
	readlist_free(l);
	free(output);
	free(key);
	return res;
}

/* The one article named by arg (an id or a URL), into its book; or its 文集. */
static enum archive_result
one_id(struct session *r, const char *arg, struct err *e)
{
	struct input in;
	struct article *a = NULL;
	char *output = NULL, *key, *rl = NULL;
	enum archive_result res = ARCHIVE_FAILED;

	if (load_resolve(r, arg, &in, e) < 0)
		return ARCHIVE_FAILED;
	if (r->o->series && in.kind != INPUT_READLIST && readlist_of(r, &in, &rl, e) < 0) {
		input_release(&in);
		return ARCHIVE_FAILED;
	}
	if (rl || in.kind == INPUT_READLIST) {
		res = one_readlist(r, rl ? rl : in.id, e);
		free(rl);
		input_release(&in);
		return res;
	}
	key = load_key(&in);
	if (r->o->shard_n && hash_shard(key, r->o->shard_n) != r->o->shard_k) {
		log_status("%s%s belongs to shard %u/%u, not to this one (%u/%u): nothing to do",
		    in.kind == INPUT_CV ? "" : "opus ", key, hash_shard(key, r->o->shard_n),
		    r->o->shard_n, r->o->shard_k, r->o->shard_n);
		input_release(&in);
		free(key);
		return ARCHIVE_OK;
	}
	if (load_article(r, &in, &a, e) == 0) {
		/* cvN.epub: a cv number and an opus id may be the same digits */
		output = opts_output_for(r->o, in.kind == INPUT_CV ? a->id : in.id);
		res = archive_write(r, a, key, output, NULL, NULL, e);
	}
	capture_done(&r->capture, key, &res);
	article_free(a);
	input_release(&in);
	free(output);
	free(key);
	return res;
}

/* The saved response in o->from_json, into its book. */
static enum archive_result
from_json(struct session *r, struct err *e)
{
	const struct archive_opts *o = r->o;
	const char *src = strcmp(o->from_json, "-") == 0 ? "standard input" : o->from_json;
	char *quoted = xasprintf("'%s'", src);
	struct file_bytes buf = { 0 };
	struct article *a = NULL;
	struct jsv *root = NULL;
	enum archive_result res = ARCHIVE_FAILED;

	if (file_load(o->from_json, RUN_MAX_RESPONSE, &buf, e) == 0) {
		/* parsed once here; the parsers read the tree */
		root = jsv_parse(buf.data, buf.len, OPUS_MAX_DEPTH, e);
		if (root == NULL)
			err_prefix(e, "%s", quoted);
	}
	if (root && load_parse(r, &buf, root, quoted, &a, e) == 0) {
		/* what the render does not need: the tree (the article took the bytes, or a view's) */
		jsv_free(root);
		root = NULL;
		file_bytes_release(&buf);
		res = archive_write(r, a, NULL, o->output, NULL, NULL, e);
	}
	article_free(a);
	jsv_free(root);
	file_bytes_release(&buf);
	free(quoted);
	return res;
}

/*
 * The articles of a book of several as a folder site: a page each, linked to
 * one another, and an index in the book's order.
 */
static enum archive_result
book_site(struct session *r, struct article *const *v, size_t n, struct err *e)
{
	const struct archive_opts *o = r->o;
	struct index_entry *ie = xcalloc(n, sizeof *ie);
	struct archive_done *done = xcalloc(n, sizeof *done);
	char **pages = xcalloc(n, sizeof *pages);
	enum archive_result res = ARCHIVE_OK;
	struct links pages_map;

	links_init(&pages_map);
	for (size_t i = 0; i < n; i++) {
		pages[i] = xasprintf("%s.html", v[i]->id);
		links_add_article(&pages_map, v[i]->id, v[i]->cv_id, pages[i]);
	}
	session_set_library(r, &pages_map);
	for (size_t i = 0; i < n && res != ARCHIVE_FAILED; i++) {
		enum archive_result one = archive_write(r, v[i], NULL, o->output, v[i]->id,
		    &done[i], e);

		if (one != ARCHIVE_OK)
			res = one;
		ie[i].title = v[i]->title;
		ie[i].author = v[i]->author_name;
		ie[i].date = v[i]->pub_ts;
		ie[i].href = pages[i];
		ie[i].thumb = done[i].cover_href;
	}
	session_set_library(r, NULL);
	if (res != ARCHIVE_FAILED && assemble_index(o, o->output, ie, n, e) < 0)
		res = ARCHIVE_FAILED;
	for (size_t i = 0; i < n; i++) {
		free(done[i].cover_href);
		free(pages[i]);
	}
	links_release(&pages_map);
	free(pages);
	free(done);
	free(ie);
	return res;
}

/*
 * --from-epub: the book o->from_epub rendered again by today's code from
 * what it carries (its responses and pictures), with --offline's rules and
 * no cache: its identifier and its documents' names stay as they were.
 */
static enum archive_result
from_epub(const struct archive_opts *o, struct err *e)
{
	struct archive_opts again = *o;
	struct book_keep keep;
	struct oldbook b;
	struct session *r = NULL;
	struct article **v = NULL;
	const char **docs = NULL;
	enum archive_result res = ARCHIVE_FAILED;
	size_t n = 0;

	if (oldbook_open(o->from_epub, o->net.max_image_size, &b, e) < 0)
		goto out;
	if (b.list_id) {
		/* its chapters are not paired with documents by order; the update does it by cv */
		err_set(e, "'%s' is the book of the 文集 %s: it is updated, not rebuilt: "
		    "opus-archive %s -o '%s'", b.path, b.list_id, b.list_id, b.path);
		goto out;
	}
	n = b.nresponses;
	if (b.generator == NULL || strncmp(b.generator, "opus-archive ", 13) != 0)
		log_info("'%s': made by %s; reading its opus-archive responses", b.path,
		    b.generator ? b.generator : "an unnamed program");
	docs = xcalloc(n, sizeof *docs);
	for (size_t i = 0; i < n; i++)
		docs[i] = b.responses[i].doc;
	keep.identifier = b.identifier;
	keep.docs = docs;
	keep.ndocs = n;
	again.keep = &keep;
	again.offline = true;
	/*
	 * No cache: the book is the only source.  A path below a file, where
	 * nothing can be made, so that a stray use fails instead of touching
	 * the user's cache.
	 */
	again.cache_dir = "/dev/null/opus-archive-no-cache";
	r = session_new(&again, e);
	if (r == NULL)
		goto out;
	session_set_book(r, &b, true);
	v = xcalloc(n, sizeof *v);
	if (load_parse_book(r, &b, v, e) < 0)
		goto out;
	if (!b.has_map && b.npictures > 0) {
		struct render_opts ro = { o->templates, o->lang, RENDER_EPUB, o->now, NULL, NULL };
		size_t found = oldbook_match_pictures(&b, v, &ro);

		log_info("'%s' was made before books said which picture came from where: "
		    "%zu addresses found by the pictures' places in its documents", b.path, found);
	}
	if (n == 1)
		res = archive_write(r, v[0], NULL, o->output, NULL, NULL, e);
	else if (opts_pick_format(o->format, o->output) == FORMAT_SITE)
		res = book_site(r, v, n, e);
	else
		res = archive_write_combined(r, v, n, o->output, e);
out:
	session_finish(r, &res);
	session_free(r);
	for (size_t i = 0; v && i < n; i++)
		article_free(v[i]);
	free(v);
	free(docs);
	oldbook_release(&b);
	return res;
}

enum archive_result
run_archive(const struct archive_opts *o, struct err *e)
{
	struct session *r;
	enum archive_result res;

	if (o->reindex)
		return library_reindex(o, o->reindex, e) < 0 ? ARCHIVE_FAILED : ARCHIVE_OK;
	if (o->from_epub)
		return from_epub(o, e);
	if (batch_wanted(o))
		return batch_run(o, e);
	r = session_new(o, e);
	if (r == NULL)
		return ARCHIVE_FAILED;
	res = o->from_json ? from_json(r, e) : one_id(r, o->ids[0], e);
	session_finish(r, &res);
	session_free(r);
	return res;
}
