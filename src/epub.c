#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <zip.h>

#include "epub.h"
#include "file.h"
#include "xalloc.h"

static const char mimetype[] = "application/epub+zip";

static bool
is_compressed_already(const char *media_type)
{
	return strncmp(media_type, "image/", 6) == 0 && strcmp(media_type, "image/svg+xml") != 0;
}

static int
add_item(zip_t *z, const char *name, const struct book_item *it, time_t mtime, struct err *e)
{
	zip_source_t *src;
	zip_int64_t idx;

	if (it->src)
		src = zip_source_file(z, it->src, 0, -1);
	else
		src = zip_source_buffer(z, it->data, it->len, 0);
	if (src == NULL)
		return err_set(e, "cannot add '%s' to the book: %s", it->src ? it->src : name,
		    zip_strerror(z));
	idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		/* the archive took no ownership of src */
		zip_source_free(src);
		return err_set(e, "cannot add '%s' to the book: %s", name, zip_strerror(z));
	}
	/*
	 * Level 3, zlib's fastest strategy (levels 1-3 share it): on the bench's
	 * text-heavy article (1.2 MB of XHTML and the kept API response) level 6
	 * took 37 M instructions more, 8% of the whole run, for 33 KB less in a
	 * 7.2 MB book; level 1 costs as much as 3 and saves 14 KB less.  Level 9
	 * took 2.3x the time of 6 for 1.6% less (bench/RESULTS.md).  Pictures
	 * are stored: they are compressed already.
	 */
	if (zip_set_file_compression(z, (zip_uint64_t)idx,
	    is_compressed_already(it->media_type) ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 3) < 0 ||
	    zip_file_set_mtime(z, (zip_uint64_t)idx, mtime, 0) < 0)
		return err_set(e, "cannot set up '%s' in the book: %s", name, zip_strerror(z));
	return 0;
}

/*
 * Where libzip writes the book: straight into our temporary file, through a
 * source of our own.  libzip's own file source would write to a second
 * temporary file (NAME.XXXXXX) whose name it draws from OpenSSL's RAND_bytes:
 * that one call set up OpenSSL's random generator in every render from the
 * cache, 1.9 MB of libcrypto paged in and a few milliseconds of CPU (bench/
 * RESULTS.md).  Our file is already registered for cleanup and renamed over
 * the book by epub_write, so a second temporary name bought nothing.
 *
 * The archive is always new (ZIP_TRUNCATE): reading is never asked for, and
 * stat answers "no such file" so that libzip starts an empty archive.
 */
struct out {
	const char *path;
	FILE *f;
	zip_error_t error;
	char buf[64 * 1024];    /* the stream's buffer (glibc ignores a size without one) */
};

static zip_int64_t
out_fail(struct out *o, int ze)
{
	zip_error_set(&o->error, ze, errno);
	return -1;
}

