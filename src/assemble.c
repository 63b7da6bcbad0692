#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "book.h"
#include "buf.h"
#include "epub.h"
#include "file.h"
#include "hash.h"
#include "oldbook.h"
#include "md.h"
#include "site.h"
#include "xalloc.h"

/* Where --css FILE goes in a book or site; the pages link it after style.css. */
#define USER_CSS "user.css"

const struct asset *
assemble_cover(const struct article *a, const struct assets *t)
{
	const struct asset *as;

	for (size_t i = 0; i < a->ntop; i++)
		if ((as = assets_find(t, a->top[i].url)) && as->state == ASSET_READY)
			return as;
	for (size_t i = 0; i < a->nblocks; i++) {
		const struct block *b = &a->blocks[i];

		for (size_t j = 0; j < b->npics; j++)
			if ((as = assets_find(t, b->pics[j].url)) && as->state == ASSET_READY)
				return as;
	}
	return NULL;
}

/* Add every usable picture once (two URLs may carry the same bytes: one file). */
static void
add_pictures(struct book *b, const struct assets *t, const struct asset *cover)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct asset *as = &t->v[i];
		struct book_item *it;
		char id[48];

		if (as->state != ASSET_READY || book_find(b, as->href))
			continue;
		if (as == cover || (cover && strcmp(as->href, cover->href) == 0))
			snprintf(id, sizeof id, "cover-image");
		else
			snprintf(id, sizeof id, "img-%.24s", as->href + strlen("images/"));
		if (as->data)
			it = book_add_ref(b, as->href, media_type(as->media), id, as->data, as->size);
		else
			it = book_add_file(b, as->href, media_type(as->media), id, as->path);
		if (strcmp(id, "cover-image") == 0)
			it->properties = xstrdup("cover-image");
	}
}

/*
 * Say which address each stored picture came from (OLDBOOK_PICTURE_MAP), so
 * that --from-epub can give the articles their pictures again: the names in
 * the book are the bytes' digests, which no address can be read from.
 */
static void
add_picture_map(struct book *root, const struct assets *t)
{
	struct buf map;
	size_t len;
	char *data;

	buf_init(&map, 0);
	buf_adds(&map, "# opus-archive: each picture of the book and the address it came from\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct asset *as = &t->v[i];

		/* an address is one line without tabs (url_link escapes them); be sure */
		if (as->state == ASSET_READY && strpbrk(as->key, "\t\r\n") == NULL)
			buf_addf(&map, "%s\t%s\n", as->href, as->key);
	}
	data = buf_detach(&map, &len);
	book_add_data(root, OLDBOOK_PICTURE_MAP, "text/tab-separated-values", "pictures", data, len);
}

/* A name-based UUID (RFC 9562 version 8, from SHA-256) so the same opus keeps the same identifier. */
static char *
book_identifier(const char *id)
{
	char *seed = xasprintf("opus-archive:bilibili-opus:%s", id);
	char hex[65];

	hash_name_hex(seed, strlen(seed), hex);
	free(seed);
	hex[12] = '8';
	hex[16] = "89ab"[hex[16] % 4];
	return xasprintf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	    hex + 20);
}

/*
 * The identifier of the book of v[]: one article's from its id (as books
 * have always had it), several articles' from the list of their ids.
 */
static char *
books_identifier(struct article *const *v, size_t n)
{
	struct buf seed;
	char hex[65];

	if (n == 1)
		return book_identifier(v[0]->id);
	buf_init(&seed, 0);
	for (size_t i = 0; i < n; i++)
		buf_addf(&seed, "%s,", v[i]->id);
	hash_name_hex(buf_str(&seed), seed.len, hex);
	buf_release(&seed);
	return book_identifier(hex);
}

