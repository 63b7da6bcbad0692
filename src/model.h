/*
 * model: the article as plain C data, the contract between the parsers and the
 * renderer.  Nothing here knows JSON, HTML or XML.
 *
 * Every string in the model is valid UTF-8 holding only characters XML 1.0
 * allows (text_clean() has run on it), with HTML entities already decoded, so
 * the renderer can hand it to escaping libxml2 calls as it is.  URLs held in
 * href/url fields are absolute http(s) URLs, or NULL when the source gave none
 * or gave one of another scheme.
 *
 * Ownership: an article owns everything reachable from it; article_free()
 * frees it all.  Strings are NULL when absent unless the field says otherwise.
 */
#ifndef OA_MODEL_H
#define OA_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "file.h"

enum run_kind {
	RUN_TEXT,       /* text, with style */
	RUN_BREAK,      /* a line break inside a paragraph */
	RUN_LINK,       /* text linking to href (web, BV, CV, vote, lottery, goods, ...) */
	RUN_MENTION,    /* @user: text, href to the user's space, mid */
	RUN_TOPIC,      /* #topic#: text, href (a search) or NULL */
	RUN_EMOJI,      /* inline picture: text is "[name]" (the alt text), img_url */
	RUN_FORMULA,    /* LaTeX source in text, shown as it is */
};

enum {
	STYLE_BOLD = 1 << 0,
	STYLE_ITALIC = 1 << 1,
	STYLE_STRIKE = 1 << 2,
	STYLE_UNDERLINE = 1 << 3,
};

struct run {
	enum run_kind kind;
	char *text;             /* never NULL for TEXT/LINK/MENTION/TOPIC/EMOJI/FORMULA */
	char *href;             /* LINK, MENTION, TOPIC; NULL when unsafe or absent */
	char *img_url;          /* EMOJI: the picture */
	char *extra;            /* RICH sub-kind for LINK ("BV", "CV", ...) or the mid for MENTION */
	unsigned style;         /* STYLE_* bits */
	char color[8];          /* "#rrggbb" or "" */
	int font_size;          /* as given; 0 when absent */
	int emoji_size;         /* EMOJI: 1 small, 2 middle, 0 unknown */
	/*
	 * run_append_text()'s bookkeeping, so that merging many pieces into one
	 * run stays linear: the length of text and the bytes allocated for it,
	 * valid while text_cap is not 0.  Whoever changes text otherwise sets
	 * text_cap to 0 (or keeps text_len right).
	 */
	size_t text_len, text_cap;
};

struct runs {
	struct run *v;
	size_t n, cap;
};

enum align { ALIGN_DEFAULT, ALIGN_CENTER, ALIGN_RIGHT, ALIGN_JUSTIFY };

struct picture {
	char *url;              /* the picture as given (absolute http(s)) */
	int width, height;      /* 0 when unknown */
	double size_kib;        /* 0 when unknown */
	char *caption;          /* NULL when none */
	char *alt;              /* NULL: the renderer makes one */
};

struct list_item {
	int level;              /* 1 = outermost */
	int order;              /* the number shown by an ordered list; 0 = unknown */
	struct runs runs;
};

/* A link card: a box with an optional cover, a linked title and lines of text. */
struct card {
	char *kind;             /* "UGC", "GOODS", "VOTE", ... (the LINK_CARD_TYPE_ suffix) */
	char *badge;            /* a small head line ("UP主的推荐"), or NULL */
	char *title;
	char *url;
	char *cover;            /* picture URL or NULL */
	char **lines;           /* description lines */
	size_t nlines, lines_cap;
	struct card *items;     /* goods cards list several items */
	size_t nitems, items_cap;
};

enum block_kind {
	BLOCK_PARAGRAPH,        /* runs */
	BLOCK_HEADING,          /* runs, level (1 = the highest inside an article) */
	BLOCK_PICTURES,         /* pics */
	BLOCK_QUOTE,            /* runs, or children when the source nests blocks */
	BLOCK_LIST,             /* items, ordered */
	BLOCK_CODE,             /* lang, code */
	BLOCK_DIVIDER,          /* img_url (a divider picture) or NULL for a plain rule */
	BLOCK_CARD,             /* card */
	BLOCK_NOTICE,           /* paywalled or blocked content: title, runs (the hint) */
	BLOCK_UNKNOWN,          /* a type this program does not know: type_name, runs */
};

