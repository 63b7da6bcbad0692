#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "rate.h"
#include "xalloc.h"

/* A stored time further ahead than this is a clock that jumped: start again from now. */
#define RATE_MAX_AHEAD 120.0

static double
wall_s(void)
{
	struct timespec ts;

	/* wall-clock time: the one clock that processes on one host share */
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
rate_init(struct rate *r, const char *cache_dir, double per_second)
{
	memset(r, 0, sizeof *r);
	r->path = xasprintf("%s/rate/api-%s", cache_dir, file_host_name());
	r->interval = 1.0 / per_second;
	r->fd = -1;
}

void
rate_release(struct rate *r)
{
	if (r->fd >= 0)
		close(r->fd);   /* drops the lock too, were it held */
	free(r->path);
	r->path = NULL;
	r->fd = -1;
}

/* Give up on the file: from now on this process paces itself (rate_take() again). */
static void
fall_back(struct rate *r, const char *what)
{
	log_warn("the API rate cannot be shared with other runs (%s '%s': %s); this run "
	    "keeps to --rate alone", what, r->path, strerror(errno));
	r->broken = true;
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

double
rate_take(struct rate *r)
{
	char text[64];
	double now, next = 0, wait = 0;
	ssize_t got;
	int len;

	if (r->broken) {
		now = wall_s();
		if (r->next_local > now)
			return r->next_local - now;
		r->next_local = now + r->interval;
		return 0;
	}
	if (r->fd < 0) {
		char *dir = file_dirname(r->path);
		struct err e;

		err_init(&e);
		if (file_mkdirs(dir, &e) < 0) {
			free(dir);
			fall_back(r, "cannot create the directory of");
			return rate_take(r);
		}
		free(dir);
		r->fd = open(r->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (r->fd < 0) {
			fall_back(r, "cannot open");
			return rate_take(r);
		}
	}
	if (file_lock(r->fd, true) < 0) {
		fall_back(r, "cannot lock");
		return rate_take(r);
	}
	got = pread(r->fd, text, sizeof text - 1, 0);
	if (got > 0) {
		char *end;

		text[got] = '\0';
		next = strtod(text, &end);
		if (end == text || !(next >= 0))
			next = 0;       /* not ours, or torn by a crash: no turn is owed */
	}
	now = wall_s();
	if (next > now + RATE_MAX_AHEAD)
		next = 0;
	if (next > now) {
		wait = next - now;
	} else {
		len = snprintf(text, sizeof text, "%.6f\n", now + r->interval);
		/* the same length every time (until the year 2286): no shorter rest to cut */
		if (pwrite(r->fd, text, (size_t)len, 0) != len || ftruncate(r->fd, len) < 0) {
			file_lock(r->fd, false);
			fall_back(r, "cannot write");
			r->next_local = now + r->interval;
			return 0;
		}
	}
	file_lock(r->fd, false);
	return wait;
}
