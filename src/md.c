#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "md.h"
#include "text.h"
#include "xalloc.h"


struct md_labels {
	const char *published;
	const char *not_archived;       /* the note after a picture that is not in the archive */
	const char *gap;                /* the note after a 文集's chapter that could not be had */
};

static const struct md_labels md_zh = { "发布于", "图片未能存档", "未能存档" };
static const struct md_labels md_en = { "published", "picture not archived", "not archived" };

/*
 * The writer: the document so far, the prefix every new line starts with
 * (quote markers and list indentation of the containers open), and what the
 * inline escaping needs to know about the current line.
 */
struct mctx {
	struct buf *out;
	struct buf prefix;
	const struct assets *t;
	struct book *pics;
	const struct md_labels *l;
	const struct links *links;      /* the articles archived together, or NULL */
	bool line_start;        /* nothing of the line's content written yet */
	bool after_delim;       /* the last thing written closed an emphasis ("**", "~~") */
	bool in_link;           /* writing a link's text: no link may start inside */
	bool first_block;       /* no block written yet in the current container */
	int last_list;          /* the block before: 0 not a list, 1 unordered, 2 ordered */
	bool last_other;        /* and it was written with the other markers */
};

/* --- UTF-8 ------------------------------------------------------------------------- */

/*
 * Return the code point of the character at NUL-terminated s.  A byte that
 * starts no valid sequence (text_utf8_len() steps over it alone) stands for
 * the character of its value: the model never holds one, and a caller given
 * one anyway neither drops it nor lets a C1 byte through unescaped.
 */
static unsigned
code_point(const char *s)
{
	unsigned cp;

	return text_utf8_get(s, strnlen(s, 4), &cp) ? cp : (unsigned char)*s;
}

/*
 * Return true when emphasis delimiters written right against c (inside the
 * emphasis) are sure to work: CommonMark's flanking rules fail next to
 * white space and punctuation (「粗体」 in **…** between Chinese letters is
 * not bold), so only letters and digits of the common scripts qualify.
 */
static bool
edge_ok(unsigned c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
	return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x391 && c <= 0x3c9) || (c >= 0x400 && c <= 0x4ff) ||
	    (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fa) ||
	    (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xff10 && c <= 0xff19) || (c >= 0xff21 && c <= 0xff3a) ||
	    (c >= 0xff41 && c <= 0xff5a) || (c >= 0x20000 && c <= 0x3ffff);
}

