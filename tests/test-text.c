/* Unit tests for text.c: UTF-8 repair, XML-forbidden characters, entities. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "text.h"

static void
clean_case(const char *in, size_t n, const char *want, int want_bad, const char *name)
{
	bool bad = false;
	char *got = text_clean(in, n, &bad);

	is_str(got, want, "clean: %s", name);
	ok(bad == (want_bad != 0), "clean: %s: invalid-UTF-8 flag is %d", name, want_bad);
	free(got);
}

static void
entity_case(const char *in, const char *want)
{
	char *got = text_decode_entities(in);

	is_str(got, want, "entities: '%s'", in);
	free(got);
}

int
main(void)
{
	/* clean */
	clean_case("plain 中文 text", strlen("plain 中文 text"), "plain 中文 text", 0, "valid UTF-8 kept");
	clean_case("a\0b", 3, "ab", 0, "NUL dropped");
	clean_case("x\x01\x02\x1f\x7fy", 6, "xy", 0, "C0 controls and DEL dropped");
	clean_case("tab\tnl\n", 7, "tab\tnl\n", 0, "tab and newline kept");
	clean_case("a\r\nb\rc", 6, "a\nb\nc", 0, "CR LF and CR become LF");
	clean_case("bad\xff", 4, "bad\xEF\xBF\xBD", 1, "stray byte becomes U+FFFD");
	clean_case("\xC0\xAF", 2, "\xEF\xBF\xBD", 1, "overlong slash rejected");
	clean_case("\xED\xA0\x80", 3, "\xEF\xBF\xBD", 1, "encoded surrogate rejected");
	clean_case("\xE4\xB8", 2, "\xEF\xBF\xBD", 1, "truncated sequence at the end");
	clean_case("\xEF\xBF\xBE\xEF\xBF\xBF", 6, "", 0, "U+FFFE and U+FFFF dropped");
	clean_case("\xC2\x85x", 3, "x", 0, "C1 control dropped");
	clean_case("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80", 0, "4-byte emoji kept");
	clean_case("\xF4\x90\x80\x80", 4, "\xEF\xBF\xBD", 1, "beyond U+10FFFF rejected");

	/* entities */
	entity_case("&quot;language&quot;: &quot;python&quot;", "\"language\": \"python\"");
	entity_case("a &amp;&amp; b &gt; c &lt; d", "a && b > c < d");
	entity_case("&#34;x&#39; &#x22;y&#X27;", "\"x' \"y'");
	entity_case("&nbsp;", "\xC2\xA0");
	entity_case("&unknown; & alone &amp", "&unknown; & alone &amp");
	entity_case("&#0; &#xD800; &#1114112;", "\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD");
	entity_case("&#99999999999999999999;", "\xEF\xBF\xBD");
	entity_case("&amp;quot;", "&quot;");        /* decoded once, not twice */
	entity_case("", "");
	entity_case("&&&amp;&&", "&&&&&");
	/* every HTML 4 name (libxml2's table), not only the common ones */
	entity_case("&hearts;&Alpha;&thetasym;&apos;", "\xE2\x99\xA5\xCE\x91\xCF\x91'");
	entity_case("&Hearts;&heartsx;", "&Hearts;&heartsx;");
	/* one UTF-8 decoder: lengths of what starts a string */
	ok(text_utf8_len("a") == 1 && text_utf8_len("\xC3\xA9") == 2 &&
	    text_utf8_len("\xE4\xB8\xAD") == 3 && text_utf8_len("\xF0\x9F\x98\x80") == 4,
	    "utf8_len: one to four bytes");
	ok(text_utf8_len("\xC3") == 1 && text_utf8_len("\xE4\xB8") == 1 &&
	    text_utf8_len("\xC0\x80") == 1 && text_utf8_len("\xED\xA0\x80") == 1 &&
	    text_utf8_len("") == 0, "utf8_len: cut, overlong and surrogate sequences are one byte");
	/* a ';' farther than any reference can be long ends nothing */
	entity_case("&#0000000000000000000000000000000000000000034;", "&#0000000000000000000000000000000000000000034;");
	entity_case("&#00000000000000000000000000034;", "\"");

	ok(text_is_blank(" \t\n"), "blank: white space");
	ok(!text_is_blank(" x "), "blank: text");
	return done_testing();
}
