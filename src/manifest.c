#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "log.h"
#include "manifest.h"
#include "xalloc.h"

#define MANIFEST_NAME ".opus-archive.tsv"
#define MANIFEST_MAX (256u * 1024 * 1024)
#define NFIELDS 7        /* the seventh, alias, is absent from older lines */

/* Tabs, newlines and backslashes in a field are written as \t, \n and \\. */
static void
put_field(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\t')
			buf_add(b, "\\t", 2);
		else if (*s == '\n')
			buf_add(b, "\\n", 2);
		else if (*s == '\r')
			buf_add(b, "\\r", 2);
		else if (*s == '\\')
			buf_add(b, "\\\\", 2);
		else
			buf_add(b, s, 1);
	}
}

/* Undo put_field on [s, end) into a new string. */
static char *
get_field(const char *s, const char *end)
{
	char *out = xmalloc((size_t)(end - s) + 1), *o = out;

	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

static void
entry_release(struct manifest_entry *en)
{
	free(en->id);
	free(en->name);
	free(en->title);
	free(en->author);
	free(en->cover);
	free(en->alias);
}

static void
entry_copy(struct manifest_entry *dst, const struct manifest_entry *src)
{
	dst->id = xstrdup(src->id);
	dst->name = xstrdup(src->name);
	dst->date = src->date;
	dst->title = xstrdup(src->title ? src->title : "");
	dst->author = xstrdup(src->author ? src->author : "");
	dst->cover = xstrdup(src->cover ? src->cover : "");
	dst->alias = xstrdup(src->alias ? src->alias : "");
}

static struct manifest_entry *
find(const struct manifest *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].id, id) == 0)
			return &m->v[i];
	return NULL;
}

/* Keep en (copied) in memory, replacing the entry of the same id. */
static void
remember(struct manifest *m, const struct manifest_entry *en)
{
	struct manifest_entry *old = find(m, en->id);

	if (old) {
		entry_release(old);
		entry_copy(old, en);
		return;
	}
	XGROW(m->v, m->cap, m->n + 1);
	entry_copy(&m->v[m->n++], en);
}

/* A name is one path component that is not hidden: anything else in the file is not ours. */
static bool
name_ok(const char *s)
{
	return *s && *s != '.' && strchr(s, '/') == NULL && strchr(s, '\\') == NULL &&
	    strlen(s) < 240;
}

/* Parse one complete line [s, end); a line that does not fit is skipped. */
static void
parse_line(struct manifest *m, const char *s, const char *end)
{
	const char *f[NFIELDS + 1];
	int nf = 0;
	struct manifest_entry en;
	char *date, *stop;

	f[nf++] = s;
	for (const char *p = s; p < end && nf <= NFIELDS; p++)
		if (*p == '\t')
			f[nf++] = p + 1;
	if (nf != NFIELDS && nf != NFIELDS - 1)
		return;
	f[nf] = end + 1;
	en.id = get_field(f[0], f[1] - 1);
	en.name = get_field(f[1], f[2] - 1);
	date = get_field(f[2], f[3] - 1);
	en.title = get_field(f[3], f[4] - 1);
	en.author = get_field(f[4], f[5] - 1);
	en.cover = get_field(f[5], f[6] - 1);
	en.alias = nf == NFIELDS ? get_field(f[6], f[7] - 1) : xstrdup("");
	en.date = strtoll(date, &stop, 10);
	/* an opus id, "cvN", or a 文集's "rlN" */
	if (*en.id && strspn(en.id, "0123456789cvrl") == strlen(en.id) && name_ok(en.name) &&
	    strspn(en.alias, "0123456789") == strlen(en.alias) &&
	    *stop == '\0' && strstr(en.cover, "..") == NULL && en.cover[0] != '/')
		remember(m, &en);
	free(date);
	entry_release(&en);
}

/* Parse the complete lines of data[0..len); return how many bytes they took. */
static size_t
parse_lines(struct manifest *m, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;          /* a torn last line: the write it belongs to did not finish */
		parse_line(m, p, nl);
		p = nl + 1;
	}
	return (size_t)(p - data);
}

int
manifest_load(struct manifest *m, const char *dir, struct err *e)
{
	char *data = NULL;
	size_t len;

	memset(m, 0, sizeof *m);
	m->lock_fd = -1;
	m->path = file_join(dir, MANIFEST_NAME);
	if (!file_exists(m->path))
		return 0;
	if (file_read(m->path, MANIFEST_MAX, &data, &len, e) < 0)
		return -1;
	m->read_to = (off_t)parse_lines(m, data, len);
	free(data);
	return 0;
}