/* Return true for the white space trimmed off the edges of emphasis: ASCII, NBSP, ideographic. */
static bool
is_space_at(const char *s, size_t *len)
{
	*len = text_utf8_len(s);
	if (*len == 1)
		return *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
	if (*len == 2)
		return (unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0;
	if (*len == 3)
		return code_point(s) == 0x3000;
	return false;
}

/* Return the start of the last character of the text from s to e (e > s). */
static const char *
last_char(const char *s, const char *e)
{
	const char *q = e - 1;

	while (q > s && ((unsigned char)*q & 0xc0) == 0x80)
		q--;
	return q;
}

/* --- the writer ------------------------------------------------------------------- */

/* Write markup (not the writer's text): the line has begun. */
static void
put(struct mctx *c, const char *s)
{
	buf_adds(c->out, s);
	c->line_start = false;
	c->after_delim = false;
}

/* End the line; the next starts with the containers' prefix. */
static void
newline(struct mctx *c)
{
	buf_addc(c->out, '\n');
	buf_add(c->out, c->prefix.data ? c->prefix.data : "", c->prefix.len);
	c->line_start = true;
	c->after_delim = false;
}

/* Start a block: a blank line (inside the containers) after the one before. */
static void
begin_block(struct mctx *c)
{
	if (!c->first_block) {
		size_t n = c->prefix.len;

		/* the blank line: the prefix without its trailing spaces */
		while (n > 0 && c->prefix.data[n - 1] == ' ')
			n--;
		buf_addc(c->out, '\n');
		buf_add(c->out, c->prefix.data ? c->prefix.data : "", n);
		newline(c);
	}
	c->first_block = false;
	c->line_start = true;
	c->after_delim = false;
	c->last_list = 0;
}

static size_t
push_prefix(struct mctx *c, const char *s)
{
	size_t old = c->prefix.len;

	buf_adds(&c->prefix, s);
	return old;
}

static void
pop_prefix(struct mctx *c, size_t old)
{
	c->prefix.len = old;
	if (c->prefix.data)
		c->prefix.data[old] = '\0';
}

/*
 * Start a block quote: its marker on this line and in the prefix of the lines
 * after, and no blank line before its first block.  What follows the marker
 * is at a line's start (a "- " there would start a list).  Return what
 * end_quote() restores.
 */
static size_t
begin_quote(struct mctx *c)
{
	size_t old;

	begin_block(c);
	old = push_prefix(c, "> ");
	put(c, "> ");
	c->first_block = true;
	c->line_start = true;
	return old;
}

/* End the block quote that begin_quote() began (old: what it returned). */
static void
end_quote(struct mctx *c, size_t old)
{
	pop_prefix(c, old);
	c->first_block = false;
}

/*
 * Write n bytes of the writer's text at s so that every character shows as
 * it is.  Escaped with a backslash (valid before any ASCII punctuation):
 * what starts inline markup anywhere (\ ` * _ [ ] < > & | ~ $ and, for
 * Obsidian and pandoc, # @ ^), doubled = % { } (Obsidian's highlights and
 * comments, Hugo's shortcodes), and at the start of a line what would start
 * a block (- + = and the dot or parenthesis of "1." and "1)").  Spaces and
 * tabs that start a line become character references, so that no line turns
 * into a code block; line feeds are white space, as in the XHTML.
 */
static void
put_plain(struct mctx *c, const char *s, size_t n)
{
	static const char always[] = "\\`*_[]<>&|~$#@^";
	static const char doubled[] = "=%{}";
	const char *end = s + n;

	for (const char *p = s; p < end; ) {
		size_t k = text_utf8_len(p);
		char ch = *p;

		if (k == 0)
			break;
		if (k > 1) {
			buf_add(c->out, p, k);
			c->line_start = false;
			c->after_delim = false;
			p += k;
			continue;
		}
		if (ch == '\n' || ch == '\r')
			ch = ' ';
		if (c->line_start) {
			if (ch == ' ' || ch == '\t') {
				put(c, ch == ' ' ? "&#32;" : "&#9;");
				c->line_start = false;
				p++;
				continue;
			}
			/*
			 * "- ", "+ ", "-", "---", "===": a list item, a rule or a
			 * heading's underline; "-5" and "+1" are only text.  The end
			 * of the piece counts as a space (the next run may start one).
			 */
			if (strchr("-+=", ch) && (p + 1 == end || strchr(" \t\n\r", p[1]) || p[1] == ch)) {
				/* escaped once, whatever the rules below would add */
				buf_addc(c->out, '\\');
				buf_addc(c->out, ch);
				c->line_start = false;
				c->after_delim = false;
				p++;
				continue;
			} else if (ch >= '0' && ch <= '9') {
				const char *q = p;

				while (q < end && q - p < 10 && *q >= '0' && *q <= '9')
					q++;
				/* "1. " and "1) " start a list; "2.3万" does not */
				if (q < end && (*q == '.' || *q == ')') &&
				    (q + 1 == end || strchr(" \t\n\r", q[1]))) {
					buf_add(c->out, p, (size_t)(q - p));
					buf_addc(c->out, '\\');
					buf_addc(c->out, *q);
					c->line_start = false;
					c->after_delim = false;
					p = q + 1;
					continue;
				}
			}
		}
		if (strchr(always, ch) ||
		    (strchr(doubled, ch) && ((p + 1 < end && p[1] == ch) || (p > s && p[-1] == ch))))
			buf_addc(c->out, '\\');
		buf_addc(c->out, ch);
		c->line_start = false;
		c->after_delim = false;
		p++;
	}
}

static void put_dest(struct mctx *c, const char *u);

/*
 * Return the length of the web address that starts at p (end: where the
 * text ends), or 0: "http://", "https://" or "www." after the start or a
 * character that is not a letter or digit, up to white space or "<", less
 * trailing punctuation and unbalanced ")" (GitHub's autolink rules).
 */
static size_t
url_at(const char *s, const char *p, const char *end)
{
	size_t skip, n = 0;
	int open = 0;

	if (p > s && ((p[-1] >= '0' && p[-1] <= '9') || (p[-1] >= 'A' && p[-1] <= 'Z') ||
	    (p[-1] >= 'a' && p[-1] <= 'z')))
		return 0;
	if (end - p > 8 && strncasecmp(p, "https://", 8) == 0)
		skip = 8;
	else if (end - p > 7 && strncasecmp(p, "http://", 7) == 0)
		skip = 7;
	else if (end - p > 4 && strncasecmp(p, "www.", 4) == 0)
		skip = 4;
	else
		return 0;
	while (p + n < end && (unsigned char)p[n] > 0x20 && p[n] != '<' && p[n] != '>' &&
	    p[n] != 0x7f)
		n++;
	for (;;) {
		while (n > skip && strchr("?!.,:*_~'\";", p[n - 1]))
			n--;
		open = 0;
		for (size_t i = 0; i < n; i++)
			open += p[i] == '(' ? 1 : p[i] == ')' ? -1 : 0;
		if (n > skip && p[n - 1] == ')' && open < 0) {
			n--;
			continue;
		}
		break;
	}
	return n > skip ? n : 0;
}

/*
 * Write the writer's text, each web address in it as a link of its own
 * words: GitHub's parser would link it anyway, and an address written
 * escaped ("a\_b") would show its backslashes there.
 */
static void
put_text_n(struct mctx *c, const char *s, size_t n)
{
	const char *end = s + n, *from = s;

	if (c->in_link) {
		put_plain(c, s, n);
		return;
	}
	for (const char *p = s; p < end; p++) {
		size_t k = (*p == 'h' || *p == 'H' || *p == 'w' || *p == 'W') ? url_at(s, p, end) : 0;
		char *dest;

		if (k == 0)
			continue;
		put_plain(c, from, (size_t)(p - from));
		dest = strncasecmp(p, "www.", 4) == 0 ? xasprintf("http://%.*s", (int)k, p) :
		    xstrndup(p, k);
		put(c, "[");
		c->in_link = true;
		put_plain(c, p, k);
		c->in_link = false;
		put(c, "](");
		put_dest(c, dest);
		put(c, ")");
		free(dest);
		p += k - 1;
		from = p + 1;
	}
	put_plain(c, from, (size_t)(end - from));
}

static void
put_text(struct mctx *c, const char *s)
{
	if (s)
		put_text_n(c, s, strlen(s));
}

/* Return true for a web address, the only kind written as a link target. */
static bool
web_url(const char *u)
{
	return u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0);
}

