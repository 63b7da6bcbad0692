#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "url.h"
#include "xalloc.h"

static int
set(struct input *in, enum input_kind kind, const char *id, size_t n)
{
	in->kind = kind;
	in->id = xstrndup(id, n);
	return 0;
}

/* Return the length of the run of digits at s (0 when none). */
static size_t
digits(const char *s)
{
	return strspn(s, "0123456789");
}

/* Does the digit run at s of length n end the path segment (end, '/', '?', '#')? */
static bool
ends_segment(const char *s, size_t n)
{
	return s[n] == '\0' || s[n] == '/' || s[n] == '?' || s[n] == '#';
}

int
input_id_valid(const char *s)
{
	size_t n = digits(s);

	return n > 0 && n <= 30 && s[n] == '\0';
}

int
input_parse(const char *arg, struct input *in, struct err *e)
{
	char *u = NULL, *host = NULL;
	const char *path;
	size_t n;
	int rc = -1;

	memset(in, 0, sizeof *in);
	n = digits(arg);
	if (n > 0 && arg[n] == '\0') {
		if (!input_id_valid(arg))
			return err_set(e, "'%s' is too long to be an opus id", arg);
		return set(in, INPUT_OPUS, arg, n);
	}
	if ((arg[0] == 'c' || arg[0] == 'C') && (arg[1] == 'v' || arg[1] == 'V') &&
	    (n = digits(arg + 2)) > 0 && n <= 30 && arg[2 + n] == '\0')
		return set(in, INPUT_CV, arg + 2, n);
	if ((arg[0] == 'r' || arg[0] == 'R') && (arg[1] == 'l' || arg[1] == 'L') &&
	    (n = digits(arg + 2)) > 0 && n <= 20 && arg[2 + n] == '\0')
		return set(in, INPUT_READLIST, arg + 2, n);
	u = url_link(arg);
	if (u == NULL)
		goto bad;
	host = url_host(u);
	path = u + strlen("https://") + strcspn(u + strlen("https://"), "/?#");
	if (host == NULL)
		goto bad;
	if (strcmp(host, "www.bilibili.com") == 0 || strcmp(host, "m.bilibili.com") == 0 ||
	    strcmp(host, "bilibili.com") == 0) {
		if (strncmp(path, "/opus/", 6) == 0 && (n = digits(path + 6)) > 0 &&
		    n <= 30 && ends_segment(path + 6, n)) {
			rc = set(in, INPUT_OPUS, path + 6, n);
		} else if (strncmp(path, "/read/cv", 8) == 0 && (n = digits(path + 8)) > 0 &&
		    n <= 30 && ends_segment(path + 8, n)) {
			rc = set(in, INPUT_CV, path + 8, n);
		} else if (strncmp(path, "/read/mobile/", 13) == 0 && (n = digits(path + 13)) > 0 &&
		    n <= 30 && ends_segment(path + 13, n)) {
			rc = set(in, INPUT_CV, path + 13, n);
		} else if (strncmp(path, "/read/readlist/rl", 17) == 0 &&
		    (n = digits(path + 17)) > 0 && n <= 20 && ends_segment(path + 17, n)) {
			rc = set(in, INPUT_READLIST, path + 17, n);
		}
	} else if (strcmp(host, "t.bilibili.com") == 0) {
		if (path[0] == '/' && (n = digits(path + 1)) > 0 && n <= 30 && ends_segment(path + 1, n))
			rc = set(in, INPUT_OPUS, path + 1, n);
	} else if (strcmp(host, "b23.tv") == 0) {
		size_t code = strcspn(path + (path[0] == '/'), "/?#");

		if (path[0] == '/' && code > 0) {
			in->kind = INPUT_SHORT;
			/* only the short code matters: no query string is passed on */
			in->url = xasprintf("https://b23.tv/%.*s", (int)code, path + 1);
			rc = 0;
		}
	}
	if (rc == 0)
		goto out;
bad:
	err_set(e, "'%s' is not an opus id, a cv or rl number, or a Bilibili opus, read, readlist or b23.tv URL", arg);
	rc = -1;
out:
	free(u);
	free(host);
	return rc;
}

void
input_release(struct input *in)
{
	free(in->id);
	free(in->url);
	memset(in, 0, sizeof *in);
}
