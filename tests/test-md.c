/* Unit tests for md.c: YAML scalars that keep every character, none taken as syntax. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md.h"
#include "tap.h"

static void
yaml_case(const char *in, const char *want, const char *name)
{
	struct buf b;

	buf_init(&b, 0);
	md_yaml_string(&b, in);
	is_str(buf_str(&b), want, "yaml: %s", name);
	buf_release(&b);
}

int
main(void)
{
	yaml_case("plain 中文", "\"plain 中文\"", "text as it is");
	yaml_case("a \"q\" \\ b", "\"a \\\"q\\\" \\\\ b\"", "quote and backslash escaped");
	yaml_case("x\n---\nmalicious: yaml", "\"x\\n---\\nmalicious: yaml\"", "line feeds escaped: no document end");
	yaml_case("t\tr\r", "\"t\\tr\\r\"", "tab and carriage return");
	yaml_case("\x01\x1f\x7f", "\"\\x01\\x1F\\x7F\"", "C0 controls and DEL");
	yaml_case("\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9", "\"\\N|\\L|\\P\"",
	    "NEL, LINE and PARAGRAPH SEPARATOR (YAML line breaks)");
	yaml_case("\xc2\x80\xc2\x9f", "\"\\u0080\\u009F\"", "C1 controls");
	yaml_case("\xef\xbb\xbf", "\"\\uFEFF\"", "a byte order mark");
	yaml_case("'#: & * ! | > % @ `", "\"'#: & * ! | > % @ `\"", "indicators are plain inside quotes");
	yaml_case(NULL, "\"\"", "NULL is the empty string");
	/*
	 * The model holds valid UTF-8 only; a stray byte that gets here anyway
	 * stands for the character of its value, so one in C1's range is still
	 * escaped and none is dropped.
	 */
	yaml_case("\x85|\x9f|\xff|\xc3|\xe4\xb8", "\"\\N|\\u009F|\xff|\xc3|\xe4\xb8\"",
	    "invalid bytes, each the character of its value");
	return done_testing();
}