/* Add our stylesheet and, with --css, the user's to b. */
static int
add_stylesheets(struct book *b, const struct archive_opts *o, struct err *e)
{
	char *path = xasprintf("%s/style.css", o->templates);
	char *data;
	size_t len;
	int rc = file_read(path, 4u * 1024 * 1024, &data, &len, e);

	free(path);
	if (rc < 0)
		return -1;
	book_add_data(b, "style.css", "text/css", "css", data, len);
	if (o->user_css == NULL)
		return 0;
	if (file_read(o->user_css, 4u * 1024 * 1024, &data, &len, e) < 0) {
		err_prefix(e, "--css");
		return -1;
	}
	book_add_data(b, USER_CSS, "text/css", "user-css", data, len);
	return 0;
}

/*
 * Add the cover page and, when there is no cover picture, a drawn cover with
 * the title, so that a reader's library shows more than a blank.
 */
static int
add_cover(struct book *content, const struct article *a, const struct asset *cover,
    const struct render_opts *ro, struct err *e)
{
	struct book_item *it;
	char *data;
	size_t len;

	if (cover == NULL) {
		if (render_cover_svg(a, ro, &data, &len, e) < 0)
			return -1;
		it = book_add_data(content, "cover.svg", "image/svg+xml", "cover-image", data, len);
		it->properties = xstrdup("cover-image");
	}
	if (render_cover(a, cover, cover ? NULL : "cover.svg", ro, &data, &len, e) < 0)
		return -1;
	it = book_add_data(content, "cover.xhtml", "application/xhtml+xml", "cover", data, len);
	it->spine = true;
	return 0;
}

/* The title of a book of several articles: their 文集, else their author's, else a count. */
static char *
combined_title(struct article *const *v, size_t n, const char *lang)
{
	bool zh = strncmp(lang, "zh", 2) == 0;
	const char *coll = v[0]->collection_name, *author = v[0]->author_name;

	for (size_t i = 1; i < n; i++) {
		if (coll && (v[i]->collection_name == NULL || strcmp(coll, v[i]->collection_name) != 0))
			coll = NULL;
		if (author && (v[i]->author_name == NULL || strcmp(author, v[i]->author_name) != 0))
			author = NULL;
	}
	if (coll && *coll)
		return xstrdup(coll);
	if (author && *author)
		return zh ? xasprintf("%s的 %zu 篇文章", author, n) :
		    xasprintf("%zu articles by %s", n, author);
	return zh ? xasprintf("%zu 篇文章", n) : xasprintf("%zu articles", n);
}

/*
 * What the package says of the book of v[]: one article's own metadata, or
 * for several a front article holding what they share (title, author, 文集,
 * the newest date).  *front is the caller's to free (NULL for one article).
 */
static const struct article *
book_front(struct article *const *v, size_t n, const char *lang, struct article **front)
{
	struct article *f;

	*front = NULL;
	if (n == 1)
		return v[0];
	f = article_new();
	f->title = combined_title(v, n, lang);
	f->author_name = v[0]->author_name ? xstrdup(v[0]->author_name) : NULL;
	f->collection_name = v[0]->collection_name ? xstrdup(v[0]->collection_name) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (f->author_name && (v[i]->author_name == NULL ||
		    strcmp(f->author_name, v[i]->author_name) != 0)) {
			free(f->author_name);
			f->author_name = NULL;
		}
		if (f->collection_name && (v[i]->collection_name == NULL ||
		    strcmp(f->collection_name, v[i]->collection_name) != 0)) {
			free(f->collection_name);
			f->collection_name = NULL;
		}
		if (v[i]->pub_ts > f->pub_ts)
			f->pub_ts = v[i]->pub_ts;
	}
	f->summary = strncmp(lang, "zh", 2) == 0 ? xasprintf("%zu 篇 Bilibili 文章", n) :
	    xasprintf("%zu Bilibili articles", n);
	*front = f;
	return f;
}

/*
 * What makes a book of articles more than its chapters, as the caller of
 * assemble_book() decides it (all borrowed).
 */
struct book_plan {
	const struct article *front;    /* the package's metadata, the cover page's title */
	const char *identifier;
	const struct asset *cover;      /* the cover picture, or NULL: the chapters' first */
	char *const *docs;              /* the chapters' document names */
	const char *raw_name;           /* one more response to keep (a 文集's list), or NULL */
	const char *raw;
	size_t raw_len;
	const char *extra_name;         /* one more file under META-INF/opus-archive/, or NULL */
	char *extra;                    /* (owned by the caller) */
	size_t extra_len;
};

