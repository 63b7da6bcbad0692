#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static enum log_level level = LOG_NORMAL;
static unsigned nwarnings;

void
log_set_level(enum log_level l)
{
	level = l;
}

enum log_level
log_get_level(void)
{
	return level;
}

static void
emit(const char *tag, const char *fmt, va_list ap)
{
	/* One fprintf per line so lines from different articles do not mix. */
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "opus-archive: %s%s\n", tag, line);
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
