#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__linux__) && defined(HAVE_SYS_XATTR_H)
#include <sys/xattr.h>
#define KEEP_DIGESTS 1
#endif

#include "assets.h"
#include "hash.h"
#include "index.h"
#include "url.h"
#include "xalloc.h"

void
assets_init(struct assets *t)
{
	memset(t, 0, sizeof *t);
}

void
assets_release(struct assets *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].path);
		free(t->v[i].href);
		free(t->v[i].problem);
	}
	free(t->v);
	index_release(&t->by_key);
	memset(t, 0, sizeof *t);
}

/* Return the picture whose normalised URL is key, or NULL. */
static struct asset *
find_key(const struct assets *t, const char *key)
{
	size_t pos = index_find_str(&t->by_key, key, t->v, sizeof *t->v, offsetof(struct asset, key));

	return pos == INDEX_EMPTY ? NULL : &t->v[pos];
}

struct asset *
assets_add(struct assets *t, const char *url)
{
	char *key = url_picture_key(url);
	struct asset *a;

	if (key == NULL)
		return NULL;
	a = find_key(t, key);
	if (a) {
		free(key);
		return a;
	}
	XGROW(t->v, t->cap, t->n + 1);
	a = &t->v[t->n];
	memset(a, 0, sizeof *a);
	a->key = key;
	a->state = ASSET_PENDING;
	index_add_str(&t->by_key, t->n++, t->v, sizeof *t->v, offsetof(struct asset, key));
	return a;
}

const struct asset *
assets_find(const struct assets *t, const char *url)
{
	char *key;
	const struct asset *a;

	if (t->n == 0 || url == NULL)
		return NULL;
	key = url_picture_key(url);
	if (key == NULL)
		return NULL;
	a = find_key(t, key);
	free(key);
	return a;
}

enum media
media_sniff(const unsigned char *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return MEDIA_PNG;
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return MEDIA_JPEG;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return MEDIA_GIF;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return MEDIA_WEBP;
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
	    (memcmp(p + 8, "avif", 4) == 0 || memcmp(p + 8, "avis", 4) == 0))
		return MEDIA_AVIF;
	/* SVG: text starting with '<' (after a BOM or white space) that names svg early */
	{
		size_t i = 0;

		if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
		while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
			i++;
		if (i < n && p[i] == '<') {
			for (size_t j = i; j + 4 <= n; j++)
				if (memcmp(p + j, "<svg", 4) == 0)
					return MEDIA_SVG;
		}
	}
	return MEDIA_UNKNOWN;
}

const char *
media_type(enum media m)
{
	switch (m) {
	case MEDIA_JPEG: return "image/jpeg";
	case MEDIA_PNG: return "image/png";
	case MEDIA_GIF: return "image/gif";
	case MEDIA_WEBP: return "image/webp";
	case MEDIA_AVIF: return "image/avif";
	case MEDIA_SVG: return "image/svg+xml";
	case MEDIA_UNKNOWN:
	default: return NULL;
	}
}

/* The file extension of m: "png", or NULL. */
static const char *
media_ext(enum media m)
{
	switch (m) {
	case MEDIA_JPEG: return "jpg";
	case MEDIA_PNG: return "png";
	case MEDIA_GIF: return "gif";
	case MEDIA_WEBP: return "webp";
	case MEDIA_AVIF: return "avif";
	case MEDIA_SVG: return "svg";
	case MEDIA_UNKNOWN:
	default: return NULL;
	}
}

