/*
 * md: the article as a Markdown document (GitHub-flavoured: CommonMark,
 * strikethrough, autolinks) with YAML front matter, for Obsidian, Typora,
 * Hugo and pandoc.  A renderer from the model, beside render.c: it knows
 * Markdown's and YAML's syntax and nothing of the parsers.
 *
 * Every character of the writer's text shows literally: what Markdown (or
 * a tool that reads Markdown: HTML, Hugo shortcodes, Obsidian tags and
 * comments, pandoc citations) would take as markup is escaped, so a title
 * or paragraph crafted as Markdown or HTML comes out inert.  Only http(s)
 * addresses (and the relative paths of pictures) become link targets.
 *
 * Pictures: a READY asset is linked at its href ("images/<sha256>.png",
 * relative to the document) and added to pics, once; any other picture is
 * linked at its original address with a note saying it was not archived.
 */
#ifndef OA_MD_H
#define OA_MD_H

#include <stddef.h>

#include "assets.h"
#include "book.h"
#include "buf.h"
#include "links.h"
#include "model.h"

struct md_opts {
	const char *lang;       /* BCP 47 tag: "zh..." gets Chinese notes, else English */
	const char *cover;      /* the cover picture's href for the front matter, or NULL */
	/*
	 * Where the articles archived together are ("cv1.md", "#opus-1"), so
	 * that a link to one opens the local copy; NULL: every link is the web's.
	 */
	const struct links *links;
	/*
	 * The 文集 the document is a chapter of (its name and digits), said in
	 * its front matter instead of the one the article names, or NULL: the
	 * position (collection_index) is this one's.
	 */
	const char *series_name, *series_id;
};

/*
 * Append to out the Markdown document of the n articles v[] (in the order
 * given): front matter describing front (for one article, the article
 * itself; for several, what they share), then each article as a chapter
 * whose title is a level-1 heading, with its byline, top pictures and body.
 * Every picture linked at a local href is added to pics (a book whose items
 * are files; the caller writes them beside the document).
 */
void md_document(const struct article *front, const struct article *const *v, size_t n,
    const struct assets *t, const struct md_opts *o, struct book *pics, struct buf *out);

/*
 * One line of a 文集's index: a chapter's title and date (0: unknown), and
 * its document's href ("cv1.md"), or NULL for a chapter that could not be
 * had (listed with a note, not linked).
 */
struct md_entry {
	const char *title;
	long long date;
	const char *href;
};

/*
 * Append to out the index document of a 文集: front matter describing front
 * (its title, author, newest date, summary, source, id "rlN"), its title as
 * the level-1 heading, its picture (cover_url, when t holds it READY: added
 * to pics and named in the front matter as cover), its summary, then its n
 * chapters v[] as a numbered list, in the order given.
 */
void md_index(const struct article *front, const char *cover_url, const struct md_entry *v,
    size_t n, const struct assets *t, const struct md_opts *o, struct book *pics, struct buf *out);

/*
 * The anchor of article id inside a document of several ("opus-ID"),
 * written before its title; the caller frees.
 */
char *md_anchor(const char *id);

/*
 * Point the links of a document (doc, len bytes, as md_document wrote it) at
 * the articles l knows, as md_document would have had they been archived
 * when it was written: every link whose destination is the address of such
 * an article gets its local document, unless that is the document itself
 * (self: its file name).  Addresses written as their own link text (a web
 * address in the writer's words) stay, as md_document leaves them; the
 * front matter and code blocks are not read.  Returns 1 with the new
 * document in *out (caller frees), 0 when no link changed.
 */
int md_relink(const char *doc, size_t len, const struct links *l, const char *self, char **out,
    size_t *outlen);

/* Append s to out as a YAML double-quoted scalar (every character kept, none taken as syntax). */
void md_yaml_string(struct buf *out, const char *s);

#endif
