#!/usr/bin/env python3
"""Check a folder site written by opus-archive (standard library only).

usage: check-site.py DIR
Every .html page parses with balanced tags (void elements known), declares
its charset, and every local href/src resolves to a file inside DIR (links
to #fragments name an existing id).  No picture is loaded from the web.
Prints one line per problem and exits 1 if there was any.
"""
import os
import sys
from html.parser import HTMLParser
from urllib.parse import urlsplit, unquote

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.refs, self.ids = [], [], [], set()
        self.charset = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "meta" and "charset" in a:
            self.charset = True
        for k in ("href", "src"):
            if k in a:
                self.refs.append((tag, a[k]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.problems.append("self-closed <%s/> in HTML" % tag)
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problems.append("end tag for void element </%s>" % tag)
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
            return
        self.stack.pop()


def main():
    root = os.path.realpath(sys.argv[1])
    problems, pages = [], {}
    for dp, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = os.path.join(dp, f)
                page = Page()
                with open(p, encoding="utf-8") as fh:
                    page.feed(fh.read())
                page.close()
                pages[p] = page
                rel = os.path.relpath(p, root)
                problems += ["%s: %s" % (rel, x) for x in page.problems]
                if page.stack:
                    problems.append("%s: unclosed %s" % (rel, page.stack))
                if not page.charset:
                    problems.append("%s: no <meta charset>" % rel)
    if not any(os.path.basename(p) == "index.html" for p in pages):
        problems.append("no index.html")
    for p, page in pages.items():
        rel = os.path.relpath(p, root)
        for tag, ref in page.refs:
            u = urlsplit(ref)
            if u.scheme in ("http", "https"):
                if tag == "img":
                    problems.append("%s: picture from the web: %s" % (rel, ref))
                continue
            if u.scheme or u.netloc:
                problems.append("%s: odd reference %s" % (rel, ref))
                continue
            target = os.path.realpath(os.path.join(os.path.dirname(p), unquote(u.path))) if u.path else p
            if not (target == root or target.startswith(root + os.sep)):
                problems.append("%s: %s leaves the site" % (rel, ref))
            elif not os.path.isfile(target):
                problems.append("%s: %s does not exist" % (rel, ref))
            elif u.fragment and target in pages and u.fragment not in pages[target].ids:
                problems.append("%s: #%s not found in %s" % (rel, u.fragment, u.path or rel))
    for x in problems:
        print(x)
    print("checked %d pages" % len(pages))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
