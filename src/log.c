#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "text.h"

static enum log_level level = LOG_NORMAL;
static unsigned nwarnings;

void
log_set_level(enum log_level l)
{
	level = l;
}

/* A progress line (no newline yet) is on the terminal. */
static bool progress_shown;

/*
 * Make line one line of harmless text, in place: messages quote the
 * response's own words (titles, type names, the API's messages), and a
 * newline or an escape sequence in them would start a line of its own (one
 * that could pass for "opus-archive: error: ...") or drive the terminal.
 * Control characters become '?' (a tab a space); a character left unfinished
 * at the line's end (cut by its size limit) is dropped.
 */
static void
one_line(char *line)
{
	size_t k;
	char *w = line;

	/*
	 * C0 and C1 controls and U+2028/U+2029 (which editors and most line
	 * readers take for line ends) become '?'.
	 */
	for (const unsigned char *p = (const unsigned char *)line; *p; ) {
		if (*p == '\t') {
			*w++ = ' ';
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			*w++ = '?';
			p++;
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			*w++ = '?';
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			*w++ = '?';
			p += 3;
		} else {
			*w++ = (char)*p++;
		}
	}
	*w = '\0';
	k = (size_t)(w - line);
	/*
	 * Back to the start of the last sequence, and drop it when it is no
	 * whole character (text_utf8_len() takes such a lead byte alone).
	 */
	while (k > 0 && ((unsigned char)line[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && (unsigned char)line[k - 1] >= 0xc0 && text_utf8_len(line + k - 1) == 1)
		line[k - 1] = '\0';
}

static void
emit(const char *tag, const char *fmt, va_list ap)
{
	/* One fprintf per line so lines from different articles do not mix. */
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	one_line(line);
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
	one_line(line);
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
