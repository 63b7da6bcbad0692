#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "epub.h"
#include "hash.h"
#include "oldbook.h"
#include "render.h"
#include "xalloc.h"

#define OPF_PATH "OEBPS/content.opf"
#define IMAGES "OEBPS/images/"

static const char epub_mimetype[] = "application/epub+zip";

/* Read the member called name (at most max bytes) into *data; -1 with e set when it is not there. */
static int
read_named(struct epub_reader *z, const char *name, uint64_t max, char **data, size_t *len,
    struct err *e)
{
	long i = epub_find(z, name);

	if (i < 0)
		return err_set(e, "no member '%s'", name);
	return epub_read(z, (size_t)i, max, data, len, e);
}

/* Check that z is an EPUB: its mimetype member says so. */
static int
check_mimetype(struct oldbook *b, struct epub_reader *z, struct err *e)
{
	char *data;
	size_t len;
	bool same;

	if (epub_find(z, "mimetype") < 0)
		return err_set(e, "'%s': not a book made by opus-archive (no 'mimetype' member: "
		    "not an EPUB)", b->path);
	if (read_named(z, "mimetype", 64, &data, &len, e) < 0)
		return -1;
	same = len == sizeof epub_mimetype - 1 && memcmp(data, epub_mimetype, len) == 0;
	free(data);
	if (!same)
		return err_set(e, "'%s': not a book made by opus-archive (its mimetype is not '%s')",
		    b->path, epub_mimetype);
	return 0;
}

/*
 * Split the member name (under OLDBOOK_DIR) "RAW-ID.json" into raw and id;
 * false for any other name.  RAW is lower-case letters and '-', ID letters
 * and digits: what assemble.c writes.
 */
static bool
response_name(const char *member, char **raw, char **id)
{
	const char *name = member + strlen(OLDBOOK_DIR);
	size_t n = strlen(name);
	const char *dash;

	if (n <= 5 || strcmp(name + n - 5, ".json") != 0 || strchr(name, '/'))
		return false;
	n -= 5;
	dash = memrchr(name, '-', n);
	if (dash == NULL || dash == name || dash + 1 == name + n)
		return false;
	for (const char *p = name; p < dash; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '-'))
			return false;
	for (const char *p = dash + 1; p < name + n; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return false;
	*raw = xstrndup(name, (size_t)(dash - name));
	*id = xstrndup(dash + 1, (size_t)(name + n - dash - 1));
	return true;
}

/* Read every response under OLDBOOK_DIR, in the zip's order (the book's: assemble.c adds them so). */
static int
read_responses(struct oldbook *b, struct epub_reader *z, struct err *e)
{
	for (size_t i = 0; i < epub_count(z); i++) {
		const char *name = epub_name(z, i);
		struct oldbook_response *r;
		char *raw, *id;

		if (strncmp(name, OLDBOOK_DIR, strlen(OLDBOOK_DIR)) != 0 ||
		    !response_name(name, &raw, &id))
			continue;
		if (strcmp(raw, "article-list") == 0) {
			/* a 文集's list: the book's own, not a chapter */
			int rc = 0;

			if (b->list_id || strncmp(id, "rl", 2) != 0)
				rc = err_set(e, "'%s': %s is not the one list of a 文集's book", b->path,
				    name);
			else
				rc = epub_read(z, i, OLDBOOK_MAX_RESPONSE, &b->list_data, &b->list_len, e);
			free(raw);
			if (rc < 0) {
				free(id);
				return -1;
			}
			b->list_id = id;
			continue;
		}
		XGROW(b->responses, b->responses_cap, b->nresponses + 1);
		r = &b->responses[b->nresponses++];
		memset(r, 0, sizeof *r);
		r->member = xstrdup(name);
		r->raw_name = raw;
		r->id = id;
		if (epub_read(z, i, OLDBOOK_MAX_RESPONSE, &r->data, &r->len, e) < 0)
			return -1;
	}
	if (b->nresponses == 0 && b->list_id == NULL)
		return err_set(e, "'%s': no API response under %s: not a book made by "
		    "opus-archive, or one that lost them", b->path, OLDBOOK_DIR);
	return 0;
}

/*
 * Return true when href can name an article's document in the rebuilt book:
 * a plain file name beside the others (it becomes a member name and an
 * href), not one of the names the book's other documents have.
 */
