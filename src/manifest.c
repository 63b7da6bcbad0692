#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
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

int
manifest_load(struct manifest *m, const char *dir, struct err *e)
{
	char *data = NULL;
	size_t len;
	const char *p, *end;

	memset(m, 0, sizeof *m);
	m->path = file_join(dir, MANIFEST_NAME);
	if (!file_exists(m->path))
		return 0;
	if (file_read(m->path, MANIFEST_MAX, &data, &len, e) < 0)
		return -1;
	p = data;
	end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			break;          /* a torn last line: the write it belongs to did not finish */
		parse_line(m, p, nl);
		p = nl + 1;
	}
	free(data);
	return 0;
}

void
manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_release(&m->v[i]);
	free(m->v);
	free(m->path);
	memset(m, 0, sizeof *m);
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
	int fd;
	ssize_t w;
	off_t size;

	buf_init(&line, 0);
	fd = open(m->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(e, "cannot write '%s': %s", m->path, strerror(errno));
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
	/* one write: with O_APPEND it lands whole at the end, or (killed) as a torn last line */
	w = write(fd, buf_str(&line), line.len);
	if (w != (ssize_t)line.len || close(fd) < 0) {
		int saved = errno;

		if (w != (ssize_t)line.len)
			close(fd);
		buf_release(&line);
		return err_set(e, "cannot write '%s': %s", m->path,
		    w < 0 || saved ? strerror(saved) : "short write");
	}
	buf_release(&line);
	remember(m, en);
	return 0;
}
