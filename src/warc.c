#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "file.h"
#include "hash.h"
#include "warc.h"
#include "xalloc.h"

struct warc {
	int fd;
	char *tmp;                      /* the temporary file (owned) */
	char info_id[64];               /* the warcinfo record's id */
	size_t count;
	struct err err;                 /* the first write error (sticky) */
};

/* What one record says about itself beyond the block. */
struct record {
	const char *type;
	const char *id;
	time_t date;
	const char *uri;                /* NULL for warcinfo */
	const char *ip;                 /* "" or NULL: none */
	const char *concurrent;         /* the paired record's id, or NULL */
	const char *content_type;
	bool payload;                   /* write WARC-Payload-Digest */
	unsigned char payload_digest[20];
	const char *truncated;          /* WARC-Truncated reason, or NULL */
	const char *error;              /* why the exchange failed, or NULL */
};

/*
 * Fill id with a new "<urn:uuid:...>" (a random, version 4 UUID).  Sets
 * w->err only when there is no entropy and libcrypto cannot hash either.
 */
static void
new_id(struct warc *w, char id[64])
{
	static unsigned long counter;
	unsigned char u[16];

	if (getentropy(u, sizeof u) < 0) {
		/* no entropy source: a digest of time, pid and a counter stays unique enough */
		struct hash c;
		struct timespec ts;
		unsigned char d[20];
		pid_t pid = getpid();

		clock_gettime(CLOCK_REALTIME, &ts);
		counter++;
		hash_init(&c, HASH_SHA1);
		hash_update(&c, &ts, sizeof ts);
		hash_update(&c, &pid, sizeof pid);
		hash_update(&c, &counter, sizeof counter);
		if (hash_final(&c, d, &w->err) < 0)
			memset(d, 0, sizeof d);
		memcpy(u, d, sizeof u);
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(id, 64, "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x>", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
	    u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Append s to b as one header value: line breaks and other controls become spaces. */
static void
add_value(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void
add_digest(struct buf *b, const char *field, const unsigned char d[20])
{
	char b32[33];

	hash_tobase32(d, b32);
	buf_addf(b, "%s: sha1:%s\r\n", field, b32);
}

/* Feed up to n bytes into z and write what comes out; flush finishes the member. */
static int
deflate_piece(struct warc *w, z_stream *z, const char *p, size_t n, int flush)
{
	unsigned char out[65536];

	do {
		size_t take = n > (1u << 30) ? (1u << 30) : n;
		int last = take == n ? flush : Z_NO_FLUSH, rc;

		z->next_in = (unsigned char *)(uintptr_t)p;
		z->avail_in = (uInt)take;
		do {
			z->next_out = out;
			z->avail_out = sizeof out;
			rc = deflate(z, last);
			if (rc == Z_STREAM_ERROR)
				return err_set(&w->err, "cannot compress a WARC record");
			if (file_write_all(w->fd, out, sizeof out - z->avail_out) < 0)
				return err_set(&w->err, "cannot write the WARC: %s", strerror(errno));
		} while (z->avail_out == 0 || (last == Z_FINISH && rc != Z_STREAM_END));
		p += take;
		n -= take;
	} while (n > 0);
	return 0;
}

/* Write one record (its block is p1 then p2) as a gzip member of its own. */
static void
write_record(struct warc *w, const struct record *r, const char *p1, size_t n1,
    const char *p2, size_t n2)
{
	struct buf h;
	struct hash c;
	unsigned char d[20];
	char date[32];
	struct tm tm;
	z_stream z;

	if (w->err.set)
		return;
	hash_init(&c, HASH_SHA1);
	hash_update(&c, p1, n1);
	hash_update(&c, p2, n2);
	if (hash_final(&c, d, &w->err) < 0)
		return;
	gmtime_r(&r->date, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_init(&h, 0);
	buf_addf(&h, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n",
	    r->type, r->id, date);
	if (r->uri) {
		buf_adds(&h, "WARC-Target-URI: ");
		add_value(&h, r->uri);
		buf_adds(&h, "\r\n");
	}
	if (strcmp(r->type, "warcinfo") != 0)
		buf_addf(&h, "WARC-Warcinfo-ID: %s\r\n", w->info_id);
	if (r->ip && *r->ip) {
		buf_adds(&h, "WARC-IP-Address: ");
		add_value(&h, r->ip);
		buf_adds(&h, "\r\n");
	}
	if (r->concurrent)
		buf_addf(&h, "WARC-Concurrent-To: %s\r\n", r->concurrent);
	buf_addf(&h, "Content-Type: %s\r\n", r->content_type);
	add_digest(&h, "WARC-Block-Digest", d);
	if (r->payload)
		add_digest(&h, "WARC-Payload-Digest", r->payload_digest);
	if (r->truncated)
		buf_addf(&h, "WARC-Truncated: %s\r\n", r->truncated);
	if (r->error) {
		/* an extension field (names starting "WARC-" are the standard's) */
		buf_adds(&h, "Opus-Archive-Error: ");
		add_value(&h, r->error);
		buf_adds(&h, "\r\n");
	}
	buf_addf(&h, "Content-Length: %zu\r\n\r\n", n1 + n2);

	memset(&z, 0, sizeof z);
	/* windowBits 15 + 16: a gzip wrapper around the deflate stream */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		err_set(&w->err, "cannot set up zlib");
	} else {
		if (deflate_piece(w, &z, h.data, h.len, Z_NO_FLUSH) == 0 &&
		    deflate_piece(w, &z, p1, n1, Z_NO_FLUSH) == 0 &&
		    deflate_piece(w, &z, p2, n2, Z_NO_FLUSH) == 0)
			deflate_piece(w, &z, "\r\n\r\n", 4, Z_FINISH);
		deflateEnd(&z);
	}
	buf_release(&h);
}

/*
 * Find the value of header name in the last header block of h (a redirect's
 * 1xx answers come before the final one).  Return it (not NUL-terminated,
 * *len bytes, spaces trimmed) or NULL.
 */
static const char *
header_value(const char *h, size_t n, const char *name, size_t *len)
{
	const char *end = h + n, *line, *block = h, *found = NULL;
	size_t nl = strlen(name);

	for (line = h; line < end; ) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *next = eol ? eol + 1 : end;

		if ((size_t)(end - line) >= 5 && strncmp(line, "HTTP/", 5) == 0) {
			block = line;
			found = NULL;
		} else if (line >= block && (size_t)(next - line) > nl &&
		    strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1, *ve = next;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\n' || ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			found = v;
			*len = (size_t)(ve - v);
		}
		line = next;
	}
	return found;
}

/*
 * Feed the payload of a chunked body into c: the chunks' data without their
 * framing (RFC 9112 §7.1).  Return 0, or -1 when the body is cut short or
 * malformed.
 */
static int
dechunk_payload(const char *p, size_t n, struct hash *c)
{
	const char *end = p + n;

	for (;;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		unsigned long long size = 0;
		const char *q = p;

		if (eol == NULL)
			return -1;
		for (; q < eol && strchr("0123456789abcdefABCDEF", *q) && *q; q++) {
			if (size > (1ULL << 40))
				return -1;
			size = size * 16 + (unsigned long long)(*q <= '9' ? *q - '0' :
			    (*q | 0x20) - 'a' + 10);
		}
		if (q == p)
			return -1;
		p = eol + 1;
		if (size == 0)
			break;          /* trailers may follow; they are not payload */
		if ((unsigned long long)(end - p) < size + 2)
			return -1;
		hash_update(c, p, (size_t)size);
		p += size;
		if (*p == '\r')
			p++;
		if (p >= end || *p != '\n')
			return -1;
		p++;
	}
	return 0;
}

/* Return why a response body is incomplete (a WARC-Truncated reason), or NULL. */
static const char *
truncation(const struct fetch_exchange *x, bool chunked, bool chunks_ok)
{
	const char *v;
	size_t vlen;

	if (x->failure == FETCH_FAIL_TOO_BIG)
		return "length";
	if (chunked) {
		if (chunks_ok)
			return NULL;
	} else {
		v = header_value(x->response_headers, x->response_headers_len, "Content-Length", &vlen);
		if (v == NULL || strtoull(v, NULL, 10) <= x->body_len)
			return NULL;
	}
	if (x->failure == FETCH_FAIL_TIMEOUT)
		return "time";
	return "disconnect";
}

/* Begin the record r of one side (type "request" or "response") of exchange x. */
static void
record_start(struct record *r, const char *type, const char *id, const struct fetch_exchange *x,
    const char *concurrent)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->id = id;
	r->date = x->date;
	r->uri = x->url;
	r->ip = x->ip;
	r->concurrent = concurrent;
}

void
warc_exchange(void *ctx, const struct fetch_exchange *x)
{
	struct warc *w = ctx;
	struct record req, resp;
	char req_id[64], resp_id[64];
	bool answered = x->response_headers_len > 0;

	if (x->request_headers_len == 0 || w->err.set)
		return;
	new_id(w, req_id);
	new_id(w, resp_id);
	record_start(&req, "request", req_id, x, answered ? resp_id : NULL);
	req.content_type = "application/http;msgtype=request";
	req.error = answered ? NULL : x->error;
	write_record(w, &req, x->request_headers, x->request_headers_len, "", 0);
	if (answered) {
		size_t vlen;
		const char *te = header_value(x->response_headers, x->response_headers_len,
		    "Transfer-Encoding", &vlen);
		bool chunked = te && vlen >= 7 && strncasecmp(te + vlen - 7, "chunked", 7) == 0;
		bool chunks_ok = false;
		struct hash c;

		record_start(&resp, "response", resp_id, x, req_id);
		resp.content_type = "application/http;msgtype=response";
		hash_init(&c, HASH_SHA1);
		if (chunked) {
			chunks_ok = dechunk_payload(x->body, x->body_len, &c) == 0;
			resp.payload = chunks_ok;
		} else {
			hash_update(&c, x->body, x->body_len);
			resp.payload = true;
		}
		if (hash_final(&c, resp.payload_digest, &w->err) < 0)
			return;
		resp.truncated = truncation(x, chunked, chunks_ok);
		resp.error = x->error;
		write_record(w, &resp, x->response_headers, x->response_headers_len,
		    x->body, x->body_len);
	}
	if (!w->err.set)
		w->count++;
}

size_t
warc_count(const struct warc *w)
{
	return w->count;
}

/* Append arg to b, in single quotes when a shell would need them. */
static void
add_arg(struct buf *b, const char *arg)
{
	bool plain = *arg != '\0';

	for (const char *p = arg; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		    "_-./:=@%+,", *p))
			plain = false;
	if (plain) {
		add_value(b, arg);
		return;
	}
	buf_addc(b, '\'');
	for (const char *p = arg; *p; p++) {
		if (*p == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
	}
	buf_addc(b, '\'');
}

struct warc *
warc_open(const char *near, char *const *args, size_t nargs, struct err *e)
{
	struct warc *w = xcalloc(1, sizeof *w);
	struct record r;
	struct buf info;

	err_init(&w->err);
	w->fd = file_temp_open(near, &w->tmp, e);
	if (w->fd < 0) {
		free(w);
		return NULL;
	}
	new_id(w, w->info_id);
	buf_init(&info, 0);
	buf_addf(&info, "software: opus-archive/%s (%s)\r\n", PACKAGE_VERSION, fetch_version());
	buf_adds(&info, "format: WARC File Format 1.1\r\n");
	buf_adds(&info, "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
	    "warc-format/warc-1.1/\r\n");
	buf_adds(&info, "description: the HTTP exchanges of one opus-archive run; secret request "
	    "header values are replaced by " FETCH_MASK "\r\n");
	buf_adds(&info, "opus-archive-arguments:");
	for (size_t i = 0; i < nargs; i++) {
		buf_addc(&info, ' ');
		add_arg(&info, args[i]);
	}
	buf_adds(&info, "\r\n");
	memset(&r, 0, sizeof r);
	r.type = "warcinfo";
	r.id = w->info_id;
	r.date = time(NULL);
	r.content_type = "application/warc-fields";
	write_record(w, &r, info.data, info.len, "", 0);
	buf_release(&info);
	if (w->err.set) {
		err_set(e, "%s", w->err.msg);
		warc_discard(w);
		return NULL;
	}
	return w;
}

int
warc_commit(struct warc *w, const char *path, struct err *e)
{
	int rc = 0;

	if (w->err.set)
		rc = err_set(e, "'%s': %s", path, w->err.msg);
	else if (fsync(w->fd) < 0 && errno != EINVAL)
		rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	rc = file_temp_commit(w->fd, w->tmp, path, rc, e);
	free(w);
	return rc;
}

void
warc_discard(struct warc *w)
{
	if (w == NULL)
		return;
	file_temp_discard(w->fd, w->tmp);
	free(w);
}