struct block {
	enum block_kind kind;
	enum align align;
	int level;
	struct runs runs;
	struct block *children;
	size_t nchildren, children_cap;
	struct picture *pics;
	size_t npics, pics_cap;
	int pic_style;          /* the API's pic.style (1 album, 2 scroll) */
	struct list_item *items;
	size_t nitems, items_cap;
	bool ordered;
	char *lang;             /* CODE: "bash", "python", ... or NULL */
	char *code;             /* CODE: the decoded text, whitespace kept */
	char *img_url;          /* DIVIDER */
	char *title;            /* NOTICE */
	char *type_name;        /* UNKNOWN: e.g. "para_type 42" */
	struct card card;
};

struct stat_count {
	bool known;
	long long count;
};

struct article {
	char *id;               /* the opus id as a string (never a number: 19 digits) */
	char *source_url;       /* https://www.bilibili.com/opus/ID */
	char *cv_id;            /* the 专栏 id behind an article-type opus, or NULL */
	char *title;            /* never NULL after parsing (may be "") */
	char *author_name;
	char *author_mid;
	char *author_face;      /* avatar picture URL */
	char *author_url;
	long long pub_ts;       /* unix seconds, 0 when unknown */
	char *pub_time_text;    /* the site's own display string */
	char **tags;
	size_t ntags, tags_cap;
	char *topic;            /* MODULE_TYPE_TOPIC name */
	char *topic_url;
	char *collection_name;  /* 文集 */
	char *collection_id;
	char *collection_count;
	int collection_index;   /* the article's place in its 文集, from 1; 0 when unknown */
	long long gone_since;   /* a chapter kept in its 文集's book after it left the list:
	                         * since when (unix seconds); 0: listed */
	char *category;         /* 专栏 分类, "生活 / 日常", or NULL */
	char *summary;          /* the site's plain-text excerpt (book description), or NULL */
	long long words;        /* 专栏 word count as the site gives it; 0 when unknown */
	struct picture *top;    /* MODULE_TYPE_TOP album pictures, or the 专栏 banner */
	size_t ntop, top_cap;
	struct block *blocks;
	size_t nblocks, blocks_cap;
	struct stat_count like, coin, favorite, comment, forward, view;
	struct file_bytes raw;  /* the response exactly as read, kept for the archive */
	char *raw_name;         /* what the raw response is ("opus-detail", ...) */
	bool repaired;          /* text had to be repaired (invalid UTF-8): the copy is not exact */
};

/*
 * A 文集 (readlist, "rlN"): its own data and its chapters in reading order,
 * as x/article/list/web/articles gives them (spec §1.7).  Strings follow the
 * article's rules; series_free() frees it all.
 */
struct series_chapter {
	char *cv;               /* the 专栏 number, digits only; never NULL */
	char *opus;             /* the opus id of the same article (dyn_id_str), or NULL */
	char *title;            /* as the list names it; never NULL (may be "") */
	long long pub_ts;       /* 0 when unknown */
	char *cover;            /* its first picture (image_urls[0]), or NULL */
};

struct series {
	char *id;               /* the rl number, digits only */
	char *name;             /* never NULL after parsing (may be "") */
	char *summary;          /* or NULL */
	char *cover;            /* image_url, or NULL */
	char *author_name;      /* data.author, or NULL */
	char *author_mid;
	long long updated;      /* update_time, unix seconds; 0 when unknown */
	struct series_chapter *v;
	size_t n, cap;
	char *raw;              /* the list response exactly as read, kept for the archive */
	size_t raw_len;
};

void series_free(struct series *s);