static zip_int64_t
out_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct out *o = ud;

	switch (cmd) {
	case ZIP_SOURCE_SUPPORTS:
		return ZIP_SOURCE_SUPPORTS_WRITABLE;
	case ZIP_SOURCE_STAT:
		/* not there yet: libzip makes a new archive */
		zip_error_set(&o->error, ZIP_ER_READ, ENOENT);
		return -1;
	case ZIP_SOURCE_BEGIN_WRITE:
		o->f = fopen(o->path, "wb");
		if (o->f == NULL)
			return out_fail(o, ZIP_ER_TMPOPEN);
		/* libzip writes in 8 KB pieces and small headers: fewer, larger write(2)s */
		setvbuf(o->f, o->buf, _IOFBF, sizeof o->buf);
		return 0;
	case ZIP_SOURCE_WRITE:
		if (fwrite(data, 1, (size_t)len, o->f) != (size_t)len)
			return out_fail(o, ZIP_ER_WRITE);
		return (zip_int64_t)len;
	case ZIP_SOURCE_SEEK_WRITE: {
		zip_source_args_seek_t *a = ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len,
		    &o->error);

		if (a == NULL)
			return -1;
		if (fseeko(o->f, (off_t)a->offset, a->whence) < 0)
			return out_fail(o, ZIP_ER_SEEK);
		return 0;
	}
	case ZIP_SOURCE_TELL_WRITE: {
		off_t at = ftello(o->f);

		if (at < 0)
			return out_fail(o, ZIP_ER_TELL);
		return (zip_int64_t)at;
	}
	case ZIP_SOURCE_COMMIT_WRITE: {
		int rc = fclose(o->f);

		o->f = NULL;
		if (rc != 0)
			return out_fail(o, ZIP_ER_WRITE);
		return 0;
	}
	case ZIP_SOURCE_ROLLBACK_WRITE:
	case ZIP_SOURCE_REMOVE:
		/* epub_write removes the file */
		if (o->f)
			fclose(o->f);
		o->f = NULL;
		return 0;
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&o->error, data, len);
	case ZIP_SOURCE_FREE:
		if (o->f)
			fclose(o->f);
		zip_error_fini(&o->error);
		free(o);
		return 0;
	default:
		zip_error_set(&o->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

/*
 * The stop signals are held back while zip_close runs, and this callback
 * cancels the write as soon as one is pending; the signal is delivered when
 * the mask is restored, and the file (registered) is removed by the handler
 * or by epub_write.
 */
static int
cancel_on_signal(zip_t *z, void *ud)
{
	sigset_t pending;

	(void)z;
	(void)ud;
	if (sigpending(&pending) < 0)
		return 0;
	return sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1 ||
	    sigismember(&pending, SIGHUP) == 1;
}

static int write_zip(const char *tmp, const char *path, const struct book *root,
    const struct book *content, const char *content_dir, time_t mtime, struct err *e);

static int
close_guarded(zip_t *z, const char *path, struct err *e)
{
	sigset_t stop, old;
	int rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	zip_register_cancel_callback_with_state(z, cancel_on_signal, NULL, NULL);
	rc = zip_close(z);
	if (rc < 0) {
		err_set(e, "cannot write '%s': %s", path, zip_strerror(z));
		zip_discard(z);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}

/*
 * The book is made under a temporary name in its directory and renamed over
 * path only when complete, so an existing book is never truncated or left
 * half-replaced, whatever kills the run.
 */
int
epub_write(const char *path, const struct book *root, const struct book *content,
    const char *content_dir, time_t mtime, struct err *e)
{
	char *tmp = file_temp_name(path, "zip"), *dir = file_dirname(path);
	int rc;

	file_sweep_temps(dir);
	free(dir);
	file_temp_register(tmp);
	rc = write_zip(tmp, path, root, content, content_dir, mtime, e);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	file_temp_forget(tmp);
	free(tmp);
	return rc;
}

static int
write_zip(const char *tmp, const char *path, const struct book *root, const struct book *content,
    const char *content_dir, time_t mtime, struct err *e)
{
	zip_t *z = NULL;
	zip_source_t *src;
	zip_int64_t idx;
	zip_error_t ze;
	struct out *o = xcalloc(1, sizeof *o);

	o->path = tmp;
	zip_error_init(&o->error);
	zip_error_init(&ze);
	src = zip_source_function_create(out_cb, o, &ze);
	if (src == NULL) {
		zip_error_fini(&o->error);
		free(o);
	} else {
		z = zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze);
		if (z == NULL)
			zip_source_free(src);   /* frees o */
	}
	if (z == NULL) {
		err_set(e, "cannot create '%s': %s", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	/* mimetype: first, stored, no extra fields (OCF 3.3 §4.3) */
	src = zip_source_buffer(z, mimetype, sizeof mimetype - 1, 0);
	if (src == NULL)
		goto zfail;
	idx = zip_file_add(z, "mimetype", src, 0);
	if (idx < 0) {
		zip_source_free(src);
		goto zfail;
	}
	if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0 ||
	    zip_file_set_mtime(z, (zip_uint64_t)idx, mtime, 0) < 0)
		goto zfail;
	for (size_t i = 0; i < root->n; i++)
		if (add_item(z, root->v[i].path, &root->v[i], mtime, e) < 0)
			goto fail;
	for (size_t i = 0; i < content->n; i++) {
		char *name = xasprintf("%s/%s", content_dir, content->v[i].path);
		int rc = add_item(z, name, &content->v[i], mtime, e);

		free(name);
		if (rc < 0)
			goto fail;
	}
	return close_guarded(z, path, e);
zfail:
	err_set(e, "cannot build '%s': %s", path, zip_strerror(z));
fail:
	zip_discard(z);
	return -1;
}