/*
 * Where a link to u goes: the local copy of an article archived alongside
 * ("cv1.md", "#opus-1"), else u when it is a web address, else NULL (no
 * link).
 */
static const char *
link_dest(const struct mctx *c, const char *u)
{
	const char *local;

	if (!web_url(u))
		return NULL;
	local = links_local(c->links, u);
	return local ? local : u;
}

/*
 * Write a link destination: white space and controls percent-encoded (a
 * destination cannot hold them), the characters that would end it or start
 * an entity escaped with a backslash.
 */
static void
dest_escape(struct buf *out, const char *u)
{
	for (const unsigned char *p = (const unsigned char *)u; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			buf_addf(out, "%%%02X", *p);
		else if (strchr("()<>\\&", *p))
			buf_addf(out, "\\%c", *p);
		else
			buf_addc(out, (char)*p);
	}
}

static void
put_dest(struct mctx *c, const char *u)
{
	dest_escape(c->out, u);
}

/* Write [text](dest), text shown as it is (no link inside a link). */
static void
put_link(struct mctx *c, const char *text, const char *dest)
{
	put(c, "[");
	c->in_link = true;
	put_text(c, text);
	c->in_link = false;
	put(c, "](");
	put_dest(c, dest);
	put(c, ")");
	c->after_delim = false;
}

/* Write ![alt](href): a local picture, or the original address. */
static void
put_image(struct mctx *c, const char *alt, const char *href)
{
	put(c, "!");
	put_link(c, alt, href);
}

/* Return the READY asset for url, adding its file to the pictures written beside the document. */
static const struct asset *
use_picture(struct mctx *c, const char *url)
{
	const struct asset *as = url ? assets_find(c->t, url) : NULL;

	if (as == NULL || as->state != ASSET_READY)
		return NULL;
	if (book_find(c->pics, as->href) == NULL)
		book_add_file(c->pics, as->href, media_type(as->media), "img", as->path);
	return as;
}

/* --- inline content --------------------------------------------------------------- */

/*
 * Open the HTML elements for the bold, italic and strikethrough in style, or
 * close them in the reverse order, so that they nest.  Underline is the
 * caller's: its <u> also wraps Markdown's delimiters.
 */
static void
put_html_styles(struct mctx *c, unsigned style, bool closing)
{
	static const struct {
		unsigned style;
		const char *open, *close;
	} tags[] = {
		{ STYLE_BOLD, "<strong>", "</strong>" },
		{ STYLE_ITALIC, "<em>", "</em>" },
		{ STYLE_STRIKE, "<del>", "</del>" },
	};
	size_t n = sizeof tags / sizeof *tags;

	for (size_t j = 0; j < n; j++) {
		size_t k = closing ? n - 1 - j : j;

		if (style & tags[k].style)
			put(c, closing ? tags[k].close : tags[k].open);
	}
}

/*
 * Write a run of text with its styles.  Bold, italic and strikethrough are
 * Markdown's delimiters where CommonMark's flanking rules are sure to honour
 * them, else the inline HTML for the same (<strong>, <em>, <del>), so the
 * meaning is never lost; underline has no Markdown and is <u>.  Colours
 * and sizes are dropped: Markdown has no place for them.
 */
static void
put_styled(struct mctx *c, const char *text, unsigned style)
{
	const char *s = text, *e = text + strlen(text);
	const char *open_md = NULL, *close_md = NULL;
	size_t k;
	unsigned first, last;
	bool b = style & STYLE_BOLD, i = style & STYLE_ITALIC, st = style & STYLE_STRIKE;
	bool u = style & STYLE_UNDERLINE;

	/* white space at the edges goes outside the emphasis */
	while (s < e && is_space_at(s, &k))
		s += k;
	while (e > s) {
		const char *q = last_char(s, e);

		if (!is_space_at(q, &k))
			break;
		e = q;
	}
	if (s == e || (style & (STYLE_BOLD | STYLE_ITALIC | STYLE_STRIKE | STYLE_UNDERLINE)) == 0) {
		put_text(c, text);
		return;
	}
	put_text_n(c, text, (size_t)(s - text));
	first = code_point(s);
	last = code_point(last_char(s, e));
	if (u)
		put(c, "<u>");
	/* one kind of delimiter, letters at both edges, nothing closing right before */
	if (!b && !i && !st) {
		/* underline alone: <u> is all */
	} else if (edge_ok(first) && edge_ok(last) && (u || !c->after_delim) && !(st && (b || i))) {
		open_md = close_md = st ? "~~" : b && i ? "***" : b ? "**" : "*";
		put(c, open_md);
	} else {
		put_html_styles(c, style, false);
	}
	/* the opening delimiter is not a line start: "- " inside stays text anyway */
	c->line_start = false;
	put_text_n(c, s, (size_t)(e - s));
	if (close_md)
		put(c, close_md);
	else
		put_html_styles(c, style, true);
	if (u)
		put(c, "</u>");
	c->after_delim = close_md != NULL && !u;
	put_text(c, e);
}

