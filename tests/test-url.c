/*
 * Unit tests for url.c: links made absolute https, unsafe schemes refused,
 * picture keys; and the URLs the API client builds from the API's own values.
 */
#include "config.h"

#include <stdlib.h>

#include "api.h"
#include "fetch.h"
#include "tap.h"
#include "url.h"

static void
link_case(const char *in, const char *want)
{
	char *got = url_link(in);

	is_str(got, want, "link: '%s'", in ? in : "(null)");
	free(got);
}

static void
key_case(const char *in, const char *want)
{
	char *got = url_picture_key(in);

	is_str(got, want, "picture key: '%s'", in);
	free(got);
}

int
main(void)
{
	link_case("https://www.bilibili.com/video/BV1xx411c7mD/", "https://www.bilibili.com/video/BV1xx411c7mD/");
	link_case("//www.bilibili.com/read/cv1/", "https://www.bilibili.com/read/cv1/");
	link_case("http://i0.hdslb.com/bfs/a.png", "https://i0.hdslb.com/bfs/a.png");
	link_case("HTTP://WWW.Bilibili.COM/Path", "https://www.bilibili.com/Path");
	link_case("www.bilibili.com/opus/1", "https://www.bilibili.com/opus/1");
	link_case("//search.bilibili.com/all?keyword=%E8%BF%90%E7%BB%B4",
	    "https://search.bilibili.com/all?keyword=%E8%BF%90%E7%BB%B4");
	link_case("https://search.bilibili.com/all?keyword=运维",
	    "https://search.bilibili.com/all?keyword=%E8%BF%90%E7%BB%B4");
	link_case("https://x.com/a b\"<c>", "https://x.com/a%20b%22%3Cc%3E");
	link_case("https://x.com/100%", "https://x.com/100%25");
	link_case("javascript:alert(1)", NULL);
	link_case("JavaScript://x.com/%0aalert(1)", NULL);
	link_case("file:///etc/passwd", NULL);
	link_case("data:text/html,hi", NULL);
	link_case("bilibili://video/1", NULL);
	link_case("mailto:a@b.c", NULL);
	link_case("", NULL);
	link_case("//", NULL);
	link_case("https://", NULL);
	link_case("https://evil.com@x/", NULL);
	link_case("relative/path", NULL);
	link_case("../../etc/passwd", NULL);
	link_case("//../etc/passwd", NULL);
	link_case("https://a..b/x", NULL);
	link_case("https://host:8443/x", "https://host:8443/x");
	link_case("https://host:/x", NULL);
	link_case(NULL, NULL);
	/* white space around is dropped, escapes the source wrote are kept */
	link_case(" https://x.com/a b \n", "https://x.com/a%20b");
	link_case("https://x.com/a%20", "https://x.com/a%20");
	link_case("https://x.com \t", "https://x.com");
	link_case("https://x.com/%4", "https://x.com/%254");

	key_case("http://i0.hdslb.com/bfs/new_dyn/ab12.jpg@1192w.webp", "https://i0.hdslb.com/bfs/new_dyn/ab12.jpg");
	key_case("https://i0.hdslb.com/bfs/a.png", "https://i0.hdslb.com/bfs/a.png");
	key_case("//album.biliimg.com/bfs/a.png@100w_1e.png#frag", "https://album.biliimg.com/bfs/a.png");
	key_case("https://i0.hdslb.com/bfs/a.png@1q.webp?x=1", "https://i0.hdslb.com/bfs/a.png?x=1");
	key_case("https://i0.hdslb.com/a@b/c.png", "https://i0.hdslb.com/a@b/c.png");
	/* found by fuzz-url: a key must be its own key */
	key_case("H.T/x%0A@d", "https://h.t/x%0A");
	key_case("https://h.t/x%0A", "https://h.t/x%0A");
	{
		char *h = url_host("https://I0.HDSLB.com:443/x");

		is_str(h, "i0.hdslb.com", "host of a URL with a port");
		free(h);
	}
	{
		char *u = api_feed_url("12345", 2, "1034&type=video#x y/%");
		char *f = api_feed_url("12345", 1, NULL);
		char *esc = url_escape("a b&c=d/é");

		is_str(u, "https://api.bilibili.com/x/polymer/web-dynamic/v1/opus/feed/space?"
		    "host_mid=12345&page=2&offset=1034%26type%3Dvideo%23x%20y%2F%25"
		    "&type=all&web_location=333.1387", "the feed's offset is escaped");
		is_str(f, "https://api.bilibili.com/x/polymer/web-dynamic/v1/opus/feed/space?"
		    "host_mid=12345&page=1&offset=&type=all&web_location=333.1387",
		    "the first page has an empty offset");
		is_str(esc, "a%20b%26c%3Dd%2F%C3%A9", "url_escape escapes all but unreserved bytes");
		free(u);
		free(f);
		free(esc);
	}
	return done_testing();
}
