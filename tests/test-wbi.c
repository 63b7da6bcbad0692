/* WBI signing against spec §1.5's worked example (MD5's vectors are in test-hash.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "../src/wbi.h"
#include "tap.h"

int
main(void)
{
	char mixin[33];
	char *img, *sub, *q;
	struct err e;

	err_init(&e);
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

		q = wbi_sign(names, values, 3, "ea1db124af3c7062474693fa704f4ff8", 1702204169, &e);
		is_str(q, "bar=514&foo=114&wts=1702204169&zab=1919810&w_rid=8f6f2b5b3d485fe1886cec6a0be8c5d4",
		    "the worked example of spec §1.5: sorted, with wts and w_rid");
		free(q);
	}
	{
		const char *names[] = { "q" };
		const char *values[] = { "a b!'()*/中" };

		q = wbi_sign(names, values, 1, "ea1db124af3c7062474693fa704f4ff8", 1, &e);
		ok(q != NULL && strncmp(q, "q=a%20b%2F%E4%B8%AD&wts=1&w_rid=", 32) == 0,
		    "values: !'()* dropped, the rest encoded like encodeURIComponent (%s)", q);
		free(q);
	}
	free(img);
	free(sub);
	return done_testing();
}
