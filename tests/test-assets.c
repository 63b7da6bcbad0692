/* Unit tests for assets.c: sniffing, naming by content, the table. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
#include "tap.h"
#include "xalloc.h"

static const unsigned char png[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
	0, 0, 0x01, 0x2c, 0, 0, 0, 0xc8, 8, 2, 0, 0, 0,
};

static char *
write_tmp(const void *p, size_t n)
{
	char *path = xstrdup("/tmp/oa-test-asset-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n) {
		perror("write");
		exit(1);
	}
	close(fd);
	return path;
}

/*
 * The name settled is kept on the file (an extended attribute with the
 * file's size and time) and read back instead of hashing again; a file
 * changed since is hashed again.  Skipped where /tmp keeps no such attributes.
 */
static void
kept_names(struct asset *a, const char *path)
{
#ifdef KEEP_DIGESTS
	static const char attr[] = "user.opus-archive.sha256";
	static const char forged[] = "00000000000000000000000000000abc";
	char v[128], *sp;
	ssize_t n = getxattr(path, attr, v, sizeof v - 1);
	struct timespec times[2] = { { 0, UTIME_OMIT }, { 1000000000, 5 } };
	struct err e;
	int fd, rc;

	if (n < 0 && (errno == ENOTSUP || errno == EPERM)) {
		skip("kept names", "/tmp keeps no user extended attributes");
		return;
	}
	v[n > 0 ? n : 0] = '\0';
	ok(n > 0 && strncmp(v, "1 29 ", 5) == 0 && strstr(v, " 1f07493f4457338c16961298dfa57641"),
	    "the name is kept on the file with its size and time: '%s'", v);
	/* a kept name that fits the file is believed: a forged one shows it is read */
	sp = strrchr(v, ' ');
	if (sp == NULL) {
		ok(0, "kept name has a stamp");
		return;
	}
	strcpy(sp + 1, forged);
	setxattr(path, attr, v, strlen(v), 0);
	err_init(&e);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && strcmp(a->href, "images/00000000000000000000000000000abc.png") == 0,
	    "a name kept for this size and time is used, not hashed again: %s", a->href);
	/* the same size, new bytes and a new time: hashed again, and kept anew */
	fd = open(path, O_WRONLY);
	if (fd < 0 || pwrite(fd, "\x01", 1, 28) != 1 || futimens(fd, times) < 0) {
		ok(0, "rewrite the picture: %s", strerror(errno));
		return;
	}
	close(fd);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && strcmp(a->href, "images/00000000000000000000000000000abc.png") != 0 &&
	    a->size == 29, "a file changed since is hashed again: %s", a->href);
	n = getxattr(path, attr, v, sizeof v - 1);
	v[n > 0 ? n : 0] = '\0';
	sp = strrchr(v, ' ');
	ok(n > 0 && strncmp(v, "1 29 1000000000.000000005 ", 26) == 0 && sp &&
	    strncmp(sp + 1, a->href + 7, 32) == 0, "and its new name is kept: '%s'", v);
#else
	(void)a;
	(void)path;
	skip("kept names", "no extended attributes on this system");
#endif
}

int
main(void)
{
	struct assets t;
	struct asset *a, *b;
	struct err e;
	char *path;
	int rc;

	ok(media_sniff(png, sizeof png) == MEDIA_PNG, "PNG");
	ok(media_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4) == MEDIA_JPEG, "JPEG");
	ok(media_sniff((const unsigned char *)"GIF89a", 6) == MEDIA_GIF, "GIF");
	ok(media_sniff((const unsigned char *)"RIFF\0\0\0\0WEBPVP8 ", 16) == MEDIA_WEBP, "WebP");
	ok(media_sniff((const unsigned char *)"\0\0\0\x1c" "ftypavif", 12) == MEDIA_AVIF, "AVIF");
	ok(media_sniff((const unsigned char *)"  <?xml?><svg>", 14) == MEDIA_SVG, "SVG");
	ok(media_sniff((const unsigned char *)"<html>", 6) == MEDIA_UNKNOWN, "HTML is no picture");
	ok(media_sniff((const unsigned char *)"", 0) == MEDIA_UNKNOWN, "nothing is no picture");
	ok(media_book_safe(MEDIA_GIF) && !media_book_safe(MEDIA_WEBP) && !media_book_safe(MEDIA_SVG),
	    "only JPEG, PNG and GIF go into books");

	assets_init(&t);
	a = assets_add(&t, "http://i0.hdslb.com/bfs/x.png@1192w.webp");
	b = assets_add(&t, "https://i0.hdslb.com/bfs/x.png");
	ok(a != NULL && a == b && t.n == 1, "one picture under two URL forms");
	ok(assets_add(&t, "javascript:alert(1)") == NULL, "a non-web URL is no picture");
	for (int i = 0; i < 500; i++) {
		char u[64];

		snprintf(u, sizeof u, "https://i0.hdslb.com/p/%d.png", i);
		assets_add(&t, u);
	}
	ok(t.n == 501 && assets_find(&t, "//i0.hdslb.com/p/499.png@100w") != NULL &&
	    assets_find(&t, "https://i0.hdslb.com/p/500.png") == NULL, "table grows and finds");

	a = assets_add(&t, "https://i0.hdslb.com/bfs/x.png");
	path = write_tmp(png, sizeof png);
	err_init(&e);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && a->state == ASSET_READY, "a PNG is ready");
	ok(a->width == 300 && a->height == 200, "PNG size read from the header (%dx%d)", a->width, a->height);
	ok(a->href && strncmp(a->href, "images/", 7) == 0 && strlen(a->href) == 7 + 32 + 4 &&
	    strcmp(a->href + strlen(a->href) - 4, ".png") == 0, "named by content: %s", a->href);
	/* the first 32 hex digits of the bytes' SHA-256, as books and caches have always named it */
	is_str(a->href, "images/1f07493f4457338c16961298dfa57641.png", "the name is the SHA-256 of the bytes");
	kept_names(a, path);
	unlink(path);
	free(path);

	path = write_tmp("RIFF\0\0\0\0WEBPVP8 ", 16);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && a->state == ASSET_UNUSABLE && strstr(a->problem, "image/webp"),
	    "WebP bytes behind a .png URL are refused: %s", a->problem);
	unlink(path);
	free(path);
	path = write_tmp("", 0);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && a->state == ASSET_UNUSABLE && strstr(a->problem, "empty"),
	    "an empty file is refused: %s", a->problem);
	unlink(path);
	free(path);
	path = write_tmp("<html>nope</html>", 17);
	rc = asset_settle(a, path, &e);
	ok(rc == 0 && a->state == ASSET_UNUSABLE && strstr(a->problem, "not a picture"),
	    "HTML is refused: %s", a->problem);
	unlink(path);
	free(path);
	ok(asset_settle(a, "/nonexistent/x", &e) < 0 && strstr(e.msg, "/nonexistent/x"), "unreadable file is an error");
	assets_release(&t);
	return done_testing();
}