static bool
doc_name_ok(const char *href)
{
	size_t n = strlen(href);

	if (n < 7 || n > 200 || strcmp(href + n - 6, ".xhtml") != 0 || href[0] == '.' ||
	    href[0] == '-' || strcmp(href, "cover.xhtml") == 0 || strcmp(href, "nav.xhtml") == 0)
		return false;
	return strspn(href, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/*
 * The package: the identifier, and each article's document, from the spine
 * (the articles are the items "article" or "article-N", in order).
 */
static int
read_package(struct oldbook *b, struct epub_reader *z, struct err *e)
{
	struct opf_info info;
	char *data;
	size_t len, k = 0;
	int rc = -1;

	if (epub_find(z, OPF_PATH) < 0)
		return err_set(e, "'%s': not a book made by opus-archive (no %s)", b->path, OPF_PATH);
	if (read_named(z, OPF_PATH, OLDBOOK_MAX_TEXT, &data, &len, e) < 0)
		return -1;
	rc = render_opf_read(data, len, &info, e);
	free(data);
	if (rc < 0) {
		err_prefix(e, "'%s'", b->path);
		goto out;
	}
	rc = -1;
	if (info.identifier == NULL || *info.identifier == '\0' || strlen(info.identifier) > 1000) {
		err_set(e, "'%s': the package has no identifier (or one over 1,000 bytes)", b->path);
		goto out;
	}
	b->identifier = xstrdup(info.identifier);
	b->generator = info.generator ? xstrdup(info.generator) : NULL;
	for (size_t i = 0; i < info.nspine; i++) {
		const char *id = info.spine[i].id;

		if (strcmp(id, "article") != 0 && strncmp(id, "article-", 8) != 0)
			continue;
		if (!doc_name_ok(info.spine[i].href)) {
			err_set(e, "'%s': the article document '%.200s' is not a plain file name",
			    b->path, info.spine[i].href);
			goto out;
		}
		for (size_t j = 0; j < b->ndocs; j++)
			if (strcmp(b->docs[j], info.spine[i].href) == 0) {
				err_set(e, "'%s': the article document '%.200s' is in the spine twice",
				    b->path, info.spine[i].href);
				goto out;
			}
		XGROW(b->docs, b->docs_cap, b->ndocs + 1);
		b->docs[b->ndocs++] = xstrdup(info.spine[i].href);
		/* a 文集's chapters that could not be had have no response: not paired by order */
		if (k < b->nresponses && b->list_id == NULL)
			b->responses[k].doc = xstrdup(info.spine[i].href);
		k++;
	}
	if (b->list_id == NULL && k != b->nresponses) {
		err_set(e, "'%s': the book has %zu article documents and %zu API responses",
		    b->path, k, b->nresponses);
		goto out;
	}
	rc = 0;
out:
	render_opf_info_release(&info);
	return rc;
}

/* The media a picture's extension promises, or MEDIA_UNKNOWN. */
static enum media
ext_media(const char *ext)
{
	if (strcmp(ext, "jpg") == 0)
		return MEDIA_JPEG;
	if (strcmp(ext, "png") == 0)
		return MEDIA_PNG;
	if (strcmp(ext, "gif") == 0)
		return MEDIA_GIF;
	return MEDIA_UNKNOWN;
}

/*
 * Read and check the picture member i ("OEBPS/images/<hex>.<ext>"): the hex
 * digits (16 to 64 of them) must begin the SHA-256 of its bytes, and the
 * bytes must be of the format its extension says.
 */
static int
read_picture(struct oldbook *b, struct epub_reader *z, size_t i, uint64_t max, struct err *e)
{
	const char *name = epub_name(z, i), *base = name + strlen(IMAGES);
	const char *dot = strrchr(base, '.');
	size_t nhex = dot ? (size_t)(dot - base) : 0;
	enum media want = dot ? ext_media(dot + 1) : MEDIA_UNKNOWN;
	struct oldbook_picture *p;
	char hex[65];
	char *data;
	size_t len;

	if (*base == '\0')
		return 0;       /* the directory's own entry */
	if (nhex < 16 || nhex > 64 || strspn(base, "0123456789abcdef") != nhex ||
	    want == MEDIA_UNKNOWN)
		return err_set(e, "'%s': the picture '%.200s' is not named as opus-archive names "
		    "pictures (<sha-256>.jpg, .png or .gif)", b->path, name);
	if (epub_read(z, i, max, &data, &len, e) < 0)
		return -1;
	if (hash_hex(HASH_SHA256, data, len, hex, e) < 0) {
		free(data);
		return -1;
	}
	if (memcmp(hex, base, nhex) != 0) {
		free(data);
		return err_set(e, "'%s': the picture '%.200s' does not match its name (its bytes "
		    "hash to %.*s)", b->path, name, (int)nhex, hex);
	}
	if (media_sniff((const unsigned char *)data, len < 64 ? len : 64) != want) {
		free(data);
		return err_set(e, "'%s': the picture '%.200s' is not the %s its name says", b->path,
		    name, media_type(want));
	}
	XGROW(b->pictures, b->pictures_cap, b->npictures + 1);
	p = &b->pictures[b->npictures++];
	p->href = xstrdup(name + strlen("OEBPS/"));
	p->data = data;
	p->len = len;
	return 0;
}

static void
add_key(const char *url, void *ctx)
{
	assets_add(ctx, url);
}

static int
by_href(const void *x, const void *y)
{
	return strcmp(((const struct oldbook_picture *)x)->href,
	    ((const struct oldbook_picture *)y)->href);
}

static int
by_key(const void *x, const void *y)
{
	return strcmp(((const struct oldbook_key *)x)->key, ((const struct oldbook_key *)y)->key);
}

/* Return the index of the picture stored as href, or -1. */
static long
picture_named(const struct oldbook *b, const char *href)
{
	struct oldbook_picture want = { (char *)href, NULL, 0 };
	const struct oldbook_picture *p;

	if (b->npictures == 0)
		return -1;
	p = bsearch(&want, b->pictures, b->npictures, sizeof *p, by_href);
	return p ? p - b->pictures : -1;
}

/*
 * Read member name, a list the book carries beside its documents, and hand
 * each of its lines (cut at the newline) to fn, which refuses one by
 * returning -1 with e set.  Return 0, also when the book has no such
 * member, or -1: the lists are text, and a NUL byte in one is refused too.
 */
static int
read_list(struct oldbook *b, struct epub_reader *z, const char *name,
    int (*fn)(struct oldbook *b, char *line, struct err *e), struct err *e)
{
	char *data, *line, *next;
	size_t len;
	int rc = 0;

	if (epub_find(z, name) < 0)
		return 0;
	if (read_named(z, name, OLDBOOK_MAX_TEXT, &data, &len, e) < 0)
		return -1;
	if (memchr(data, '\0', len)) {
		free(data);
		return err_set(e, "'%s': %s holds a NUL byte", b->path, name);
	}
	for (line = data; rc == 0 && *line; line = next) {
		char *end = strchr(line, '\n');

		next = end ? end + 1 : line + strlen(line);
		if (end)
			*end = '\0';
		rc = fn(b, line, e);
	}
	free(data);
	return rc;
}

/*
 * Take a line of the picture map, "HREF<TAB>ADDRESS".  A line that names a
 * picture the book does not hold is refused: the map and the pictures were
 * written together.
 */
static int
map_line(struct oldbook *b, char *line, struct err *e)
{
	char *tab;
	long k;

	if (*line == '\0' || *line == '#')
		return 0;
	tab = strchr(line, '\t');
	if (tab == NULL || tab[1] == '\0')
		return err_set(e, "'%s': %s: a line is not HREF<TAB>ADDRESS", b->path,
		    OLDBOOK_PICTURE_MAP);
	*tab = '\0';
	k = picture_named(b, line);
	if (k < 0)
		return err_set(e, "'%s': %s names the picture '%.200s', which the book does not hold",
		    b->path, OLDBOOK_PICTURE_MAP, line);
	XGROW(b->keys, b->keys_cap, b->nkeys + 1);
	b->keys[b->nkeys].key = xstrdup(tab + 1);
	b->keys[b->nkeys++].picture = (size_t)k;
	return 0;
}

/* Read the picture map, when the book has it, into b->keys sorted by address. */
static int
read_map(struct oldbook *b, struct epub_reader *z, struct err *e)
{
	b->has_map = epub_find(z, OLDBOOK_PICTURE_MAP) >= 0;
	if (read_list(b, z, OLDBOOK_PICTURE_MAP, map_line, e) < 0)
		return -1;
	if (b->nkeys > 0)
		qsort(b->keys, b->nkeys, sizeof *b->keys, by_key);
	return 0;
}

/* Take a line of OLDBOOK_GONE; one not "DIGITS<TAB>DIGITS" is refused. */
static int
gone_line(struct oldbook *b, char *line, struct err *e)
{
	char *tab;
	size_t n;

	if (*line == '\0')
		return 0;
	tab = strchr(line, '\t');
	n = tab ? (size_t)(tab - line) : 0;
	if (n == 0 || n > 20 || strspn(line, "0123456789") != n || tab[1] == '\0' ||
	    strlen(tab + 1) > 18 || strspn(tab + 1, "0123456789") != strlen(tab + 1))
		return err_set(e, "'%s': %s: a line is not CV<TAB>TIME", b->path, OLDBOOK_GONE);
	XGROW(b->gone, b->gone_cap, b->ngone + 1);
	b->gone[b->ngone].cv = xstrndup(line, n);
	b->gone[b->ngone++].since = strtoll(tab + 1, NULL, 10);
	return 0;
}

long long
oldbook_gone_since(const struct oldbook *b, const char *cv)
{
	for (size_t i = 0; i < b->ngone; i++)
		if (strcmp(b->gone[i].cv, cv) == 0)
			return b->gone[i].since;
	return 0;
}

int
oldbook_open(const char *path, uint64_t max_picture, struct oldbook *b, struct err *e)
{
	struct epub_limits lim = {
		OLDBOOK_MAX_MEMBERS,
		max_picture > OLDBOOK_MAX_RESPONSE ? max_picture : OLDBOOK_MAX_RESPONSE,
		OLDBOOK_MAX_TOTAL,
	};
	struct epub_reader *z;
	int rc = -1;

	memset(b, 0, sizeof *b);
	b->path = xstrdup(path);
	if (epub_open(path, &lim, &z, e) < 0)
		return -1;
	if (check_mimetype(b, z, e) < 0 || read_responses(b, z, e) < 0 ||
	    read_package(b, z, e) < 0)
		goto out;
	for (size_t i = 0; i < epub_count(z); i++)
		if (strncmp(epub_name(z, i), IMAGES, strlen(IMAGES)) == 0 &&
		    read_picture(b, z, i, max_picture, e) < 0)
			goto out;
	if (b->npictures > 0)
		qsort(b->pictures, b->npictures, sizeof *b->pictures, by_href);
	for (size_t i = 1; i < b->npictures; i++)
		if (strcmp(b->pictures[i - 1].href, b->pictures[i].href) == 0) {
			err_set(e, "'%s': the picture '%s' is there twice", path, b->pictures[i].href);
			goto out;
		}
	rc = read_map(b, z, e);
	if (rc == 0 && b->list_id)
		rc = read_list(b, z, OLDBOOK_GONE, gone_line, e);
	/* without the map, the old documents are what the pictures are matched by */
	for (size_t i = 0; rc == 0 && !b->has_map && b->npictures > 0 && i < b->nresponses; i++) {
		struct oldbook_response *r = &b->responses[i];
		char *member;

		if (r->doc == NULL)
			continue;
		member = xasprintf("OEBPS/%s", r->doc);
		if (epub_find(z, member) >= 0)
			rc = read_named(z, member, OLDBOOK_MAX_TEXT, &r->doc_data, &r->doc_len, e);
		free(member);
	}
out:
	epub_close(z);
	return rc;
}

void
oldbook_release(struct oldbook *b)
{
	for (size_t i = 0; i < b->nresponses; i++) {
		struct oldbook_response *r = &b->responses[i];

		free(r->member);
		free(r->raw_name);
		free(r->id);
		free(r->data);
		free(r->doc);
		free(r->doc_data);
	}
	for (size_t i = 0; i < b->npictures; i++) {
		free(b->pictures[i].href);
		free(b->pictures[i].data);
	}
	for (size_t i = 0; i < b->nkeys; i++)
		free(b->keys[i].key);
	for (size_t i = 0; i < b->ndocs; i++)
		free(b->docs[i]);
	for (size_t i = 0; i < b->ngone; i++)
		free(b->gone[i].cv);
	free(b->docs);
	free(b->gone);
	free(b->list_id);
	free(b->list_data);
	free(b->responses);
	free(b->pictures);
	free(b->keys);
	free(b->path);
	free(b->identifier);
	free(b->generator);
	memset(b, 0, sizeof *b);
}

const struct oldbook_picture *
oldbook_picture_for(const struct oldbook *b, const char *key)
{
	struct oldbook_key want = { (char *)key, 0 };
	const struct oldbook_key *k;

	if (b == NULL || b->nkeys == 0)
		return NULL;
	k = bsearch(&want, b->keys, b->nkeys, sizeof *k, by_key);
	return k ? &b->pictures[k->picture] : NULL;
}

/*
 * The addresses of the pictures today's renderer shows in a's document, in
 * order (n of them; the caller frees the array, not the strings, which are
 * t's): a is rendered with every picture present under a name that is its
 * index in t.
 */
static const char **
pictures_shown(const struct article *a, const struct render_opts *ro, struct assets *t,
    size_t *n)
{
	struct toc toc = { 0 };
	const char **keys = NULL;
	char **srcs = NULL, *data = NULL;
	size_t len, nsrcs = 0;
	struct err e;

	*n = 0;
	err_init(&e);
	article_each_picture(a, add_key, t);
	for (size_t i = 0; i < t->n; i++) {
		t->v[i].state = ASSET_READY;
		t->v[i].media = MEDIA_PNG;
		t->v[i].href = xasprintf("images/%zu.png", i);
	}
	if (render_article(a, t, "article.xhtml", ro, &toc, &data, &len, &e) == 0 &&
	    render_img_srcs(data, len, "images/", &srcs, &nsrcs, &e) == 0) {
		keys = xcalloc(nsrcs ? nsrcs : 1, sizeof *keys);
		for (size_t i = 0; i < nsrcs; i++) {
			size_t k = strtoul(srcs[i] + 7, NULL, 10);

			keys[i] = k < t->n ? t->v[k].key : NULL;
		}
		*n = nsrcs;
	}
	xfree_strings(srcs, nsrcs);
	free(data);
	toc_release(&toc);
	return keys;
}

/* Pair key with the picture at href, unless either is unknown. */
static void
pair(struct oldbook *b, const char *key, const char *href)
{
	long k = picture_named(b, href);

	if (key == NULL || k < 0)
		return;
	XGROW(b->keys, b->keys_cap, b->nkeys + 1);
	b->keys[b->nkeys].key = xstrdup(key);
	b->keys[b->nkeys++].picture = (size_t)k;
}

size_t
oldbook_match_pictures(struct oldbook *b, struct article *const *v, const struct render_opts *ro)
{
	size_t kept = 0;

	for (size_t i = 0; i < b->nresponses; i++) {
		const struct oldbook_response *r = &b->responses[i];
		struct assets t;
		const char **keys;
		char **hrefs = NULL;
		size_t nkeys, nhrefs = 0;
		struct err e;

		if (r->doc_data == NULL)
			continue;
		err_init(&e);
		assets_init(&t);
		keys = pictures_shown(v[i], ro, &t, &nkeys);
		if (keys && render_img_srcs(r->doc_data, r->doc_len, "images/", &hrefs, &nhrefs,
		    &e) == 0 && nhrefs == nkeys)
			for (size_t j = 0; j < nkeys; j++)
				pair(b, keys[j], hrefs[j]);
		for (size_t j = 0; j < nhrefs; j++)
			free(hrefs[j]);
		free(hrefs);
		free(keys);
		assets_release(&t);
	}
	if (b->nkeys == 0)
		return 0;
	/* an address paired with two different pictures is dropped, and pairs once said twice kept once */
	qsort(b->keys, b->nkeys, sizeof *b->keys, by_key);
	for (size_t i = 0; i < b->nkeys;) {
		size_t j = i + 1;
		bool same = true;

		while (j < b->nkeys && strcmp(b->keys[j].key, b->keys[i].key) == 0) {
			same = same && b->keys[j].picture == b->keys[i].picture;
			j++;
		}
		if (same)
			b->keys[kept++] = b->keys[i];
		else
			free(b->keys[i].key);
		for (size_t k = i + 1; k < j; k++)
			free(b->keys[k].key);
		i = j;
	}
	b->nkeys = kept;
	return kept;
}
