/* MD5 against RFC 1321's vectors, and WBI signing against spec §1.5's worked example. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../src/md5.h"
#include "../src/wbi.h"
#include "tap.h"

static const char *
md5_of(const char *s)
{
	static char hex[33];

	md5_hex(s, strlen(s), hex);
	return hex;
}

int
main(void)
{
	char mixin[33];
	char *img, *sub, *q;
	char long_input[1000];

	is_str(md5_of(""), "d41d8cd98f00b204e9800998ecf8427e", "md5 of the empty string");
	is_str(md5_of("abc"), "900150983cd24fb0d6963f7d28e17f72", "md5 of abc");
	is_str(md5_of("message digest"), "f96b697d7cb7938d525a2f31aaf161d0", "md5 of 'message digest'");
	is_str(md5_of("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
	    "57edf4a22be3c955ac49da2e2107b67a", "md5 of 80 digits (two blocks of padding)");
	memset(long_input, 'a', sizeof long_input - 1);
	long_input[sizeof long_input - 1] = '\0';
	is_str(md5_of(long_input), "fbd112987e18dd5863ce1b5428f2a87c",
	    "md5 of 999 'a' (many blocks)");

	img = wbi_key_from_url("https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png");
	sub = wbi_key_from_url("https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png");
	is_str(img, "7cd084941338484aae1ad9425b84077c", "img_key from its URL");
	ok(wbi_key_from_url("https://x/bfs/wbi/../evil.png") == NULL, "a key that is not hex is refused");
	ok(wbi_key_from_url("nothing") == NULL, "no URL, no key");
	ok(wbi_mixin(img, sub, mixin) == 0, "a mixin key from the two");
	is_str(mixin, "ea1db124af3c7062474693fa704f4ff8", "the mixin key of spec §1.5's check value");
	ok(wbi_mixin("short", sub, mixin) < 0, "keys of the wrong length make no mixin key");
	{
		const char *names[] = { "foo", "bar", "zab" };
		const char *values[] = { "114", "514", "1919810" };

		q = wbi_sign(names, values, 3, "ea1db124af3c7062474693fa704f4ff8", 1702204169);
		is_str(q, "bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=8f6f2b5b3d485fe1886cec6a0be8c5d4",
		    "the worked example of spec §1.5: sorted, with wts and w_rid");
		free(q);
	}
	{
		const char *names[] = { "q" };
		const char *values[] = { "a b!'()*/中" };

		q = wbi_sign(names, values, 1, "ea1db124af3c7062474693fa704f4ff8", 1);
		ok(strncmp(q, "q=a%20b%2F%E4%B8%AD&wts=1&w_rid=", 32) == 0,
		    "values: !'()* dropped, the rest encoded like encodeURIComponent (%s)", q);
		free(q);
	}
	free(img);
	free(sub);
	return done_testing();
}
