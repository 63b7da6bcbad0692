#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "xalloc.h"

int
file_read(const char *path, size_t max, char **out, size_t *len, struct err *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	const char *name = strcmp(path, "-") == 0 ? "standard input" : path;
	char chunk[65536];
	struct buf b;
	size_t got;
	int rc = 0;

	*out = NULL;
	*len = 0;
	if (f == NULL)
		return err_set(e, "cannot open '%s': %s", name, strerror(errno));
	if (f != stdin) {
		struct stat st;

		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			fclose(f);
			return err_set(e, "'%s' is a directory", name);
		}
	}
	buf_init(&b, max);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(&b, chunk, got) < 0) {
			rc = err_set(e, "'%s' is larger than %zu bytes", name, max);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_set(e, "cannot read '%s': %s", name, strerror(errno));
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		buf_release(&b);
		return rc;
	}
	*out = buf_detach(&b, len);
	return 0;
}

int
file_mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = err_set(e, "cannot create directory '%s': %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (rc == 0 && !file_is_dir(dir))
		rc = err_set(e, "'%s' exists and is not a directory", dir);
	free(p);
	return rc;
}

/* Paths of temporary files in flight; a small fixed list is enough (one job at a time writes). */
#define MAX_TEMPS 256
static char *temps[MAX_TEMPS];

void
file_temp_register(const char *path)
{
	for (size_t i = 0; i < MAX_TEMPS; i++) {
		if (temps[i] == NULL) {
			temps[i] = xstrdup(path);
			return;
		}
	}
}

void
file_temp_forget(const char *path)
{
	for (size_t i = 0; i < MAX_TEMPS; i++) {
		if (temps[i] && strcmp(temps[i], path) == 0) {
			free(temps[i]);
			temps[i] = NULL;
			return;
		}
	}
}

void
file_cleanup_temps(void)
{
	/* async-signal-safe: unlink only */
	for (size_t i = 0; i < MAX_TEMPS; i++)
		if (temps[i])
			unlink(temps[i]);
}

int
file_temp_open(const char *path, char **tmp, struct err *e)
{
	char *dir = file_dirname(path);
	int fd;

	file_sweep_temps(dir);
	free(dir);
	*tmp = file_temp_name(path, "XXXXXX");
	fd = mkstemp(*tmp);
	if (fd < 0) {
		err_set(e, "cannot create a temporary file for '%s': %s", path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	/* mkstemp makes 0600; a book should get the usual permissions */
	{
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	file_temp_register(*tmp);
	return fd;
}

int
file_temp_commit(int fd, char *tmp, const char *path, int rc, struct err *e)
{
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = err_set(e, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	if (rc < 0)
		unlink(tmp);
	file_temp_forget(tmp);
	free(tmp);
	return rc;
}

int
file_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
file_write_atomic(const char *path, const void *p, size_t n, bool mkdirs, struct err *e)
{
	char *tmp;
	int fd, rc = 0;

	if (mkdirs) {
		char *dir = file_dirname(path);

		rc = file_mkdirs(dir, e);
		free(dir);
		if (rc < 0)
			return rc;
	}
	fd = file_temp_open(path, &tmp, e);
	if (fd < 0)
		return -1;
	if (file_write_all(fd, p, n) < 0)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	return file_temp_commit(fd, tmp, path, rc, e);
}

int
file_copy_atomic(const char *src, const char *dst, struct err *e)
{
	char chunk[65536], *tmp;
	int in, fd, rc = 0;
	ssize_t got;

	in = open(src, O_RDONLY);
	if (in < 0)
		return err_set(e, "cannot open '%s': %s", src, strerror(errno));
	fd = file_temp_open(dst, &tmp, e);
	if (fd < 0) {
		close(in);
		return -1;
	}
	while ((got = read(in, chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(e, "cannot read '%s': %s", src, strerror(errno));
			break;
		}
		if (file_write_all(fd, chunk, (size_t)got) < 0) {
			rc = err_set(e, "cannot write '%s': %s", dst, strerror(errno));
			break;
		}
	}
	close(in);
	return file_temp_commit(fd, tmp, dst, rc, e);
}

char *
file_temp_name(const char *path, const char *tag)
{
	char *dir = file_dirname(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *t = xasprintf("%s/.%s.tmp-%ld-%s", dir, base, (long)getpid(), tag);

	free(dir);
	return t;
}

/* Is s exactly six characters mkstemp() could have made? */
static bool
mkstemp_suffix(const char *s)
{
	size_t n = 0;

	while (n < 7 && (isalnum((unsigned char)s[n])))
		n++;
	return n == 6 && s[6] == '\0';
}

/*
 * Return the process id in a temporary name made here, or 0 for any other
 * name (a user's own ".x.tmp-1-y" is left alone): ".NAME.tmp-PID-" then
 * mkstemp's six characters, or "site", or "zip" with or without libzip's own
 * ".XXXXXX".
 */
static long
temp_owner(const char *name)
{
	const char *p = name, *t;
	long pid = 0;

	if (name[0] != '.')
		return 0;
	/* the last ".tmp-" (NAME itself may hold one) */
	for (t = NULL; (p = strstr(p, ".tmp-")) != NULL; p++)
		t = p;
	if (t == NULL)
		return 0;
	for (t += 5; *t >= '0' && *t <= '9' && pid < 100000000; t++)
		pid = pid * 10 + (*t - '0');
	if (*t++ != '-')
		return 0;
	if (mkstemp_suffix(t) || strcmp(t, "site") == 0 || strcmp(t, "zip") == 0 ||
	    (strncmp(t, "zip.", 4) == 0 && mkstemp_suffix(t + 4)))
		return pid;
	return 0;
}

/* Remove what dead runs left in dir. */
static void
sweep_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		long pid = temp_owner(de->d_name);

		/* a live owner (or one we may not signal) is still writing it */
		if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		{
			char *path = file_join(dir, de->d_name);

			unlink(path);
			free(path);
		}
	}
	closedir(d);
}

/*
 * The directories swept in this process: each is swept once, the first time
 * something is written there, so a directory a run only reads (a cache it
 * renders from) is never listed.  Kept for the life of the process (the
 * program is single-threaded).
 */
static char **swept;
static size_t nswept;

void
file_sweep_temps(const char *dir)
{
	for (size_t i = 0; i < nswept; i++)
		if (strcmp(swept[i], dir) == 0)
			return;
	sweep_dir(dir);
	swept = xreallocarray(swept, nswept + 1, sizeof *swept);
	swept[nswept++] = xstrdup(dir);
}

bool
file_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *
file_join(const char *dir, const char *name)
{
	if (dir == NULL || *dir == '\0')
		return xstrdup(name);
	if (dir[strlen(dir) - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

char *
file_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}
