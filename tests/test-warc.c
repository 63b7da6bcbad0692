/*
 * Unit tests for warc.c on exchanges the test server never produces: a
 * chunked answer (payload digest over the data without the framing), a cut
 * chunked answer, a redirect, an attempt with no answer, one where nothing
 * was sent.  The file is then read by tests/check-warc.py.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "tap.h"
#include "warc.h"
#include "xalloc.h"

static const char req[] = "GET /x HTTP/1.1\r\nHost: example.com\r\nCookie: a=" FETCH_MASK "\r\n\r\n";

static void
exchange(struct warc *w, const char *url, const char *resp, const char *body, size_t body_len,
    long status, const char *error, const char *request)
{
	struct fetch_exchange x = {
		url, request, strlen(request), resp, strlen(resp), body, body_len, "192.0.2.7",
		1767000000, status, error, error ? FETCH_FAIL_NETWORK : FETCH_FAIL_NONE, NULL,
	};

	warc_exchange(w, &x);
}

/* Return true when the file at path contains s. */
static int
contains(const char *path, const char *s)
{
	char *data;
	size_t len;
	struct err e;
	int found;

	err_init(&e);
	if (file_read(path, 1u << 24, &data, &len, &e) < 0)
		return 0;
	found = strstr(data, s) != NULL;
	free(data);
	return found;
}

int
main(void)
{
	char dir[] = "/tmp/test-warc-XXXXXX";
	const char *py = getenv("PYTHON3"), *top = getenv("top_srcdir");
	char *path, *near, *idx, *cmd;
	char *args[] = { "--warc", "it's a name", "123" };
	static const char chunked[] = "4\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: 1\r\n\r\n";
	struct warc *w;
	struct err e;

	plan(12);
	if (mkdtemp(dir) == NULL)
		return 1;
	path = file_join(dir, "t.warc.gz");
	near = file_join(dir, "x.warc.gz");
	idx = file_join(dir, "idx");
	err_init(&e);
	w = warc_open(near, args, 3, &e);
	ok(w != NULL, "warc_open: %s", e.set ? e.msg : "ok");
	if (w == NULL)
		return done_testing();
	exchange(w, "https://example.com/chunked",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunked, strlen(chunked), 200, NULL, req);
	exchange(w, "https://example.com/cut",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", chunked, 12, 200,
	    "transfer closed with outstanding read data remaining", req);
	exchange(w, "https://example.com/moved",
	    "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 5\r\n\r\n", "moved", 5, 301, NULL, req);
	exchange(w, "https://example.com/reset", "", "", 0, 0, "Connection reset by peer", req);
	exchange(w, "https://example.com/refused", "", "", 0, 0, "Failed to connect", "");
	ok(warc_count(w) == 4, "four exchanges recorded (one sent nothing): %zu", warc_count(w));
	ok(warc_commit(w, path, &e) == 0, "warc_commit: %s", e.set ? e.msg : "ok");
	ok(file_exists(path), "the WARC is in place");
	{
		char *ls = xasprintf("ls -a '%s' | grep -q tmp", dir);

		ok(system(ls) != 0, "no temporary file left");
		free(ls);
	}
	if (py == NULL || *py == '\0' || top == NULL) {
		for (int i = 0; i < 6; i++)
			ok(1, "# SKIP python3 is needed for check-warc.py");
	} else {
		cmd = xasprintf("'%s' '%s/tests/check-warc.py' '%s' --index '%s' >&2", py, top, path, idx);
		ok(system(cmd) == 0, "check-warc.py passes (digests of a chunked payload included)");
		free(cmd);
		/* sha256("Wikipedia"): the payload without its chunk framing */
		ok(contains(idx, "\"payload_sha256\": \"d38b38a2dd476e045c299e8ee5d64668"),
		    "the chunked payload is the data without the framing");
		ok(contains(idx, "\"uri\": \"https://example.com/cut\", \"concurrent\": \"<urn")
		    && contains(idx, "\"truncated\": \"disconnect\""), "a cut chunked answer is marked truncated");
		ok(contains(idx, "\"status\": 301"), "the redirect's answer, with its body");
		ok(contains(idx, "\"uri\": \"https://example.com/reset\", \"concurrent\": null, "
		    "\"error\": \"Connection reset by peer\""), "no answer: the request alone, with the error");
		ok(contains(idx, "opus-archive-arguments: --warc 'it'\\\\''s a name' 123"),
		    "warcinfo quotes the arguments as a shell would");
	}
	w = warc_open(near, args, 0, &e);
	warc_discard(w);
	{
		char *ls = xasprintf("test -z \"$(ls -A '%s' | grep -v -x -e t.warc.gz -e idx)\"", dir);

		ok(system(ls) == 0, "warc_discard leaves nothing");
		free(ls);
	}
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	free(path);
	free(near);
	free(idx);
	return done_testing();
}