/*
 * Write a formula as $…$ (display: $$…$$), its LaTeX kept for the tools that
 * typeset it (Obsidian, Typora, pandoc, Hugo with KaTeX), made harmless for
 * those that do not: on one line, < and > as \lt and \gt (no HTML can
 * start), "](" spaced (no link can form), $ escaped, no backslash or space
 * against the closing dollar.
 */
static void
put_formula(struct mctx *c, const char *tex, bool display)
{
	const char *delim = display ? "$$" : "$";
	const char *s = tex, *e = tex + strlen(tex);
	struct buf f;

	while (s < e && strchr(" \t\n", *s))
		s++;
	while (e > s && strchr(" \t\n", e[-1]))
		e--;
	if (s == e) {
		put_text(c, tex);
		return;
	}
	buf_init(&f, 0);
	for (const char *p = s; p < e; p++) {
		if (*p == '\n' || *p == '\r')
			buf_addc(&f, ' ');
		else if (*p == '<')
			buf_adds(&f, "\\lt ");
		else if (*p == '>')
			buf_adds(&f, "\\gt ");
		else if (*p == '$' && (p == s || p[-1] != '\\'))
			buf_adds(&f, "\\$");
		else if (*p == '(' && p > s && p[-1] == ']')
			buf_adds(&f, " (");
		else
			buf_addc(&f, *p);
	}
	if (f.len && f.data[f.len - 1] == '\\')
		buf_adds(&f, "{}");
	put(c, delim);
	buf_add(c->out, f.data, f.len);
	put(c, delim);
	buf_release(&f);
	c->line_start = false;
	c->after_delim = false;
}

/*
 * Write the runs inline.  one_line: a heading, which cannot hold a line
 * break (breaks become spaces).  Breaks before the first and after the last
 * content are dropped: a hard break cannot end a paragraph.
 */
static void
put_runs(struct mctx *c, const struct runs *r, bool one_line)
{
	size_t from = 0, to = r->n;

	while (from < to && r->v[from].kind == RUN_BREAK)
		from++;
	while (to > from && r->v[to - 1].kind == RUN_BREAK)
		to--;
	for (size_t i = from; i < to; i++) {
		const struct run *x = &r->v[i];

		switch (x->kind) {
		case RUN_BREAK:
			if (one_line) {
				put(c, " ");
			} else {
				put(c, "\\");
				newline(c);
			}
			break;
		case RUN_TEXT:
			put_styled(c, x->text, x->style);
			break;
		case RUN_LINK:
		case RUN_MENTION:
		case RUN_TOPIC:
			if (link_dest(c, x->href))
				put_link(c, *x->text ? x->text : x->href, link_dest(c, x->href));
			else
				put_text(c, x->text);
			break;
		case RUN_EMOJI: {
			const struct asset *as = use_picture(c, x->img_url);

			if (as)
				put_image(c, x->text, as->href);
			else
				put_text(c, x->text);
			break;
		}
		case RUN_FORMULA:
			put_formula(c, x->text, false);
			break;
		}
	}
}

/* --- blocks ------------------------------------------------------------------------ */

/*
 * Write a picture as its own paragraph: ![alt](images/...), its alternative
 * text (else its caption) kept, and a caption that says more shown under
 * it.  One not archived is linked at its web address with no alternative
 * text, which the note after it carries instead (a reader offline sees the
 * note, not a broken picture's text twice).
 */
static void
put_picture(struct mctx *c, const struct picture *p)
{
	const struct asset *as = use_picture(c, p->url);
	const char *cap = p->caption && *p->caption ? p->caption : NULL;
	const char *alt = p->alt && *p->alt ? p->alt : cap ? cap : "";
	bool more = cap && strcmp(cap, alt) != 0;

	begin_block(c);
	if (as) {
		put_image(c, alt, as->href);
	} else if (web_url(p->url)) {
		const struct asset *any = assets_find(c->t, p->url);

		put_image(c, "", p->url);
		put(c, " ");
		put_text(c, "(");
		put_text(c, c->l->not_archived);
		if (*alt) {
			put_text(c, ": ");
			put_text(c, alt);
		}
		if (more) {
			put_text(c, " ");
			put_text(c, cap);
		}
		more = false;
		if (any && any->problem) {
			put_text(c, " (");
			put_text(c, any->problem);
			put_text(c, ")");
		}
		put_text(c, ")");
	} else {
		put_text(c, alt);
	}
	if (more) {
		put(c, "\\");
		newline(c);
		put_text(c, cap);
	}
}

/*
 * Write a list with its nesting and numbering.  Each open level remembers
 * where its items' text starts (the next level is indented to there) and,
 * when ordered, the number the next item would get: an item whose number is
 * not that one starts a new list, written with the other delimiter ("."
 * and ")" lists never merge) so that CommonMark starts it at its number.
 */
