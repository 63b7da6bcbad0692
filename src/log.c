#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "log.h"

static enum log_level level = LOG_NORMAL;
static unsigned nwarnings;

void
log_set_level(enum log_level l)
{
	level = l;
}

/* A progress line (no newline yet) is on the terminal. */
static bool progress_shown;

static void
emit(const char *tag, const char *fmt, va_list ap)
{
	/* One fprintf per line so lines from different articles do not mix. */
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	if (progress_shown) {
		/* the message takes the progress line's place; the next update redraws it */
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
	fprintf(stderr, "opus-archive: %s%s\n", tag, line);
}

void
log_progress(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	progress_shown = true;
}

void
log_progress_keep(void)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_shown = false;
	}
}

void
log_progress_end(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		progress_shown = false;
	}
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	nwarnings++;
	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void
log_status(const char *fmt, ...)
{
	va_list ap;

	if (level < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

unsigned
log_warnings(void)
{
	return nwarnings;
}
