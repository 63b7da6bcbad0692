/*
 * Unit tests for md.c: YAML scalars that keep every character, none taken as
 * syntax; md_relink, which points a document's links at documents written
 * after it and touches nothing else.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "links.h"
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

static void
relink_case(const struct links *l, const char *in, const char *want, const char *name)
{
	char *out = NULL;
	size_t n = 0;
	int rc = md_relink(in, strlen(in), l, "self.md", &out, &n);

	if (want == NULL)
		ok(rc == 0 && out == NULL, "relink: %s (unchanged)", name);
	else
		is_str(rc == 1 && out && n == strlen(out) ? out : "(unchanged)", want, "relink: %s", name);
	free(out);
}

static void
relink_cases(void)
{
	struct links l;

	links_init(&l);
	links_add_article(&l, "1234567890123456789", "77", "later.md");
	links_add_article(&l, "1111111111111111111", NULL, "self.md");
	relink_case(&l, "---\ntitle: \"x\"\n---\n\nsee [the next](https://www.bilibili.com/opus/1234567890123456789) now\n",
	    "---\ntitle: \"x\"\n---\n\nsee [the next](later.md) now\n", "an opus link");
	relink_case(&l, "> [专栏](https://www.bilibili.com/read/cv77?from=x) and [web](https://example.com/)\n",
	    "> [专栏](later.md) and [web](https://example.com/)\n", "a cv link in a quote; another site's stays");
	relink_case(&l, "[me](https://www.bilibili.com/opus/1111111111111111111)\n", NULL, "a link to itself stays");
	relink_case(&l, "[https://www.bilibili.com/opus/1234567890123456789](https://www.bilibili.com/opus/1234567890123456789)\n",
	    NULL, "an address written as its own text stays (the writer's words)");
	relink_case(&l, "```\n[x](https://www.bilibili.com/opus/1234567890123456789)\n```\n", NULL, "code is not read");
	relink_case(&l, "> ````sh\n> ```\n> [x](https://www.bilibili.com/opus/1234567890123456789)\n> ````\n[y](https://www.bilibili.com/opus/1234567890123456789)\n",
	    "> ````sh\n> ```\n> [x](https://www.bilibili.com/opus/1234567890123456789)\n> ````\n[y](later.md)\n",
	    "a longer fence in a quote holds a shorter one; after it, links are read");
	relink_case(&l, "---\nsource: \"[a](https://www.bilibili.com/opus/1234567890123456789)\"\n---\n", NULL,
	    "the front matter is not read");
	relink_case(&l, "\\[a\\](https://www.bilibili.com/opus/1234567890123456789)\n", NULL,
	    "escaped brackets are text, not a link");
	relink_case(&l, "[a \\] b](https://www.bilibili.com/opus/1234567890123456789 \\(x\\))\n", NULL,
	    "a destination the map does not know stays");
	relink_case(&l, "![pic](images/a.jpg) [a](https://www.bilibili.com/opus/1234567890123456789)",
	    "![pic](images/a.jpg) [a](later.md)", "a picture stays; no newline at the end");
	links_release(&l);
}

int
main(void)
{
	relink_cases();
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