static void
put_list(struct mctx *c, const struct block *b)
{
	struct list_nest nest = { 0 };
	struct {
		size_t indent;          /* prefix length of this list's marker lines */
		size_t content;         /* prefix length of its items' text */
		int next;
		char delim;
	} st[LIST_NEST_MAX];
	size_t base = c->prefix.len;
	/*
	 * Two lists of a kind one after the other would merge into one: the
	 * second takes the other bullet ("-" or "*") or delimiter ("." or ")").
	 */
	bool other = c->last_list == (b->ordered ? 2 : 1) && !c->last_other;

	begin_block(c);
	for (size_t i = 0; i < b->nitems; i++) {
		const struct list_item *it = &b->items[i];
		char marker[32];
		int num, k;

		if (list_nest_step(&nest, it->level)) {
			k = nest.depth - 1;
			st[k].indent = k == 0 ? base : st[k - 1].content;
			st[k].next = b->ordered && it->order > 0 ? it->order : 1;
			st[k].delim = k == 0 && other ? ')' : '.';
		}
		k = nest.depth - 1;
		num = b->ordered && it->order > 0 ? it->order : st[k].next;
		if (b->ordered && num != st[k].next)
			st[k].delim = st[k].delim == '.' ? ')' : '.';
		st[k].next = num + 1;
		if (b->ordered)
			snprintf(marker, sizeof marker, "%d%c ", num, st[k].delim);
		else
			snprintf(marker, sizeof marker, "%c ", k == 0 && other ? '*' : '-');
		/* the marker line: the prefix up to this list's indentation */
		pop_prefix(c, st[k].indent);
		if (i > 0)
			newline(c);
		put(c, marker);
		st[k].content = st[k].indent + strlen(marker);
		for (size_t j = strlen(marker); j > 0; j--)
			buf_addc(&c->prefix, ' ');
		c->line_start = true;
		c->after_delim = false;
		put_runs(c, &it->runs, false);
	}
	pop_prefix(c, base);
	c->last_list = b->ordered ? 2 : 1;
	c->last_other = other;
}

/*
 * Write code as a fenced block: the fence longer than any run of backticks
 * inside, the language cut to the characters an info string may hold.
 */
