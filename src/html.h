/*
 * html: reading a fragment of HTML (the 专栏 article body) into a small tree
 * of plain C data.
 *
 * libxml2's HTML parser does the reading, with the network off and error
 * recovery on, the way a browser makes sense of broken markup (unclosed tags,
 * stray entities).  Nothing of libxml2 leaves this module: the caller gets
 * element names, attributes and text as UTF-8 strings, with entities decoded.
 * Comments, processing instructions and the doctype are not kept.  Markup
 * nested deeper than HTML_MAX_DEPTH keeps its text, as one text node at that
 * depth, but loses its elements.
 *
 * Ownership: html_parse() returns a tree the caller frees with html_free();
 * every string in it belongs to the tree.
 */
#ifndef OA_HTML_H
#define OA_HTML_H

#include <stddef.h>

#include "err.h"

#define HTML_MAX_DEPTH 128

enum html_kind { HTML_ELEMENT, HTML_TEXT };

struct html_node {
	enum html_kind kind;
	char *name;             /* ELEMENT: the tag name in lower case */
	char **attrs;           /* ELEMENT: name, value, name, value, ... (names in lower case) */
	size_t nattrs;          /* pairs */
	size_t attrcap;         /* strings allocated in attrs */
	char *text;             /* TEXT: the characters, never NULL */
	struct html_node *kids;
	size_t nkids, kidcap;
};

/*
 * Parse the n bytes of UTF-8 HTML at s.  Return the root, an element named
 * "#root" holding what the document's head and body hold (the parser moves
 * a leading <script>, <style> or <meta> into a head), or NULL with e set
 * (only when libxml2 cannot make a document at all).
 */
struct html_node *html_parse(const char *s, size_t n, struct err *e);
void html_free(struct html_node *root);

/* Return the value of attribute name (lower case) of element n, or NULL. */
const char *html_attr(const struct html_node *n, const char *name);

/* Return true when the class attribute of n holds the word cls. */
int html_has_class(const struct html_node *n, const char *cls);

/*
 * HTML's own rules, for modules that read HTML-ish strings without parsing a
 * document (libxml2 knows them; its headers stay here):
 *
 * Return the code point of the named character reference name (the len
 * bytes at name, without '&' and ';', case-sensitive: "amp", "nbsp",
 * "hellip"), or 0 when HTML 4 names no such character.
 */
unsigned html_entity(const char *name, size_t len);

/* Return s with its %XX escapes decoded (a bad escape stays as it is); the caller frees it. */
char *html_unescape_uri(const char *s);

#endif