/* Read the lines other runs appended since this one last read (the lock held). */
static void
refresh(struct manifest *m)
{
	struct stat st;
	char *data;
	ssize_t got;
	size_t want;

	if (fstat(m->lock_fd, &st) < 0 || st.st_size <= m->read_to)
		return;
	if (st.st_size - m->read_to > (off_t)MANIFEST_MAX)
		return;
	want = (size_t)(st.st_size - m->read_to);
	data = xmalloc(want + 1);
	got = pread(m->lock_fd, data, want, m->read_to);
	if (got > 0)
		m->read_to += (off_t)parse_lines(m, data, (size_t)got);
	free(data);
}

int
manifest_lock(struct manifest *m, struct err *e)
{
	if (m->lock_fd >= 0)
		return 0;
	m->lock_fd = open(m->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (m->lock_fd < 0)
		return err_set(e, "cannot write '%s': %s", m->path, strerror(errno));
	if (file_lock(m->lock_fd, true) < 0) {
		/* a file system without locks: appends of one write each still land whole */
		log_info("cannot lock '%s': %s", m->path, strerror(errno));
	}
	refresh(m);
	return 0;
}

void
manifest_unlock(struct manifest *m)
{
	if (m->lock_fd < 0)
		return;
	/* closing the descriptor drops this process's lock */
	close(m->lock_fd);
	m->lock_fd = -1;
}

void
manifest_release(struct manifest *m)
{
	if (m->path)            /* loaded: lock_fd is real */
		manifest_unlock(m);
	for (size_t i = 0; i < m->n; i++)
		entry_release(&m->v[i]);
	free(m->v);
	free(m->path);
	memset(m, 0, sizeof *m);
	m->lock_fd = -1;
}

const struct manifest_entry *
manifest_find(const struct manifest *m, const char *id)
{
	const struct manifest_entry *en = find(m, id);

	for (size_t i = 0; en == NULL && i < m->n; i++)
		if (m->v[i].alias && *m->v[i].alias && strcmp(m->v[i].alias, id) == 0)
			en = &m->v[i];
	return en;
}

bool
manifest_name_taken(const struct manifest *m, const char *name, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcasecmp(m->v[i].name, name) == 0 && strcmp(m->v[i].id, id) != 0)
			return true;
	return false;
}

int
manifest_put(struct manifest *m, const struct manifest_entry *en, struct err *e)
{
	struct buf line;
	char date[32], last = '\n';
	bool locked_here = m->lock_fd < 0;
	int fd, rc = 0;
	ssize_t w;
	off_t size;

	if (manifest_lock(m, e) < 0)
		return -1;
	fd = m->lock_fd;
	buf_init(&line, 0);
	/* after a torn line, start on a new one so this entry stays whole */
	size = lseek(fd, 0, SEEK_END);
	if (size > 0 && pread(fd, &last, 1, size - 1) != 1)
		last = '\n';
	if (last != '\n')
		buf_add(&line, "\n", 1);
	put_field(&line, en->id);
	buf_add(&line, "\t", 1);
	put_field(&line, en->name);
	snprintf(date, sizeof date, "\t%lld\t", en->date);
	buf_add(&line, date, strlen(date));
	put_field(&line, en->title);
	buf_add(&line, "\t", 1);
	put_field(&line, en->author);
	buf_add(&line, "\t", 1);
	put_field(&line, en->cover);
	buf_add(&line, "\t", 1);
	put_field(&line, en->alias);
	buf_add(&line, "\n", 1);
	/*
	 * One write, under the lock: with O_APPEND it lands whole at the end, or
	 * (killed) as a torn last line.  The lock keeps the lines of runs on other
	 * hosts apart over NFS, where O_APPEND alone does not.
	 */
	w = write(fd, buf_str(&line), line.len);
	if (w != (ssize_t)line.len)
		rc = err_set(e, "cannot write '%s': %s", m->path,
		    w < 0 ? strerror(errno) : "short write");
	else
		m->read_to = lseek(fd, 0, SEEK_END);    /* this line is known already */
	buf_release(&line);
	if (locked_here)
		manifest_unlock(m);
	if (rc == 0)
		remember(m, en);
	return rc;
}
