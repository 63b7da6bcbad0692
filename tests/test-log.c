/*
 * Unit tests for log.c: a message is one line of harmless text (controls
 * shown as '?', a character cut by the line's size limit dropped, not left
 * half), and warnings are counted even when -q keeps them off the screen.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tap.h"

/* Where stderr goes while a case runs: the build tree, removed at the end. */
#define ERR_FILE "test-log.stderr"

/* Return what log_warn("%s", msg) wrote on stderr (static storage). */
static const char *
warned(const char *msg)
{
	static char got[4096];
	size_t n;
	FILE *f;

	if (freopen(ERR_FILE, "w", stderr) == NULL)
		return "(cannot redirect stderr)";
	log_warn("%s", msg);
	fflush(stderr);
	f = fopen(ERR_FILE, "r");
	if (f == NULL)
		return "(cannot read stderr back)";
	n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
	return got;
}

static void
line_case(const char *msg, const char *want_line, const char *name)
{
	char want[4096];

	snprintf(want, sizeof want, "opus-archive: warning: %s\n", want_line);
	is_str(warned(msg), want, "%s", name);
}

int
main(void)
{
	char long_msg[2100], long_want[2100];
	unsigned before;

	line_case("plain 中文", "plain 中文", "text as it is");
	line_case("a\nb\tc\x1b[31m\r", "a?b c?[31m?", "line feed, escape, CR become '?', a tab a space");
	line_case("x\xc2\x85y\xe2\x80\xa8z", "x?y?z", "NEL and LINE SEPARATOR become '?'");
	line_case("x\xc3\xa9", "x\xc3\xa9", "a whole character at the end kept");
	line_case("x\xc3", "x", "a lone lead byte at the end dropped");
	line_case("x\xe4\xb8", "x", "a sequence short of its end dropped");
	line_case("x\x80", "x\x80", "a stray continuation byte at the end kept");
	line_case("x\xc0\x80", "x", "an overlong form at the end, no whole character, dropped");

	/* 2045 bytes and a 3-byte character: the 2047 the line holds cut it */
	memset(long_msg, 'a', 2045);
	memcpy(long_msg + 2045, "中", sizeof "中");
	memcpy(long_want, long_msg, 2045);
	long_want[2045] = '\0';
	line_case(long_msg, long_want, "a character cut by the size limit dropped");
	long_msg[2044] = '\0';
	strcat(long_msg, "中");
	line_case(long_msg, long_msg, "one that just fits kept");

	before = log_warnings();
	log_set_level(LOG_QUIET);
	ok(*warned("quiet") == '\0' && log_warnings() == before + 1, "with -q a warning is counted, not shown");
	remove(ERR_FILE);
	return done_testing();
}
