#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "buf.h"
#include "html.h"
#include "xalloc.h"

/*
 * Why a second libxml2 module beside render.c: render.c writes XHTML and
 * never reads markup, and the 专栏 body is HTML that only libxml2's HTML
 * parser reads the way browsers do.  Keeping the reading here, behind a tree
 * of plain strings, means xmlNode still reaches no parser of ours and the
 * mapping rules (cv.c) can be tested without libxml2.
 */

static char *
lower_dup(const xmlChar *s)
{
	char *d = xstrdup(s ? (const char *)s : "");

	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static bool
is_dropped_text_host(const xmlNode *x)
{
	static const char *const names[] = { "script", "style", "template", "noscript", NULL };

	for (size_t i = 0; names[i]; i++)
		if (x->name && strcasecmp((const char *)x->name, names[i]) == 0)
			return true;
	return false;
}

/*
 * Collect the text under x without recursion (the part of a document that is
 * nested too deep), leaving out what scripts and styles hold.
 */
static char *
flat_text(const xmlNode *top)
{
	struct buf out;
	const xmlNode *x = top->children;

	buf_init(&out, 0);
	while (x && x != top) {
		bool descend = false;

		if (x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE) {
			if (x->content)
				buf_adds(&out, (const char *)x->content);
		} else if (x->type == XML_ELEMENT_NODE && !is_dropped_text_host(x)) {
			descend = x->children != NULL;
		}
		if (descend) {
			x = x->children;
			continue;
		}
		while (x && x != top && x->next == NULL)
			x = x->parent;
		if (x && x != top)
			x = x->next;
	}
	return buf_detach(&out, NULL);
}

static void convert_children(const xmlNode *x, struct html_node *out, int depth);

static void
push_text(struct html_node *out, char *text)
{
	struct html_node *k = XPUSH(out->kids, out->kidcap, out->nkids);

	k->kind = HTML_TEXT;
	k->text = text;
}

static void
convert_element(const xmlNode *x, struct html_node *out, int depth)
{
	struct html_node *k;

	if (depth >= HTML_MAX_DEPTH) {
		char *t = flat_text(x);

		if (*t)
			push_text(out, t);
		else
			free(t);
		return;
	}
	k = XPUSH(out->kids, out->kidcap, out->nkids);
	k->kind = HTML_ELEMENT;
	k->name = lower_dup(x->name);
	for (const xmlAttr *a = x->properties; a; a = a->next) {
		xmlChar *v = xmlNodeListGetString(x->doc, a->children, 1);

		XGROW(k->attrs, k->attrcap, 2 * (k->nattrs + 1));
		k->attrs[2 * k->nattrs] = lower_dup(a->name);
		k->attrs[2 * k->nattrs + 1] = xstrdup(v ? (const char *)v : "");
		k->nattrs++;
		xmlFree(v);
	}
	/* k may move while the children are added to it: convert into a local copy */
	{
		struct html_node tmp = *k;

		convert_children(x, &tmp, depth + 1);
		out->kids[out->nkids - 1] = tmp;
	}
}

static void
convert_children(const xmlNode *x, struct html_node *out, int depth)
{
	for (const xmlNode *c = x->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			convert_element(c, out, depth);
		else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			push_text(out, xstrdup((const char *)c->content));
		/* comments, processing instructions, entity references: nothing to read */
	}
}

static const xmlNode *
find_element(const xmlNode *first, const char *name)
{
	for (const xmlNode *c = first; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->name && strcasecmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

struct html_node *
html_parse(const char *s, size_t n, struct err *e)
{
	struct html_node *root = xcalloc(1, sizeof *root);
	htmlDocPtr doc;
	const xmlNode *html, *head, *body;

	root->kind = HTML_ELEMENT;
	root->name = xstrdup("#root");
	if (n == 0)
		return root;
	if (n > INT_MAX) {
		html_free(root);
		err_set(e, "the HTML is too large (%zu bytes)", n);
		return NULL;
	}
	/* HUGE lifts the nesting limit that would cut a deeply nested document short */
	doc = htmlReadMemory(s, (int)n, NULL, "UTF-8", HTML_PARSE_RECOVER | HTML_PARSE_NONET |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (doc == NULL) {
		html_free(root);
		err_set(e, "the HTML cannot be read");
		return NULL;
	}
	html = find_element(doc->children, "html");
	/* the parser moves a leading <script> or <style> into a head: keep it, so it is seen and dropped */
	head = html ? find_element(html->children, "head") : NULL;
	body = html ? find_element(html->children, "body") : NULL;
	if (head)
		convert_children(head, root, 0);
	if (body)
		convert_children(body, root, 0);
	xmlFreeDoc(doc);
	return root;
}

static void
node_release(struct html_node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		node_release(&n->kids[i]);
	xfree_strings(n->attrs, 2 * n->nattrs);
	free(n->kids);
	free(n->name);
	free(n->text);
}

void
html_free(struct html_node *root)
{
	if (root == NULL)
		return;
	node_release(root);
	free(root);
}

const char *
html_attr(const struct html_node *n, const char *name)
{
	if (n == NULL || n->kind != HTML_ELEMENT)
		return NULL;
	for (size_t i = 0; i < n->nattrs; i++)
		if (strcmp(n->attrs[2 * i], name) == 0)
			return n->attrs[2 * i + 1];
	return NULL;
}

int
html_has_class(const struct html_node *n, const char *cls)
{
	const char *c = html_attr(n, "class");
	size_t len = strlen(cls);

	while (c && *c) {
		size_t w;

		c += strspn(c, " \t\n\r\f");
		w = strcspn(c, " \t\n\r\f");
		if (w == len && strncmp(c, cls, len) == 0)
			return 1;
		c += w;
	}
	return 0;
}

unsigned
html_entity(const char *name, size_t len)
{
	char key[16];
	const htmlEntityDesc *d;

	/* HTML 4's longest name is 8 letters ("thetasym") */
	if (len == 0 || len >= sizeof key || memchr(name, '\0', len))
		return 0;
	memcpy(key, name, len);
	key[len] = '\0';
	d = htmlEntityLookup((const xmlChar *)key);
	return d ? d->value : 0;
}

char *
html_unescape_uri(const char *s)
{
	char *u = xmlURIUnescapeString(s, 0, NULL);
	char *out;

	if (u == NULL)          /* libxml2 fails only for memory */
		return xstrdup(s);
	out = xstrdup(u);
	xmlFree(u);
	return out;
}
