#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>

#include <zip.h>

#include "epub.h"
#include "file.h"
#include "xalloc.h"

static const char mimetype[] = "application/epub+zip";

/*
 * Every member's Unix mode: a plain file, rw-r--r--.  Set, not inherited:
 * libzip takes a file source's mode from the file (a cache picture's depends
 * on the umask it was written under) and gives buffers 0666, so the same
 * book from the cache and from memory (--from-epub) differed in these bytes.
 */
#define MEMBER_ATTRIBUTES ((zip_uint32_t)0100644 << 16)

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
	    zip_file_set_mtime(z, (zip_uint64_t)idx, mtime, 0) < 0 ||
	    zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
	    MEMBER_ATTRIBUTES) < 0)
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
	static struct timespec last;
	struct timespec now;
	sigset_t pending;

	(void)z;
	(void)ud;
	/*
	 * libzip calls this several times for every member (a book of 240
	 * pictures: about 1,000 calls); sigpending is a system call, the clock
	 * is not (vDSO), so the signals are looked at every 20 ms at most.
	 */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) < 20000000L)
		return 0;
	last = now;
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
	/* what it was made from must not have changed under a mapping meanwhile */
	if (rc == 0)
		rc = file_inputs_unchanged(e);
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
	    zip_file_set_mtime(z, (zip_uint64_t)idx, mtime, 0) < 0 ||
	    zip_file_set_external_attributes(z, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
	    MEMBER_ATTRIBUTES) < 0)
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

/* --- reading a book back ----------------------------------------------------- */

struct epub_reader {
	zip_t *z;
	char *path;             /* for messages */
	char **names;           /* every member's name, checked, in the zip's order */
	uint64_t *sizes;        /* their declared sizes */
	size_t n;
	uint64_t left;          /* what may still be inflated (max_total less what was read) */
};

/*
 * Return NULL when name is one a book may hold, else why not.  Members are
 * never written to disk by name, but a name that could climb out of a
 * directory or hide behind another is a sign of a crafted zip, and a book of
 * ours never has one.
 */
static const char *
bad_name(const char *name)
{
	const char *part = name;

	if (*name == '\0')
		return "an empty name";
	if (*name == '/')
		return "an absolute name";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x20 || *p == 0x7F)
			return "a control character in a name";
		if (*p == '\\')
			return "a backslash in a name";
		if (*p == ':')
			return "a colon in a name (a drive letter?)";
	}
	for (;;) {
		size_t len = strcspn(part, "/");

		if (len == 2 && part[0] == '.' && part[1] == '.')
			return "a '..' in a name";
		if (len == 1 && part[0] == '.')
			return "a '.' part in a name";
		if (part[len] == '\0')
			break;
		/* "a//b" (an empty part); a trailing slash is a directory entry */
		if (len == 0)
			return "an empty part in a name";
		part += len + 1;
		if (*part == '\0')
			break;
	}
	return NULL;
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Refuse a name given twice: a reader and we could see different members under it. */
static int
check_duplicates(struct epub_reader *r, struct err *e)
{
	char **sorted = xcalloc(r->n ? r->n : 1, sizeof *sorted);
	int rc = 0;

	memcpy(sorted, r->names, r->n * sizeof *sorted);
	qsort(sorted, r->n, sizeof *sorted, by_name);
	for (size_t i = 1; i < r->n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0) {
			rc = err_set(e, "'%s': the member '%.200s' is there twice", r->path, sorted[i]);
			break;
		}
	free(sorted);
	return rc;
}

/* Check member i's entry in the central directory and note its name and size. */
static int
check_member(struct epub_reader *r, zip_uint64_t i, const struct epub_limits *lim,
    uint64_t *total, struct err *e)
{
	zip_stat_t st;
	zip_uint8_t opsys;
	zip_uint32_t attrs;
	const char *why;

	zip_stat_init(&st);
	if (zip_stat_index(r->z, i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) ||
	    !(st.valid & ZIP_STAT_SIZE))
		return err_set(e, "'%s': member %llu cannot be read: %s", r->path,
		    (unsigned long long)i, zip_strerror(r->z));
	why = bad_name(st.name);
	if (why)
		return err_set(e, "'%s': %s: '%.200s'", r->path, why, st.name);
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return err_set(e, "'%s': the member '%.200s' is encrypted", r->path, st.name);
	if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
	    st.comp_method != ZIP_CM_DEFLATE)
		return err_set(e, "'%s': the member '%.200s' is compressed with method %d "
		    "(only stored and deflated are read)", r->path, st.name, (int)st.comp_method);
	if (zip_file_get_external_attributes(r->z, i, 0, &opsys, &attrs) == 0 &&
	    opsys == ZIP_OPSYS_UNIX && ((attrs >> 16) & 0170000) == 0120000)
		return err_set(e, "'%s': the member '%.200s' is a symbolic link", r->path, st.name);
	if (st.size > lim->max_member)
		return err_set(e, "'%s': the member '%.200s' would inflate to %llu bytes "
		    "(at most %llu are read)", r->path, st.name, (unsigned long long)st.size,
		    (unsigned long long)lim->max_member);
	*total += st.size;
	if (*total > lim->max_total)
		return err_set(e, "'%s': the members would inflate to more than %llu bytes "
		    "together", r->path, (unsigned long long)lim->max_total);
	r->names[i] = xstrdup(st.name);
	r->sizes[i] = st.size;
	return 0;
}

