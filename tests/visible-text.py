#!/usr/bin/env python3
"""Check that every visible string of an opus detail response is in the book.

usage: visible-text.py RESPONSE.json BOOK.epub|SITE-DIR
Walks the response on its own (not with the program's parser) and collects
what a reader should see: title, author, words, rich texts, formulas, decoded
code, list items, quotes, card titles and lines, tags, topic, collection,
blocked notices.  A 专栏 article/view response is read too: its metadata and
the text of its content, HTML (type 0, with Python's own HTML parser) or a
Quill delta (type 3).  Each must appear in the text of the book's documents (tags
removed, entities decoded, white space collapsed).  Prints the missing ones
and exits 1 when any is missing.
"""
import html
import json
import os
import re
import sys
import urllib.parse
import zipfile
from html.parser import HTMLParser


class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, d):
        self.parts.append(d)

    def handle_starttag(self, tag, attrs):
        # alt texts are visible text too (emoji names)
        for k, v in attrs:
            if k == "alt" and v:
                self.parts.append(" " + v + " ")


def norm(s):
    s = s.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", s).strip()


def book_text(path):
    docs = []
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith(".html"):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    docs.append(f.read())
    else:
        z = zipfile.ZipFile(path)
        for n in z.namelist():
            if n.endswith(".xhtml"):
                docs.append(z.read(n).decode("utf-8"))
    t = Text()
    for d in docs:
        t.feed(d)
    return norm(" ".join(t.parts))


def visible(resp):
    out = []
    item = resp["data"]["item"]

    def words(nodes):
        for n in nodes or []:
            t = n.get("type")
            if t == "TEXT_NODE_TYPE_WORD":
                for piece in (n["word"].get("words") or "").split("\n"):
                    out.append(piece)
            elif t == "TEXT_NODE_TYPE_RICH":
                r = n["rich"]
                if r.get("type") == "RICH_TEXT_NODE_TYPE_EMOJI":
                    out.append((r.get("emoji") or {}).get("text") or r.get("text") or "")
                else:
                    out.append(r.get("text") or r.get("orig_text") or "")
            elif t == "TEXT_NODE_TYPE_FORMULA":
                out.append(n["formula"].get("latex_content") or "")

    def card(c):
        for key, sub in c.items():
            if not isinstance(sub, dict):
                continue
            for k in ("title", "desc", "head_text", "desc_second", "duration", "desc1", "desc2",
                      "desc_first", "label", "text"):
                v = sub.get(k)
                if isinstance(v, str):
                    out.append(v)
                elif isinstance(v, dict) and isinstance(v.get("text"), str):
                    out.append(v["text"])
            for it in sub.get("items") or []:
                for k in ("name", "price", "brief"):
                    if isinstance(it.get(k), str):
                        out.append(it[k])
            mi = sub.get("match_info")
            if isinstance(mi, dict):
                for k in ("title", "sub_title", "center_bottom"):
                    if isinstance(mi.get(k), str):
                        out.append(mi[k])
                for team in ("left_team", "right_team"):
                    if isinstance(mi.get(team), dict) and isinstance(mi[team].get("name"), str):
                        out.append(mi[team]["name"])
            if key == "opus" and isinstance(sub.get("author"), dict):
                out.append(sub["author"].get("name") or "")

    for m in item["modules"]:
        t = m.get("module_type")
        if t == "MODULE_TYPE_TITLE":
            out.append(m["module_title"]["text"])
        elif t == "MODULE_TYPE_AUTHOR":
            out.append(m["module_author"]["name"])
        elif t == "MODULE_TYPE_COLLECTION":
            out.append(m["module_collection"]["name"])
        elif t == "MODULE_TYPE_TOPIC":
            out.append(m["module_topic"]["name"])
        elif t == "MODULE_TYPE_EXTEND":
            out.extend(i["text"] for i in m["module_extend"]["items"])
        elif t == "MODULE_TYPE_BLOCKED":
            b = m["module_blocked"]
            out.extend([b.get("title") or "", b.get("hint_message") or ""])
        elif t == "MODULE_TYPE_CONTENT":
            for p in m["module_content"]["paragraphs"]:
                pt = p.get("para_type")
                if pt in (1, 4):
                    words((p.get("text") or {}).get("nodes"))
                elif pt == 8:
                    words(p["heading"]["nodes"])
                elif pt == 5:
                    for it in p["list"]["items"]:
                        words(it["nodes"])
                elif pt == 7:
                    out.append(html.unescape(p["code"]["content"]))
                elif pt == 6:
                    card(p["link_card"]["card"])
    return [s for s in (norm(x) for x in out) if s]


# Elements whose text a reader never sees: the program drops them.
HIDDEN = {"script", "style", "iframe", "object", "noscript", "template", "textarea",
          "select", "button", "svg", "math", "head", "title", "video", "audio", "canvas"}


class ArticleText(HTMLParser):
    """The visible text of 专栏 HTML: text outside hidden elements, LaTeX alt texts, code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "img" and "latex" in (a.get("class") or "").split():
            self.out.append(urllib.parse.unquote(a.get("alt") or ""))
        if tag == "pre" and a.get("codecontent") is not None:
            self.out.append(urllib.parse.unquote(a["codecontent"]))
            self.hidden += 1            # the pre's own text is a display copy
            self.in_code = True

    def handle_endtag(self, tag):
        if tag in HIDDEN or (tag == "pre" and getattr(self, "in_code", False)):
            self.hidden = max(0, self.hidden - 1)
            if tag == "pre":
                self.in_code = False

    def handle_data(self, d):
        if not self.hidden:
            self.out.append(d)


def article_visible(data):
    out = [data.get("title") or ""]
    out.append((data.get("author") or {}).get("name") or "")
    out.extend(t.get("name") or "" for t in data.get("tags") or [])
    out.append(((data.get("list") or {}) if isinstance(data.get("list"), dict) else {}).get("name") or "")
    out.extend(c.get("name") or "" for c in data.get("categories") or [])
    content = data.get("content") or ""
    if data.get("type") == 3:
        ops = json.loads(content)
        ops = ops["ops"] if isinstance(ops, dict) else ops
        for op in ops:
            ins = op.get("insert")
            if isinstance(ins, str):
                out.extend(ins.split("\n"))
            elif isinstance(ins, dict) and isinstance(ins.get("formula"), str):
                out.append(ins["formula"])
    else:
        p = ArticleText()
        p.feed(content)
        p.close()
        out.extend(p.out)
    return [s for s in (norm(x) for x in out) if s]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        resp = json.load(f)
    data = resp.get("data") or {}
    if isinstance(data.get("content"), str) and "item" not in data:
        strings = article_visible(data)
    else:
        strings = visible(resp)
    text = book_text(sys.argv[2])
    missing = [s for s in strings if s not in text]
    for s in missing:
        print("missing: %r" % s[:120])
    print("checked %d strings, %d missing" % (len(strings), len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