/* Write the n articles v[] as one EPUB at output, as p says (see assemble_epub()). */
static int
assemble_book(const struct book_plan *p, struct article *const *v, size_t n,
    const struct assets *t, const struct archive_opts *o, const char *output, struct err *e)
{
	struct links links;
	struct render_opts ro = { o->templates, o->lang, RENDER_EPUB, o->now,
	    o->user_css ? USER_CSS : NULL, &links };
	struct book content = { 0 }, root = { 0 };
	struct toc toc = { 0 };
	const struct article *front = p->front;
	const struct asset *cover = p->cover;
	char *const *docs = p->docs;
	char *data;
	size_t len;
	struct book_item *it;
	int rc = -1;

	links_init(&links);
	for (size_t i = 0; i < n; i++) {
		/* links between the book's articles stay in the book */
		links_add_article(&links, v[i]->id, v[i]->cv_id, docs[i]);
	}
	for (size_t i = 0; i < n && cover == NULL; i++)
		cover = assemble_cover(v[i], t);
	if (add_cover(&content, front, cover, &ro, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char item_id[32];

		if (render_article(v[i], t, docs[i], &ro, &toc, &data, &len, e) < 0) {
			if (n > 1)
				err_prefix(e, "%s%s", article_kind(v[i]->id), v[i]->id);
			goto out;
		}
		if (n == 1)
			snprintf(item_id, sizeof item_id, "article");
		else
			snprintf(item_id, sizeof item_id, "article-%zu", i + 1);
		it = book_add_data(&content, docs[i], "application/xhtml+xml", item_id, data, len);
		it->spine = true;
	}
	if (render_nav(front->title, &toc, "cover.xhtml", docs[0], &ro, &data, &len, e) < 0)
		goto out;
	it = book_add_data(&content, "nav.xhtml", "application/xhtml+xml", "nav", data, len);
	it->properties = xstrdup("nav");
	if (render_ncx(front->title, p->identifier, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&content, "toc.ncx", "application/x-dtbncx+xml", "ncx", data, len);
	if (add_stylesheets(&content, o, e) < 0)
		goto out;
	add_pictures(&content, t, cover);
	{
		struct book_meta m = {
			p->identifier, front->title, front->author_name, o->lang, front->pub_ts, o->now,
			front->source_url, n == 1 ? front->tags : NULL,
			n == 1 ? front->ntags : 0, front->summary, "cover-image",
			front->collection_name, front->collection_index,
		};

		if (render_opf(&m, &content, "ncx", &data, &len, e) < 0)
			goto out;
	}
	book_add_data(&root, "OEBPS/content.opf", "application/oebps-package+xml", "opf", data, len);
	if (render_container("OEBPS/content.opf", &data, &len, e) < 0)
		goto out;
	book_add_data(&root, "META-INF/container.xml", "application/xml", "container", data, len);
	/* The responses themselves, so the book can be rendered again without the network. */
	if (p->raw_name)
		book_add_ref(&root, p->raw_name, "application/json", "raw", p->raw, p->raw_len);
	for (size_t i = 0; i < n; i++) {
		char *raw_name;

		if (v[i]->raw.data == NULL)
			continue;       /* a chapter that could not be had: nothing came */
		raw_name = xasprintf("META-INF/opus-archive/%s-%s.json", v[i]->raw_name, v[i]->id);
		/* borrowed, not copied: the articles outlive the book (808 KB for the bench's) */
		book_add_ref(&root, raw_name, "application/json", "raw", v[i]->raw.data, v[i]->raw.len);
		free(raw_name);
	}
	if (p->extra_name)
		book_add_ref(&root, p->extra_name, "text/tab-separated-values", "extra", p->extra,
		    p->extra_len);
	add_picture_map(&root, t);
	rc = epub_write(output, &root, &content, "OEBPS", o->now, e);
out:
	links_release(&links);
	toc_release(&toc);
	book_release(&content);
	book_release(&root);
	return rc;
}

int
assemble_epub(struct article *const *v, size_t n, const struct assets *t,
    const struct archive_opts *o, const char *output, struct err *e)
{
	struct article *front_owned;
	const struct article *front = book_front(v, n, o->lang, &front_owned);
	/* --from-epub: the old book's identifier and document names, which readers key on */
	char *identifier = o->keep ? xstrdup(o->keep->identifier) : books_identifier(v, n);
	char **docs = xcalloc(n, sizeof *docs);
	struct book_plan p = { front, identifier, NULL, docs, NULL, NULL, 0, NULL, NULL, 0 };
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (o->keep && o->keep->ndocs == n)
			docs[i] = xstrdup(o->keep->docs[i]);
		else
			docs[i] = xasprintf("opus-%s.xhtml", v[i]->id);
	}
	rc = assemble_book(&p, v, n, t, o, output, e);
	xfree_strings(docs, n);
	free(identifier);
	article_free(front_owned);
	return rc;
}

/* The cv number (digits) of a 文集's chapter a, or NULL: "cvN" ids, or the 专栏 behind an opus. */
static const char *
chapter_cv(const struct article *a)
{
	if (strncmp(a->id, "cv", 2) == 0)
		return a->id + 2;
	return a->cv_id;
}

int
assemble_series(const struct series *s, struct article *const *v, size_t n,
    const char *keep_identifier, const struct assets *t, const struct archive_opts *o,
    const char *output, struct err *e)
{
	struct article *front = article_new();
	char *rl = xasprintf("rl%s", s->id);
	char *identifier = keep_identifier ? xstrdup(keep_identifier) : book_identifier(rl);
	char *raw_name = xasprintf("META-INF/opus-archive/article-list-%s.json", rl);
	char **docs = xcalloc(n ? n : 1, sizeof *docs);
	const struct asset *cover = s->cover ? assets_find(t, s->cover) : NULL;
	struct book_plan p = { front, identifier, NULL, docs, raw_name, s->raw, s->raw_len, NULL, NULL, 0 };
	bool zh = strncmp(o->lang, "zh", 2) == 0;
	struct buf gone;
	int rc;

	buf_init(&gone, 0);
	if (cover && cover->state == ASSET_READY)
		p.cover = cover;
	front->id = xstrdup(rl);
	front->title = *s->name ? xstrdup(s->name) :
	    zh ? xasprintf("文集 %s", rl) : xasprintf("Collection %s", rl);
	front->author_name = s->author_name ? xstrdup(s->author_name) : NULL;
	front->summary = s->summary ? xstrdup(s->summary) : NULL;
	front->source_url = xasprintf("https://www.bilibili.com/read/readlist/%s", rl);
	/* the book is the whole 文集: it belongs to it, at no one place */
	front->collection_name = xstrdup(front->title);
	for (size_t i = 0; i < n; i++) {
		const char *cv = i < s->n ? s->v[i].cv : chapter_cv(v[i]);

		if (v[i]->pub_ts > front->pub_ts)
			front->pub_ts = v[i]->pub_ts;
		/* named by the list's cv number: the same chapter keeps its document, however it was read */
		docs[i] = cv ? xasprintf("opus-cv%s.xhtml", cv) : xasprintf("opus-%s.xhtml", v[i]->id);
		/* a chapter kept after it left the list: the date it was first missed stays */
		if (v[i]->gone_since > 0 && cv)
			buf_addf(&gone, "%s\t%lld\n", cv, v[i]->gone_since);
	}
	if (gone.len) {
		size_t len;
		char *data = buf_detach(&gone, &len);

		p.extra_name = OLDBOOK_GONE;
		p.extra = data;
		p.extra_len = len;
	}
	rc = assemble_book(&p, v, n, t, o, output, e);
	xfree_strings(docs, n);
	free(p.extra);
	buf_release(&gone);
	free(raw_name);
	free(identifier);
	free(rl);
	article_free(front);
	return rc;
}

int
assemble_site(const struct article *a, const struct assets *t, const struct archive_opts *o,
    const char *output, const char *name, const struct links *library, struct err *e)
{
	struct links links;
	struct render_opts ro = { o->templates, o->lang, RENDER_SITE, o->now,
	    o->user_css ? USER_CSS : NULL, &links };
	struct book site = { 0 };
	struct toc toc = { 0 };
	const struct asset *cover = assemble_cover(a, t);
	char *page = xasprintf("%s.html", name ? name : a->id);
	char *data, *raw_name;
	size_t len;
	int rc = -1;

	links_init(&links);
	links_add_article(&links, a->id, a->cv_id, page);
	/* the library's other pages: asked after this page's own addresses, not copied */
	links.next = library;
	add_pictures(&site, t, NULL);
	if (add_stylesheets(&site, o, e) < 0)
		goto out;
	raw_name = xasprintf("raw/%s-%s.json", a->raw_name, a->id);
	book_add_ref(&site, raw_name, "application/json", "raw", a->raw.data, a->raw.len);
	free(raw_name);
	if (render_article(a, t, page, &ro, &toc, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, page, "text/html", "article", data, len);
	if (name == NULL) {
		struct index_entry ie = {
			a->title, a->author_name, a->pub_ts, page, cover ? cover->href : NULL, NULL,
		};

		if (render_index(&ie, 1, &ro, &data, &len, e) < 0)
			goto out;
		book_add_data(&site, "index.html", "text/html", "index", data, len);
	}
	rc = site_write(output, &site, e);
out:
	links_release(&links);
	toc_release(&toc);
	book_release(&site);
	free(page);
	return rc;
}

int
assemble_index(const struct archive_opts *o, const char *dir, const struct index_entry *v,
    size_t n, struct err *e)
{
	struct render_opts ro = { o->templates, o->lang, RENDER_SITE, o->now,
	    o->user_css ? USER_CSS : NULL, NULL };
	struct book site = { 0 };
	char *data;
	size_t len;
	int rc = -1;

	if (render_index(v, n, &ro, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, "index.html", "text/html", "index", data, len);
	if (add_stylesheets(&site, o, e) < 0)
		goto out;
	rc = site_write(dir, &site, e);
out:
	book_release(&site);
	return rc;
}

int
assemble_series_page(const struct archive_opts *o, const char *dir, const char *name,
    const char *title, const char *summary, const struct index_entry *v, size_t n, struct err *e)
{
	struct render_opts ro = { o->templates, o->lang, RENDER_SITE, o->now,
	    o->user_css ? USER_CSS : NULL, NULL };
	struct book site = { 0 };
	char *page = xasprintf("%s.html", name);
	char *data;
	size_t len;
	int rc = -1;

	if (render_series_page(title, summary, v, n, &ro, &data, &len, e) < 0)
		goto out;
	book_add_data(&site, page, "text/html", "series", data, len);
	if (add_stylesheets(&site, o, e) < 0)
		goto out;
	rc = site_write(dir, &site, e);
out:
	book_release(&site);
	free(page);
	return rc;
}

int
assemble_md(struct article *const *v, size_t n, const struct assets *t,
    const struct archive_opts *o, const char *output, const struct links *others,
    struct err *e)
{
	struct article *front_owned;
	const struct article *front = book_front(v, n, o->lang, &front_owned);
	const struct asset *cover = NULL;
	char *dir = file_dirname(output);
	const char *base = strrchr(output, '/') ? strrchr(output, '/') + 1 : output;
	struct links links;
	struct md_opts mo = { o->lang, NULL, &links, NULL, NULL };
	struct book files = { 0 };
	struct buf doc;
	char *data;
	size_t len;
	int rc;

	links_init(&links);
	/* one document of several: a link between them goes to the other's anchor */
	for (size_t i = 0; n > 1 && i < n; i++) {
		char *anchor = md_anchor(v[i]->id), *href = xasprintf("#%s", anchor);

		links_add_article(&links, v[i]->id, v[i]->cv_id, href);
		free(href);
		free(anchor);
	}
	/* then the documents beside it (a batch's), asked after, not copied */
	links.next = others;
	for (size_t i = 0; i < n && cover == NULL; i++)
		cover = assemble_cover(v[i], t);
	mo.cover = cover ? cover->href : NULL;
	buf_init(&doc, 0);
	md_document(front, (const struct article *const *)v, n, t, &mo, &files, &doc);
	data = buf_detach(&doc, &len);
	/* the document last: site_write renames the pictures into place before it */
	book_add_data(&files, base, "text/markdown", "document", data, len);
	rc = site_write(dir, &files, e);
	book_release(&files);
	links_release(&links);
	free(dir);
	article_free(front_owned);
	return rc;
}

int
assemble_series_md(const struct series *s, struct article *const *v, const struct assets *t,
    const struct archive_opts *o, const char *output, struct err *e)
{
	struct article *front = article_new();
	char *dir = file_dirname(output);
	const char *base = strrchr(output, '/') ? strrchr(output, '/') + 1 : output;
	char **docs = xcalloc(s->n ? s->n : 1, sizeof *docs);
	struct md_entry *entries = xcalloc(s->n ? s->n : 1, sizeof *entries);
	struct links links;
	struct md_opts mo = { o->lang, NULL, &links, NULL, NULL };
	bool zh = strncmp(o->lang, "zh", 2) == 0;
	struct book files = { 0 };
	struct buf doc;
	char *data;
	size_t len;
	int rc = -1;

	links_init(&links);
	/* a chapter is this 文集's, whichever its own answer names (and at this list's place) */
	mo.series_name = s->name;
	mo.series_id = s->id;
	for (size_t i = 0; i < s->n; i++) {
		/* named by the list's cv number, as the EPUB's chapters: a later run writes the same names */
		docs[i] = xasprintf("cv%s.md", s->v[i].cv);
		if (strcmp(docs[i], base) == 0) {
			err_set(e, "'%s' is the name of a chapter's document: give the 文集's another",
			    output);
			goto out;
		}
		entries[i].title = v[i]->title ? v[i]->title : s->v[i].title;
		entries[i].date = v[i]->pub_ts;
		/* a placeholder (no response came) gets no document: the index names it */
		if (v[i]->raw.data == NULL)
			continue;
		entries[i].href = docs[i];
		links_add_article(&links, v[i]->id, v[i]->cv_id, docs[i]);
		links_add(&links, INPUT_CV, s->v[i].cv, docs[i]);
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct asset *cover = assemble_cover(v[i], t);

		if (entries[i].href == NULL)
			continue;
		mo.cover = cover ? cover->href : NULL;
		buf_init(&doc, 0);
		md_document(v[i], (const struct article *const *)&v[i], 1, t, &mo, &files, &doc);
		data = buf_detach(&doc, &len);
		book_add_data(&files, docs[i], "text/markdown", "chapter", data, len);
	}
	front->id = xasprintf("rl%s", s->id);
	front->title = *s->name ? xstrdup(s->name) :
	    zh ? xasprintf("文集 %s", front->id) : xasprintf("Collection %s", front->id);
	front->author_name = s->author_name ? xstrdup(s->author_name) : NULL;
	if (s->author_mid && *s->author_mid)
		front->author_url = xasprintf("https://space.bilibili.com/%s", s->author_mid);
	front->summary = s->summary ? xstrdup(s->summary) : NULL;
	front->source_url = xasprintf("https://www.bilibili.com/read/readlist/%s", front->id);
	for (size_t i = 0; i < s->n; i++)
		if (v[i]->pub_ts > front->pub_ts)
			front->pub_ts = v[i]->pub_ts;
	mo.cover = NULL;
	buf_init(&doc, 0);
	md_index(front, s->cover, entries, s->n, t, &mo, &files, &doc);
	data = buf_detach(&doc, &len);
	/* the index last: it is there only when every chapter it links to is */
	book_add_data(&files, base, "text/markdown", "index", data, len);
	rc = site_write(dir, &files, e);
out:
	xfree_strings(docs, s->n);
	free(entries);
	book_release(&files);
	links_release(&links);
	free(dir);
	article_free(front);
	return rc;
}