static void
put_code(struct mctx *c, const char *lang, const char *code)
{
	size_t run = 0, longest = 0, fence;

	for (const char *p = code ? code : ""; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest >= 3 ? longest + 1 : 3;
	begin_block(c);
	for (size_t i = 0; i < fence; i++)
		buf_addc(c->out, '`');
	for (const char *p = lang ? lang : ""; *p && p - lang < 32; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("+#._-", *p))
			buf_addc(c->out, *p);
	for (const char *p = code ? code : ""; *p; ) {
		size_t n = strcspn(p, "\n");

		newline(c);
		buf_add(c->out, p, n);
		p += n;
		if (*p == '\n')
			p++;
	}
	newline(c);
	for (size_t i = 0; i < fence; i++)
		buf_addc(c->out, '`');
	c->line_start = false;
}

static void put_blocks(struct mctx *c, const struct block *v, size_t n, int shift);

/*
 * Write a link card as a quote: its badge, its title (a link when it has
 * an address), its lines, its cover, and the items of a goods card as
 * quotes inside.
 */
static void
put_card(struct mctx *c, const struct card *cd)
{
	const struct asset *cover = use_picture(c, cd->cover);
	size_t old = begin_quote(c);

	if (cd->badge) {
		begin_block(c);
		put_text(c, cd->badge);
	}
	if (cd->title || cd->url) {
		begin_block(c);
		if (link_dest(c, cd->url)) {
			put(c, "[");
			c->in_link = true;
			put_styled(c, cd->title ? cd->title : cd->url, STYLE_BOLD);
			c->in_link = false;
			put(c, "](");
			put_dest(c, link_dest(c, cd->url));
			put(c, ")");
		} else {
			put_styled(c, cd->title ? cd->title : "", STYLE_BOLD);
		}
	}
	if (cd->nlines) {
		begin_block(c);
		for (size_t i = 0; i < cd->nlines; i++) {
			if (i > 0) {
				put(c, "\\");
				newline(c);
			}
			put_text(c, cd->lines[i]);
		}
	}
	if (cover) {
		begin_block(c);
		/* no alt text: the title is right above, a reader would hear it twice */
		put_image(c, "", cover->href);
	}
	for (size_t i = 0; i < cd->nitems; i++)
		put_card(c, &cd->items[i]);
	end_quote(c, old);
}

static void
put_block(struct mctx *c, const struct block *b, int shift)
{
	size_t old;

	switch (b->kind) {
	case BLOCK_PARAGRAPH:
	case BLOCK_UNKNOWN:     /* its text (the parser has said what it did not know) */
		if (runs_blank(&b->runs))
			return;
		begin_block(c);
		if (b->runs.n == 1 && b->runs.v[0].kind == RUN_FORMULA)
			put_formula(c, b->runs.v[0].text, true);
		else
			put_runs(c, &b->runs, false);
		return;
	case BLOCK_HEADING: {
		int level = b->level + shift;

		if (runs_blank(&b->runs))
			return;
		level = level < 2 ? 2 : level > 6 ? 6 : level;
		begin_block(c);
		for (int i = 0; i < level; i++)
			buf_addc(c->out, '#');
		put(c, " ");
		c->line_start = true;
		put_runs(c, &b->runs, true);
		return;
	}
	case BLOCK_PICTURES:
		for (size_t i = 0; i < b->npics; i++)
			put_picture(c, &b->pics[i]);
		return;
	case BLOCK_QUOTE:
		old = begin_quote(c);
		if (!runs_blank(&b->runs)) {
			begin_block(c);
			put_runs(c, &b->runs, false);
		}
		put_blocks(c, b->children, b->nchildren, shift);
		end_quote(c, old);
		return;
	case BLOCK_LIST:
		if (b->nitems)
			put_list(c, b);
		return;
	case BLOCK_CODE:
		put_code(c, b->lang, b->code);
		return;
	case BLOCK_DIVIDER: {
		const struct asset *as = use_picture(c, b->img_url);

		begin_block(c);
		if (as)
			put_image(c, "", as->href);
		else
			put(c, "---");
		return;
	}
	case BLOCK_CARD:
		put_card(c, &b->card);
		return;
	case BLOCK_NOTICE:
		old = begin_quote(c);
		begin_block(c);
		put_styled(c, b->title ? b->title : "", STYLE_BOLD);
		if (!runs_blank(&b->runs)) {
			begin_block(c);
			put_runs(c, &b->runs, false);
		}
		end_quote(c, old);
		return;
	}
}

static void
put_blocks(struct mctx *c, const struct block *v, size_t n, int shift)
{
	for (size_t i = 0; i < n; i++)
		put_block(c, &v[i], shift);
}

/* --- front matter ------------------------------------------------------------------ */

/* --- links pointed at documents written later ------------------------------------------- */

/* Whether s[i] follows an odd run of backslashes (on its line: from s) and so is escaped. */
static bool
escaped_at(const char *s, size_t i)
{
	size_t n = 0;

	while (n < i && s[i - n - 1] == '\\')
		n++;
	return n % 2 == 1;
}

/*
 * [s, e) with its backslash escapes taken off, as CommonMark reads them (a
 * backslash before ASCII punctuation): what put_plain and dest_escape
 * escaped comes back.  The caller frees.
 */
static char *
unescape(const char *s, const char *e)
{
	struct buf b;

	buf_init(&b, 0);
	for (const char *p = s; p < e; p++) {
		if (*p == '\\' && p + 1 < e && (unsigned char)p[1] < 0x80 && ispunct((unsigned char)p[1]))
			p++;
		buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

/*
 * One line [s, e) of a document's body into out, its links relinked; return
 * how many changed.  Plain text escapes every bracket and spaces "](" in a
 * formula, so an unescaped "](" is always a link this file wrote: its text
 * starts at the unescaped "[" before it, its destination ends at the first
 * unescaped ")".
 */
static int
relink_line(const char *s, const char *e, const struct links *l, const char *self,
    struct buf *out)
{
	const char *from = s;
	int changed = 0;

	for (const char *p = s; p + 1 < e; p++) {
		const char *open = NULL, *q;
		char *text, *dest;
		const char *local;

		if (p[0] != ']' || p[1] != '(' || escaped_at(s, (size_t)(p - s)))
			continue;
		for (const char *b = p; b > s && open == NULL; b--)
			if (b[-1] == '[' && !escaped_at(s, (size_t)(b - 1 - s)))
				open = b - 1;
		for (q = p + 2; q < e && (*q != ')' || escaped_at(s, (size_t)(q - s))); q++)
			;
		if (open == NULL || q >= e)
			continue;
		text = unescape(open + 1, p);
		dest = unescape(p + 2, q);
		local = links_local(l, dest);
		/* an address written as its own text is the writer's words: it stays */
		if (local && strcmp(local, self) != 0 && strcmp(text, dest) != 0 &&
		    !(strncmp(dest, "http://", 7) == 0 && strcmp(text, dest + 7) == 0)) {
			buf_add(out, from, (size_t)(p + 2 - from));
			dest_escape(out, local);
			from = q;
			changed++;
		}
		free(text);
		free(dest);
		p = q;
	}
	buf_add(out, from, (size_t)(e - from));
	return changed;
}

int
md_relink(const char *doc, size_t len, const struct links *l, const char *self, char **out,
    size_t *outlen)
{
	const char *p = doc, *end = doc + len;
	size_t fence = 0;
	int changed = 0;
	struct buf b;

	*out = NULL;
	*outlen = 0;
	buf_init(&b, 0);
	if (len >= 4 && strncmp(doc, "---\n", 4) == 0) {
		/* the front matter, to its closing "---" line, as it is */
		const char *close = NULL;

		for (const char *q = doc + 3; q && q < end; q = memchr(q + 1, '\n', (size_t)(end - q - 1)))
			if (end - q >= 4 && strncmp(q, "\n---", 4) == 0 && (end - q == 4 || q[4] == '\n')) {
				close = q + 4;
				break;
			}
		if (close) {
			buf_add(&b, doc, (size_t)(close - doc));
			p = close;
		}
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *t = p;
		size_t ticks = 0;

		/* a code block's fence, inside quotes and lists too: its lines are not read */
		while (t < e && (*t == '>' || *t == ' '))
			t++;
		while (t + ticks < e && t[ticks] == '`')
			ticks++;
		if (fence == 0 && ticks >= 3)
			fence = ticks;
		else if (fence > 0 && ticks >= fence)
			fence = 0;
		if (fence == 0 && ticks < 3)
			changed += relink_line(p, e, l, self, &b);
		else
			buf_add(&b, p, (size_t)(e - p));
		if (nl)
			buf_addc(&b, '\n');
		p = nl ? nl + 1 : end;
	}
	if (changed == 0) {
		buf_release(&b);
		return 0;
	}
	*out = buf_detach(&b, outlen);
	return 1;
}

void
md_yaml_string(struct buf *out, const char *s)
{
	buf_addc(out, '"');
	for (const char *p = s ? s : ""; *p; ) {
		size_t k = text_utf8_len(p);
		unsigned cp;

		if (k == 0)
			break;
		cp = code_point(p);
		if (cp == '\\' || cp == '"')
			buf_addf(out, "\\%c", *p);
		else if (cp == '\n')
			buf_adds(out, "\\n");
		else if (cp == '\t')
			buf_adds(out, "\\t");
		else if (cp == '\r')
			buf_adds(out, "\\r");
		else if (cp < 0x20 || cp == 0x7f)
			buf_addf(out, "\\x%02X", cp);
		else if (cp == 0x85)
			buf_adds(out, "\\N");
		else if (cp == 0x2028)
			buf_adds(out, "\\L");
		else if (cp == 0x2029)
			buf_adds(out, "\\P");
		else if ((cp >= 0x80 && cp < 0xa0) || cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
			buf_addf(out, "\\u%04X", cp);
		else
			buf_add(out, p, k);
		p += k;
	}
	buf_addc(out, '"');
}

static void
yaml_key(struct buf *out, const char *indent, const char *key, const char *value)
{
	if (value == NULL)
		return;
	buf_addf(out, "%s%s: ", indent, key);
	md_yaml_string(out, value);
	buf_addc(out, '\n');
}

/* Write ts as ISO 8601 at Beijing time ("2025-04-06T20:18:00+08:00") into out. */
static void
iso_date(long long ts, char *out, size_t n)
{
	if (!model_format_time(ts, MODEL_UTC_OFFSET, "%Y-%m-%dT%H:%M:%S+08:00", out, n))
		snprintf(out, n, "1970-01-01T08:00:00+08:00");
}

/* The date key, when ts is known. */
static void
yaml_date(struct buf *out, long long ts)
{
	char when[40];

	if (ts <= 0)
		return;
	iso_date(ts, when, sizeof when);
	buf_addf(out, "date: %s\n", when);
}

static void
front_matter(struct buf *out, const struct article *f, const struct article *const *v, size_t n,
    const struct md_opts *o)
{
	buf_adds(out, "---\n");
	yaml_key(out, "", "title", f->title ? f->title : "");
	yaml_key(out, "", "author", f->author_name);
	if (n == 1)
		yaml_key(out, "", "author_url", web_url(f->author_url) ? f->author_url : NULL);
	yaml_date(out, f->pub_ts);
	buf_adds(out, "tags:");
	if (n == 1 && f->ntags) {
		buf_addc(out, '\n');
		for (size_t i = 0; i < f->ntags; i++) {
			buf_adds(out, "  - ");
			md_yaml_string(out, f->tags[i]);
			buf_addc(out, '\n');
		}
	} else {
		buf_adds(out, " []\n");
	}
	if (n == 1) {
		yaml_key(out, "", "source", web_url(f->source_url) ? f->source_url : NULL);
		yaml_key(out, "", "id", f->id);
		if (f->cv_id) {
			char *cv = xasprintf("cv%s", f->cv_id);

			yaml_key(out, "", "cv", cv);
			free(cv);
		}
		yaml_key(out, "", "category", f->category);
		yaml_key(out, "", "topic", f->topic);
	} else {
		buf_adds(out, "articles:\n");
		for (size_t i = 0; i < n; i++) {
			buf_adds(out, "  - ");
			md_yaml_string(out, v[i]->id);
			buf_addc(out, '\n');
		}
	}
	if (f->collection_name || o->series_id) {
		const char *cid = o->series_id ? o->series_id : f->collection_id;

		buf_adds(out, "文集:\n");
		yaml_key(out, "  ", "name", o->series_id ? o->series_name : f->collection_name);
		/* "rlN", as the 文集's own index document names itself: the two join on it */
		if (cid && *cid && strspn(cid, "0123456789") == strlen(cid)) {
			char *rl = xasprintf("rl%s", cid);

			yaml_key(out, "  ", "id", rl);
			free(rl);
		} else {
			yaml_key(out, "  ", "id", cid);
		}
		if (o->series_id == NULL)
			yaml_key(out, "  ", "articles", f->collection_count);
		/* a number: the article's place in the list, from 1 (the book of several has none) */
		if (n == 1 && f->collection_index > 0)
			buf_addf(out, "  position: %d\n", f->collection_index);
	}
	yaml_key(out, "", "cover", o->cover);
	buf_adds(out, "---\n");
}

/* --- the document ------------------------------------------------------------------ */

/* The document's (or chapter's) title as a level-1 heading, unless it is blank. */
static void
put_title(struct mctx *c, const char *title)
{
	if (title == NULL || text_is_blank(title))
		return;
	begin_block(c);
	put(c, "# ");
	c->line_start = true;
	put_text(c, title);
}

char *
md_anchor(const char *id)
{
	return xasprintf("opus-%s", id);
}

/*
 * The article as a chapter: its title, byline, top pictures and body.
 * anchor: in a document of several, the article's anchor is written
 * before its title, for the links of the others to it.
 */
static void
put_article(struct mctx *c, const struct article *a, bool anchor)
{
	if (anchor) {
		char *id = md_anchor(a->id);

		begin_block(c);
		/* an id made of the article's id: digits and "cv", nothing to escape */
		put(c, "<a id=\"");
		buf_adds(c->out, id);
		put(c, "\"></a>");
		free(id);
	}
	put_title(c, a->title);
	if (a->author_name || a->pub_ts > 0) {
		begin_block(c);
		if (a->author_name && web_url(a->author_url)) {
			put_link(c, a->author_name, a->author_url);
		} else if (a->author_name) {
			put_text(c, a->author_name);
		}
		if (a->pub_ts > 0) {
			char when[40];

			if (!model_format_time(a->pub_ts, MODEL_UTC_OFFSET, "%Y-%m-%d %H:%M", when, sizeof when))
				snprintf(when, sizeof when, "?");
			if (a->author_name)
				put_text(c, " · ");
			put_text(c, c->l->published);
			put_text(c, " ");
			put_text(c, when);
		}
	}
	for (size_t i = 0; i < a->ntop; i++)
		put_picture(c, &a->top[i]);
	/* the title is the level-1 heading: the article's own headings start at 2 */
	put_blocks(c, a->blocks, a->nblocks, 1);
}

/* Set c up to write into out. */
static void
mctx_init(struct mctx *c, struct buf *out, const struct assets *t, const struct md_opts *o,
    struct book *pics)
{
	memset(c, 0, sizeof *c);
	c->out = out;
	c->t = t;
	c->pics = pics;
	c->l = o->lang && strncmp(o->lang, "zh", 2) == 0 ? &md_zh : &md_en;
	c->links = o->links;
	c->first_block = true;
	buf_init(&c->prefix, 0);
}

void
md_document(const struct article *front, const struct article *const *v, size_t n,
    const struct assets *t, const struct md_opts *o, struct book *pics, struct buf *out)
{
	struct mctx c;

	mctx_init(&c, out, t, o, pics);
	front_matter(out, front, v, n, o);
	/* a blank line after the front matter: the body never touches its closing --- */
	buf_addc(out, '\n');
	for (size_t i = 0; i < n; i++)
		put_article(&c, v[i], n > 1);
	buf_addc(out, '\n');
	buf_release(&c.prefix);
}

void
md_index(const struct article *front, const char *cover_url, const struct md_entry *v,
    size_t n, const struct assets *t, const struct md_opts *o, struct book *pics, struct buf *out)
{
	struct mctx c;
	const struct asset *cover;

	mctx_init(&c, out, t, o, pics);
	cover = use_picture(&c, cover_url);
	buf_adds(out, "---\n");
	yaml_key(out, "", "title", front->title ? front->title : "");
	yaml_key(out, "", "author", front->author_name);
	yaml_key(out, "", "author_url", web_url(front->author_url) ? front->author_url : NULL);
	yaml_date(out, front->pub_ts);
	buf_adds(out, "tags: []\n");
	yaml_key(out, "", "summary", front->summary);
	yaml_key(out, "", "source", web_url(front->source_url) ? front->source_url : NULL);
	yaml_key(out, "", "id", front->id);
	buf_addf(out, "chapters: %zu\n", n);
	yaml_key(out, "", "cover", cover ? cover->href : NULL);
	buf_adds(out, "---\n\n");
	put_title(&c, front->title);
	if (front->author_name) {
		begin_block(&c);
		if (web_url(front->author_url))
			put_link(&c, front->author_name, front->author_url);
		else
			put_text(&c, front->author_name);
	}
	if (cover) {
		begin_block(&c);
		put_image(&c, "", cover->href);
	}
	if (front->summary && !text_is_blank(front->summary)) {
		begin_block(&c);
		put_text(&c, front->summary);
	}
	begin_block(&c);
	for (size_t i = 0; i < n; i++) {
		char marker[32];

		if (i > 0)
			newline(&c);
		/* numbered as the 文集 numbers them: the list's order, from 1 */
		snprintf(marker, sizeof marker, "%zu. ", i + 1);
		put(&c, marker);
		c.line_start = true;
		if (v[i].href) {
			put_link(&c, *v[i].title ? v[i].title : v[i].href, v[i].href);
		} else {
			put_text(&c, v[i].title);
		}
		if (v[i].date > 0) {
			char when[16];

			if (model_format_time(v[i].date, MODEL_UTC_OFFSET, "%Y-%m-%d", when, sizeof when)) {
				put_text(&c, " · ");
				put_text(&c, when);
			}
		}
		if (v[i].href == NULL) {
			put_text(&c, " (");
			put_text(&c, c.l->gap);
			put_text(&c, ")");
		}
	}
	buf_addc(out, '\n');
	buf_release(&c.prefix);
}
