#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "batch.h"
#include "file.h"
#include "hash.h"
#include "input.h"
#include "jsonval.h"
#include "library.h"
#include "load.h"
#include "log.h"
#include "opus.h"
#include "run.h"
#include "session.h"
#include "xalloc.h"

/* The one article named by arg (an id or a URL), into its book. */
static enum archive_result
one_id(struct session *r, const char *arg, struct err *e)
{
	struct input in;
	struct article *a = NULL;
	char *output = NULL, *key;
	enum archive_result res = ARCHIVE_FAILED;

	if (load_resolve(r, arg, &in, e) < 0)
		return ARCHIVE_FAILED;
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
	char *buf = NULL, *quoted = xasprintf("'%s'", src);
	struct article *a = NULL;
	struct jsv *root = NULL;
	enum archive_result res = ARCHIVE_FAILED;
	size_t len;

	if (file_read(o->from_json, RUN_MAX_RESPONSE, &buf, &len, e) == 0) {
		/* parsed once here; the parsers read the tree */
		root = jsv_parse(buf, len, OPUS_MAX_DEPTH, e);
		if (root == NULL)
			err_prefix(e, "%s", quoted);
	}
	if (root && load_parse(r, buf, len, root, quoted, &a, e) == 0) {
		/* the article holds its own copy of the response: do not carry two into the render */
		jsv_free(root);
		root = NULL;
		free(buf);
		buf = NULL;
		res = archive_write(r, a, NULL, o->output, NULL, NULL, e);
	}
	article_free(a);
	jsv_free(root);
	free(buf);
	free(quoted);
	return res;
}

enum archive_result
run_archive(const struct archive_opts *o, struct err *e)
{
	struct session *r;
	enum archive_result res;

	if (o->reindex)
		return library_reindex(o, o->reindex, e) < 0 ? ARCHIVE_FAILED : ARCHIVE_OK;
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