int
epub_open(const char *path, const struct epub_limits *lim, struct epub_reader **out,
    struct err *e)
{
	struct epub_reader *r;
	zip_int64_t n;
	uint64_t total = 0;
	int ze = 0;
	zip_t *z;

	*out = NULL;
	/* ZIP_CHECKCONS: the central directory must agree with the local headers */
	z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (z == NULL) {
		zip_error_t err;

		zip_error_init_with_code(&err, ze);
		if (ze == ZIP_ER_NOZIP)
			err_set(e, "'%s': not a zip file (an EPUB is one)", path);
		else if (ze == ZIP_ER_EXISTS)
			/* libzip refuses a name given twice itself; check_duplicates is the second guard */
			err_set(e, "'%s': a member name is there twice", path);
		else
			err_set(e, "'%s': cannot read it as a zip: %s", path, zip_error_strerror(&err));
		zip_error_fini(&err);
		return -1;
	}
	n = zip_get_num_entries(z, 0);
	if (n < 0 || (uint64_t)n > lim->max_members) {
		err_set(e, "'%s': %lld members, more than the %zu a book may have", path,
		    (long long)n, lim->max_members);
		zip_discard(z);
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->z = z;
	r->path = xstrdup(path);
	r->n = (size_t)n;
	r->names = xcalloc(r->n ? r->n : 1, sizeof *r->names);
	r->sizes = xcalloc(r->n ? r->n : 1, sizeof *r->sizes);
	r->left = lim->max_total;
	for (size_t i = 0; i < r->n; i++)
		if (check_member(r, i, lim, &total, e) < 0) {
			epub_close(r);
			return -1;
		}
	if (check_duplicates(r, e) < 0) {
		epub_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

size_t
epub_count(const struct epub_reader *r)
{
	return r->n;
}

const char *
epub_name(const struct epub_reader *r, size_t i)
{
	return r->names[i];
}

long
epub_find(const struct epub_reader *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->names[i], name) == 0)
			return (long)i;
	return -1;
}

int
epub_read(struct epub_reader *r, size_t i, uint64_t max, char **data, size_t *len,
    struct err *e)
{
	const char *name = r->names[i];
	uint64_t cap = r->sizes[i];
	zip_file_t *f;
	char *p;
	size_t got = 0;
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (cap > max || cap > r->left)
		return err_set(e, "'%s': the member '%.200s' would inflate to %llu bytes (at most "
		    "%llu are read)", r->path, name, (unsigned long long)cap,
		    (unsigned long long)(max < r->left ? max : r->left));
	f = zip_fopen_index(r->z, i, 0);
	if (f == NULL)
		return err_set(e, "'%s': cannot read '%.200s': %s", r->path, name,
		    zip_strerror(r->z));
	/* one byte more than declared: a stream that goes on past its size is caught */
	p = xmalloc((size_t)cap + 2);
	for (;;) {
		zip_int64_t k = zip_fread(f, p + got, (zip_uint64_t)(cap + 1 - got));

		if (k < 0) {
			err_set(e, "'%s': cannot read '%.200s': %s", r->path, name,
			    zip_file_strerror(f));
			goto out;
		}
		if (k == 0)
			break;
		got += (size_t)k;
		if (got > cap) {
			err_set(e, "'%s': the member '%.200s' inflates past its declared %llu bytes",
			    r->path, name, (unsigned long long)cap);
			goto out;
		}
	}
	if (got != cap) {
		err_set(e, "'%s': the member '%.200s' is %zu bytes, not the %llu it declares",
		    r->path, name, got, (unsigned long long)cap);
		goto out;
	}
	p[got] = '\0';
	r->left -= got;
	*data = p;
	*len = got;
	p = NULL;
	rc = 0;
out:
	free(p);
	zip_fclose(f);
	return rc;
}

void
epub_close(struct epub_reader *r)
{
	if (r == NULL)
		return;
	xfree_strings(r->names, r->n);
	free(r->sizes);
	free(r->path);
	zip_discard(r->z);
	free(r);
}