/*
 * The latest publication time a book may carry: 9999-12-31 23:59:59 at
 * +08:00.  Every date we write (the package's dc:date in UTC, the pages'
 * dates at Beijing time, {date} in names) has a four-digit year up to there.
 */
#define MODEL_TIME_MAX 253402271999LL
/*
 * Return true when ts (unix seconds) can be an article's pub_ts: 1 to
 * MODEL_TIME_MAX.  0 and negative times mean "unset" in the API's answers;
 * a parser drops the others with a warning, so no writer sees them.
 */
bool model_time_ok(long long ts);

/* China Standard Time, at which the site shows its dates (no daylight saving). */
#define MODEL_UTC_OFFSET (8 * 3600)
/*
 * Write ts (unix seconds) moved by offset seconds (MODEL_UTC_OFFSET for the
 * site's local time, 0 for UTC) into out (n bytes) in strftime format fmt.
 * Return false, out left as it was, when the time cannot be broken down:
 * the parsers keep articles' times within model_time_ok(), but a writer
 * also dates other things (the clock, a 文集's chapters).
 */
bool model_format_time(long long ts, int offset, const char *fmt, char *out, size_t n);

struct article *article_new(void);
void article_free(struct article *a);
/*
 * a takes *raw (which is emptied), the response it was parsed from, to keep
 * in the archive: taken, not copied, as a long response is most of what the
 * run touches in memory.
 */
void article_take_raw(struct article *a, struct file_bytes *raw);

/* Append a zeroed element and return it (the array owns it). */
struct run *runs_push(struct runs *r, enum run_kind kind);
struct block *article_push_block(struct article *a, enum block_kind kind);
struct block *block_push_child(struct block *b, enum block_kind kind);
struct picture *block_push_picture(struct block *b);
struct list_item *block_push_item(struct block *b);
/* A new, empty item of card cd (owned by cd; goods cards list several). */
struct card *card_push_item(struct card *cd);

/* Append the n bytes at s to x->text (amortised: a run grown piece by piece costs its length). */
void run_append_text(struct run *x, const char *s, size_t n);
/* Return the length of x->text (0 for none), without a scan when it is known. */
size_t run_text_len(const struct run *x);

void runs_release(struct runs *r);
void block_release(struct block *b);

/*
 * The nesting of list items rebuilt from their levels, as every writer of
 * lists does it (the article's lists in XHTML and Markdown, the table of
 * contents): the levels of the lists open now, outermost first, strictly
 * rising.  Start from { 0 }.  The writers keep their own data for each open
 * list in arrays of LIST_NEST_MAX indexed like level[].
 */
#define LIST_NEST_MAX 18        /* more than the 16 levels the parsers let through */
struct list_nest {
	int level[LIST_NEST_MAX];
	int depth;              /* lists open; the current one is level[depth - 1]'s */
};

/*
 * Fit the next item, at level, into n: close the lists deeper than level,
 * open one when level is deeper than the current list.  A level between two
 * open ones (2 after 3 under 1) continues the deeper list at that level:
 * a second list under the same item would put two lists in one <li>, which
 * a nav document may not hold.  Return true when the item opens a new list,
 * n->depth - 1 after the call (inside the last item of the list above, which
 * always has one: every list opens with an item); false when it joins the
 * list n->depth - 1.  Past LIST_NEST_MAX the item joins the deepest list.
 */
bool list_nest_step(struct list_nest *n, int level);

/* Return true when r shows nothing: only breaks and blank text (the editor's empty lines). */
bool runs_blank(const struct runs *r);
/*
 * Return the article's plain visible text of runs joined (used for headings in
 * the table of contents and for alt texts); the caller frees it.
 */
char *runs_plain_text(const struct runs *r);
/* How messages name the article with model id id: "opus " before an opus id, nothing before "cvN" (or a 文集's "rlN"). */
const char *article_kind(const char *id);

/*
 * Call fn(url, ctx) for every picture URL the article shows: TOP album,
 * avatar, content pictures, emoji, divider pictures, card covers.
 */
void article_each_picture(const struct article *a,
    void (*fn)(const char *url, void *ctx), void *ctx);

#endif