bool
media_book_safe(enum media m)
{
	return m == MEDIA_JPEG || m == MEDIA_PNG || m == MEDIA_GIF;
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * Copy len bytes at pos of the file into m: from p (the file's first n bytes,
 * already read) when they are there, else with pread on fd.  Return 0 or -1.
 */
static int
bytes_at(const unsigned char *p, size_t n, int fd, long pos, unsigned char *m, size_t len)
{
	if (pos < 0)
		return -1;
	if ((size_t)pos + len <= n) {
		memcpy(m, p + pos, len);
		return 0;
	}
	return pread(fd, m, len, (off_t)pos) == (ssize_t)len ? 0 : -1;
}

/* Read the pixel size from the first bytes (p, n of them) where the format makes it cheap. */
static void
read_dimensions(struct asset *a, const unsigned char *p, size_t n, int fd)
{
	if (a->media == MEDIA_PNG && n >= 24) {
		a->width = (int)((unsigned)p[16] << 24 | (unsigned)p[17] << 16 | be16(p + 18));
		a->height = (int)((unsigned)p[20] << 24 | (unsigned)p[21] << 16 | be16(p + 22));
	} else if (a->media == MEDIA_GIF && n >= 10) {
		a->width = p[6] | p[7] << 8;
		a->height = p[8] | p[9] << 8;
	} else if (a->media == MEDIA_JPEG) {
		/* walk the markers to the first SOFn */
		unsigned char m[9];
		long pos = 2;

		while (bytes_at(p, n, fd, pos, m, 4) == 0 && m[0] == 0xFF) {
			unsigned len = be16(m + 2);

			if (m[1] >= 0xC0 && m[1] <= 0xCF && m[1] != 0xC4 && m[1] != 0xC8 &&
			    m[1] != 0xCC) {
				if (bytes_at(p, n, fd, pos + 4, m + 4, 5) == 0) {
					a->height = (int)be16(m + 5);
					a->width = (int)be16(m + 7);
				}
				break;
			}
			if (len < 2)
				break;
			pos += 2 + (long)len;
		}
	}
	if (a->width < 0 || a->width > 100000 || a->height < 0 || a->height > 100000)
		a->width = a->height = 0;
}

/* Read up to len bytes from fd into p, fewer only at the end of the file; return the count or -1. */
static ssize_t
read_full(int fd, unsigned char *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, p + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Sniff a from its first n bytes (head) and say whether a book can carry it;
 * if not, a is UNUSABLE with the reason.  The first 64 bytes decide, as they
 * always have (an SVG names itself early).
 */
static bool
sniff_usable(struct asset *a, const unsigned char *head, size_t n)
{
	a->media = media_sniff(head, n < 64 ? n : 64);
	free(a->problem);
	a->problem = NULL;
	if (n == 0) {
		a->state = ASSET_UNUSABLE;
		a->problem = xstrdup("the picture is empty (0 bytes)");
		return false;
	}
	if (!media_book_safe(a->media)) {
		a->state = ASSET_UNUSABLE;
		a->problem = a->media == MEDIA_UNKNOWN ? xstrdup("the bytes are not a picture") :
		    xasprintf("the picture is %s, which e-readers do not all show",
		    media_type(a->media));
		return false;
	}
	return true;
}

/*
 * A cached picture's name is the hash of its bytes, so a render from a warm
 * cache hashed every picture again: on the text-heavy bench article (240
 * pictures) SHA-256 was 5% of the run, and a batch re-run hashes the whole
 * library.  The name is kept on the cache file itself, as an extended
 * attribute, with the size and modification time it was computed for: a
 * picture downloaded again is a new file (written by rename), without it,
 * and one changed in place no longer matches.  Where the file system keeps
 * no such attributes, the picture is hashed every time, as before.
 */
#define DIGEST_ATTR "user.opus-archive.sha256"

#ifdef KEEP_DIGESTS
static void
digest_stamp(const struct stat *st, const char *hex, char *out, size_t cap)
{
	snprintf(out, cap, "1 %jd %jd.%09ld %s", (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    st->st_mtim.tv_nsec, hex);
}
#endif

/* The 32 hex digits kept on fd for the file as st describes it, into hex; false when none fit. */
static bool
digest_kept(int fd, const struct stat *st, char *hex)
{
#ifdef KEEP_DIGESTS
	char have[128], want[128];
	ssize_t n = fgetxattr(fd, DIGEST_ATTR, have, sizeof have - 1);
	const char *sp;

	if (n <= 32)
		return false;
	have[n] = '\0';
	sp = strrchr(have, ' ');
	if (sp == NULL || strlen(sp + 1) != 32 || strspn(sp + 1, "0123456789abcdef") != 32)
		return false;
	digest_stamp(st, sp + 1, want, sizeof want);
	if (strcmp(have, want) != 0)
		return false;
	memcpy(hex, sp + 1, 33);
	return true;
#else
	(void)fd;
	(void)st;
	(void)hex;
	return false;
#endif
}

/* Keep hex on fd for the next run, when the file is still as st says (failures only cost that). */
static void
digest_keep(int fd, const struct stat *st, const char *hex)
{
#ifdef KEEP_DIGESTS
	struct stat now;
	char v[128];

	if (fstat(fd, &now) < 0 || now.st_size != st->st_size ||
	    now.st_mtim.tv_sec != st->st_mtim.tv_sec || now.st_mtim.tv_nsec != st->st_mtim.tv_nsec)
		return;
	digest_stamp(st, hex, v, sizeof v);
	(void)fsetxattr(fd, DIGEST_ATTR, v, strlen(v), 0);
#else
	(void)fd;
	(void)st;
	(void)hex;
#endif
}

/*
 * One pass over the file: its first 64 KB serve the sniffing, the pixel size
 * (a JPEG's markers are almost always in them) and the hash, and the rest is
 * hashed as it is read, unless the name is kept on the file (digest_kept).
 * The stdio version read the head, sought back and forth over the JPEG
 * markers (an lseek and a 4 KB read each) and then read everything again:
 * 12 system calls per cached picture, now 5 (4 and an fsetxattr the first
 * time).
 */
int
asset_settle(struct asset *a, const char *path, struct err *e)
{
	unsigned char chunk[65536], digest[32];
	char hex[65];
	struct hash h;
	struct stat st;
	ssize_t got;
	size_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		goto read_error;
	got = read_full(fd, chunk, sizeof chunk);
	if (got < 0)
		goto read_error;
	n = (size_t)got;
	free(a->path);
	a->path = xstrdup(path);
	a->data = NULL;
	if (!sniff_usable(a, chunk, n)) {
		close(fd);
		return 0;
	}
	read_dimensions(a, chunk, n, fd);
	if (digest_kept(fd, &st, hex)) {
		close(fd);
		a->size = (size_t)st.st_size;
		goto named;
	}
	hash_init(&h, HASH_SHA256);
	hash_update(&h, chunk, n);
	a->size = n;
	while (n == sizeof chunk) {
		got = read_full(fd, chunk, sizeof chunk);
		if (got < 0) {
			hash_release(&h);
			goto read_error;
		}
		n = (size_t)got;
		hash_update(&h, chunk, n);
		a->size += n;
	}
	if (hash_final(&h, digest, e) < 0) {
		close(fd);
		err_prefix(e, "'%s'", path);
		return -1;
	}
	hash_tohex(digest, sizeof digest, hex);
	/* 32 hex digits (128 bits) keep names short and collisions out of reach */
	hex[32] = '\0';
	if ((size_t)st.st_size == a->size)
		digest_keep(fd, &st, hex);
	close(fd);
named:
	free(a->href);
	a->href = xasprintf("images/%s.%s", hex, media_ext(a->media));
	a->state = ASSET_READY;
	return 0;
read_error:
	{
		int saved = errno;

		close(fd);
		return err_set(e, "cannot read '%s': %s", path, strerror(saved));
	}
}

/* The same steps as asset_settle, on bytes already in memory (read_dimensions never needs the fd). */
int
asset_settle_bytes(struct asset *a, const char *data, size_t len, struct err *e)
{
	const unsigned char *p = (const unsigned char *)data;
	unsigned char digest[32];
	char hex[65];

	free(a->path);
	a->path = NULL;
	a->data = data;
	if (!sniff_usable(a, p, len))
		return 0;
	read_dimensions(a, p, len, -1);
	if (hash_digest(HASH_SHA256, p, len, digest, e) < 0)
		return -1;
	hash_tohex(digest, sizeof digest, hex);
	hex[32] = '\0';
	a->size = len;
	free(a->href);
	a->href = xasprintf("images/%s.%s", hex, media_ext(a->media));
	a->state = ASSET_READY;
	return 0;
}
