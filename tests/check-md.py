#!/usr/bin/env python3
"""Check a Markdown document opus-archive wrote, through a real CommonMark parser.

usage: check-md.py [--complete] [--response RESPONSE.json] DOC.md
       check-md.py --hostile DOC.md STRING...
       check-md.py --index LIST.json DOC.md

The front matter must parse as YAML (PyYAML) with the expected keys.  The
body goes through cmark-gfm (GitHub's CommonMark with its strikethrough,
autolink, table and tag-filter extensions; raw HTML let through, so that
anything the writer's text smuggled in would show) or, without it, pandoc's
gfm reader, into HTML, on which:

- every local picture link resolves to a file beside the document (with
  --complete, no picture is linked at its web address either);
- no <script>, no event handler, no link to anything but http(s), a
  relative path or a fragment;
- with --response: every visible string of the response (tests/visible-text.py
  says which) is in the front matter or in the text, in the order of the
  response, none twice; code is inside <pre>, headings are headings, list
  items keep their kind, nesting and numbers, quotes are quotes, bold,
  italic and struck words are so, rich links are links;
- with --hostile: each STRING shows in the text exactly as given;
- every link to a document (NAME.md) resolves to a file beside it, and
  every link to a fragment (#ID) to an element of the document with that id;
- with --index (DOC is a 文集's index, LIST.json the list response): its
  front matter is the 文集's (id rlN, source, chapters), its numbered list
  has one item per article of the list, in the list's order, each either
  a link to cvN.md (its title the chapter's, and that document's front
  matter giving 文集 id rlN and position k) or, for a chapter that could not
  be had, its title and a note without a link.

Exit 0 when all holds, 1 (after printing each failure) otherwise, 77 when
neither cmark-gfm nor pandoc nor PyYAML is there.
"""
import copy
import datetime
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from html.parser import HTMLParser

try:
    import yaml
except ImportError:
    print("PyYAML is not installed")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("visible_text", os.path.join(HERE, "visible-text.py"))
vt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vt)
norm = vt.norm

FAILS = []


def fail(msg):
    FAILS.append(msg)


def to_html(body):
    cm = shutil.which("cmark-gfm")
    if cm:
        cmd = [cm, "--unsafe", "-e", "strikethrough", "-e", "autolink", "-e", "table",
               "-e", "tagfilter", "--to", "html"]
    elif shutil.which("pandoc"):
        cmd = ["pandoc", "-f", "gfm", "-t", "html"]
    else:
        print("neither cmark-gfm nor pandoc is installed")
        sys.exit(77)
    return subprocess.run(cmd, input=body.encode("utf-8"), stdout=subprocess.PIPE,
                          check=True).stdout.decode("utf-8")


class Tree(HTMLParser):
    """The visible text (data and alt texts, as visible-text.py counts them),
    each piece with the open elements around it, and the elements themselves."""

    VOID = {"img", "br", "hr", "input", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []         # [tag, attrs, text parts]
        self.text = []
        self.elements = []      # (tag, attrs, text, depth info)
        self.imgs = []
        self.lists = []         # per <li>: (list tags from outermost, number)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
            if a.get("alt"):
                self._data(" " + a["alt"] + " ")
            return
        if tag in self.VOID:
            self._data(" ")
            return
        if tag == "li":
            chain = [(e[0], e[1]) for e in self.stack if e[0] in ("ol", "ul")]
            ol = chain[-1] if chain else ("ul", {})
            siblings = self.stack[-1][3] if self.stack else 0
            start = int(ol[1].get("start") or 1)
            self.lists.append(([c[0] for c in chain], start + siblings, []))
            if self.stack:
                self.stack[-1][3] += 1
        self.stack.append([tag, a, [], 0, len(self.lists) - 1 if tag == "li" else None])

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                while len(self.stack) > i:
                    e = self.stack.pop()
                    self.elements.append((e[0], e[1], norm("".join(e[2]))))
                    if e[4] is not None:
                        self.lists[e[4]][2].append(norm("".join(e[2])))
                return

    def _data(self, d):
        self.text.append(d)
        for e in self.stack:
            e[2].append(d)

    def handle_data(self, d):
        self._data(d)


def split_front(md):
    if not md.startswith("---\n"):
        fail("no front matter at the start")
        return {}, md
    end = md.find("\n---\n", 3)
    if end < 0:
        fail("front matter not closed")
        return {}, md
    try:
        meta = yaml.safe_load(md[4:end + 1])
    except yaml.YAMLError as ex:
        fail("front matter is not YAML: %s" % ex)
        meta = {}
    if not isinstance(meta, dict):
        fail("front matter is not a mapping")
        meta = {}
    return meta, md[end + 5:]


def check_front(meta):
    for key in ("title", "tags"):
        if key not in meta:
            fail("front matter: no %r" % key)
    if not isinstance(meta.get("title"), str):
        fail("front matter: title is not a string")
    if not isinstance(meta.get("tags"), list):
        fail("front matter: tags is not a list")
    if "date" in meta:
        d = meta["date"]
        if not isinstance(d, datetime.datetime) or d.utcoffset() != datetime.timedelta(hours=8):
            fail("front matter: date %r is not an ISO 8601 time at +08:00" % (d,))
    if "articles" not in meta:
        for key in ("id", "source"):
            if not isinstance(meta.get(key), str):
                fail("front matter: no %r string" % key)
        if not str(meta.get("source", "")).startswith("https://"):
            fail("front matter: source %r is not a web address" % meta.get("source"))


def check_html(tree, out, docdir, complete):
    for img in tree.imgs:
        src = img.get("src") or ""
        if src.startswith(("http://", "https://")):
            if complete:
                fail("picture linked at its web address: %s" % src[:100])
            continue
        if not src or src.startswith("/") or ".." in src.split("/"):
            fail("picture link %r is not a path inside the directory" % src)
            continue
        if not os.path.isfile(os.path.join(docdir, html.unescape(src))):
            fail("picture link %r does not resolve to a file" % src)
    low = out.lower()
    if "<script" in low or re.search(r"<[a-z][^>]*\son[a-z]+\s*=", low):
        fail("the HTML holds a script or an event handler")
    for tag, attrs, _ in tree.elements:
        href = attrs.get("href")
        if tag == "a" and href is not None and not re.match(r"(https?://|mailto:|#|[A-Za-z0-9_.-]+\.md)", href):
            fail("link to %r" % href[:100])
    for raw in re.findall(r"<(iframe|object|embed|form|style)\b", low):
        fail("the HTML holds <%s>" % raw)
    ids = {attrs.get("id") for _, attrs, _ in tree.elements if attrs.get("id")}
    for tag, attrs, _ in tree.elements:
        href = attrs.get("href")
        if tag != "a" or href is None:
            continue
        if href.startswith("#") and href[1:] not in ids:
            fail("link to %r: no such anchor in the document" % href)
        elif re.match(r"[^:/#?]+\.md$", href) and \
                not os.path.isfile(os.path.join(docdir, urllib.parse.unquote(href))):
            fail("link to %r: no such document beside it" % href)


def check_index(lst, meta, tree, docdir):
    data = lst["data"]
    rl = "rl%d" % data["list"]["id"]
    arts = data["articles"]
    if meta.get("id") != rl:
        fail("index: id %r, not %r" % (meta.get("id"), rl))
    if meta.get("source") != "https://www.bilibili.com/read/readlist/" + rl:
        fail("index: source %r" % meta.get("source"))
    if meta.get("chapters") != len(arts):
        fail("index: chapters %r, not %d" % (meta.get("chapters"), len(arts)))
    items = [(attrs, text) for tag, attrs, text in tree.elements if tag == "li"]
    links = {}
    for tag, attrs, text in tree.elements:
        if tag == "a" and attrs.get("href", "").endswith(".md"):
            links[text] = attrs["href"]
    if len(items) != len(arts):
        fail("index: %d list items for %d articles" % (len(items), len(arts)))
    for k, (art, (_, text)) in enumerate(zip(arts, items)):
        title = norm(art["title"])
        if title not in text:
            fail("index item %d: %r does not name %r" % (k + 1, text[:60], title))
            continue
        href = links.get(title)
        if href is None:
            if "未能存档" not in text and "not archived" not in text:
                fail("index item %d: %r neither links nor says it is missing" % (k + 1, title))
            continue
        if href != "cv%d.md" % art["id"]:
            fail("index item %d: links %r, not cv%d.md" % (k + 1, href, art["id"]))
            continue
        path = os.path.join(docdir, href)
        if not os.path.isfile(path):
            continue        # said by check_html
        with open(path, encoding="utf-8") as f:
            cmeta, _ = split_front(f.read())
        coll = cmeta.get("文集") or {}
        if coll.get("id") != rl or coll.get("position") != k + 1:
            fail("%s: 文集 %r, not id %s position %d" % (href, coll, rl, k + 1))
    return len(arts)


def formulas(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "latex_content" and isinstance(v, str):
                out.add(norm(v))
            else:
                formulas(v, out)
    elif isinstance(node, list):
        for v in node:
            formulas(v, out)


def loose(s):
    """A formula as a CommonMark reader without math shows it: escapes and spaces aside."""
    s = s.replace("\\lt", "<").replace("\\gt", ">")
    return re.sub(r"[\s\\{}]", "", s)


def meta_strings(meta):
    out = []

    def walk(v):
        if isinstance(v, str):
            out.append(norm(v))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
    walk(meta)
    return out


def check_response(resp, meta, tree, text):
    data = resp.get("data") or {}
    is_cv = isinstance(data.get("content"), str) and "item" not in data
    form = set()
    unordered = set()
    if is_cv:
        # the 专栏's tags, 文集 and category are in the front matter, not the body
        body = copy.deepcopy(data)
        body["tags"], body["list"], body["categories"] = [], None, []
        strings = vt.article_visible(body)
        extra = vt.article_visible({"tags": data.get("tags"), "list": data.get("list"),
                                    "categories": data.get("categories"), "content": ""})
        if data.get("type") == 3:
            try:
                ops = json.loads(data["content"])
                ops = ops["ops"] if isinstance(ops, dict) else ops
                form = {norm(o["insert"]["formula"]) for o in ops
                        if isinstance(o.get("insert"), dict) and isinstance(o["insert"].get("formula"), str)}
            except (ValueError, KeyError, TypeError):
                pass
    else:
        body = copy.deepcopy(resp)
        mods = body["data"]["item"]["modules"]
        front = ("MODULE_TYPE_COLLECTION", "MODULE_TYPE_TOPIC", "MODULE_TYPE_EXTEND")
        body["data"]["item"]["modules"] = [m for m in mods if m.get("module_type") not in front]
        strings = vt.visible(body)
        fr = copy.deepcopy(resp)
        fr["data"]["item"]["modules"] = [m for m in mods if m.get("module_type") in front]
        extra = vt.visible(fr)
        formulas(resp, form)
        # a card's strings: the order of its lines is the renderer's choice
        cards = [p for m in mods if m.get("module_type") == "MODULE_TYPE_CONTENT"
                 for p in m["module_content"]["paragraphs"] if p.get("para_type") == 6]
        unordered = set(vt.visible({"data": {"item": {"modules": [
            {"module_type": "MODULE_TYPE_CONTENT", "module_content": {"paragraphs": cards}}]}}}))
    title = data.get("title") if is_cv else next(
        (m["module_title"]["text"] for m in data["item"]["modules"]
         if m.get("module_type") == "MODULE_TYPE_TITLE"), None)
    if isinstance(title, str) and norm(str(meta.get("title"))) != norm(title):
        fail("front matter title %r, want %r" % (meta.get("title"), title))
    # metadata: in the front matter
    ms = " ".join(meta_strings(meta))
    for s in extra:
        if s not in ms and s not in text:
            fail("not in the front matter: %r" % s[:80])
    # the body: every string, in order, none twice
    cursor = 0
    joined = " ".join(strings)
    for s in strings:
        if s in form:
            if loose(s) not in loose(text):
                fail("formula missing: %r" % s[:80])
            continue
        if s in unordered:
            if s not in text:
                fail("missing: %r" % s[:80])
            continue
        i = text.find(s, cursor)
        if i < 0:
            if s in text:
                fail("out of order: %r" % s[:80])
            else:
                fail("missing: %r" % s[:80])
            continue
        cursor = i
        if len(s) >= 8 and text.count(s) > joined.count(s) + ms.count(s):
            fail("shown %d times (the response has it %d): %r" % (text.count(s), joined.count(s), s[:80]))
    if not is_cv:
        check_structure(resp, tree)
    return len(strings) + len(extra)


def inside(tree, tags, s):
    return any(tag in tags and s in t for tag, _, t in tree.elements)


def check_structure(resp, tree):
    lists = []
    for m in resp["data"]["item"]["modules"]:
        if m.get("module_type") != "MODULE_TYPE_CONTENT":
            continue
        for p in m["module_content"]["paragraphs"]:
            pt = p.get("para_type")
            if pt == 7:
                code = norm(html.unescape(p["code"]["content"]))
                if code and not inside(tree, ("pre",), code):
                    fail("code not in <pre>: %r" % code[:60])
                lang = p["code"].get("lang") or ""
                if re.fullmatch(r"[a-z0-9]+", lang) and not any(
                        tag in ("code", "pre") and code in t and  # cmark-gfm: language-X; pandoc: X
                        ({"language-" + lang, lang} & set((a.get("class") or "").split()))
                        for tag, a, t in tree.elements):
                    fail("code %r without its language %r" % (code[:40], lang))
            elif pt == 8:
                t = norm("".join(n.get("word", {}).get("words") or "" for n in p["heading"]["nodes"]))
                if t and not inside(tree, ("h2", "h3", "h4", "h5", "h6"), t):
                    fail("heading not a heading: %r" % t[:60])
            elif pt == 4:
                for piece in words_of((p.get("text") or {}).get("nodes")):
                    if not inside(tree, ("blockquote",), piece):
                        fail("quote text not in <blockquote>: %r" % piece[:60])
            elif pt == 5:
                lists.append(p["list"])
            nodes = []
            if pt in (1, 4):
                nodes = (p.get("text") or {}).get("nodes") or []
            elif pt == 5:
                nodes = [n for it in p["list"]["items"] for n in it.get("nodes") or []]
            for n in nodes:
                check_node(n, tree)
    check_lists(lists, tree)


def words_of(nodes):
    for n in nodes or []:
        if n.get("type") == "TEXT_NODE_TYPE_WORD":
            for piece in (n["word"].get("words") or "").split("\n"):
                if norm(piece):
                    yield norm(piece)


def check_node(n, tree):
    if n.get("type") == "TEXT_NODE_TYPE_WORD":
        st = n["word"].get("style") or {}
        for piece in words_of([n]):
            for key, tags in (("bold", ("strong", "b")), ("italic", ("em", "i")),
                              ("strikethrough", ("del", "s"))):
                if st.get(key) and not inside(tree, tags, piece):
                    fail("%s text not %s: %r" % (key, "/".join(tags), piece[:60]))
    elif n.get("type") == "TEXT_NODE_TYPE_RICH":
        r = n["rich"]
        url = r.get("jump_url") or ""
        if r.get("type") == "RICH_TEXT_NODE_TYPE_WEB" and url.startswith(("http", "//")):
            t = norm(r.get("text") or "")
            if t and not inside(tree, ("a",), t):
                fail("link text not a link: %r" % t[:60])


def li_text(li):
    return li[2][0] if li[2] else ""


def check_lists(lists, tree):
    """The response's list items against the <li> elements, in order: kind, depth, number."""
    items = [(lst.get("style"), it) for lst in lists for it in lst.get("items") or []]
    lis = tree.lists
    want_texts = [norm("".join(x for x in words_of(it.get("nodes")))) for _, it in items]
    # match the response's items to <li> elements in order, by their text
    j = 0
    prev = None
    for (style, it), t in zip(items, want_texts):
        while j < len(lis) and t and t.replace(" ", "") not in li_text(lis[j]).replace(" ", ""):
            j += 1
        if j >= len(lis):
            fail("list item not found as <li>: %r" % t[:60])
            return
        chain, number, _ = lis[j]
        kind = "ol" if style == 1 else "ul"
        if chain and chain[-1] != kind:
            fail("list item %r is in <%s>, want <%s>" % (t[:40], chain[-1], kind))
        if style == 1 and it.get("order") and it["order"] != number:
            fail("list item %r numbered %d, want %d" % (t[:40], number, it["order"]))
        if prev is not None:
            dl = (it.get("level") or 1) - prev[0]
            dd = len(chain) - prev[1]
            if (dl > 0) != (dd > 0) or (dl < 0) != (dd < 0):
                fail("list item %r: level step %d but nesting step %d" % (t[:40], dl, dd))
        prev = (it.get("level") or 1, len(chain))
        j += 1


def main(argv):
    complete = False
    resp = None
    hostile = None
    index = None
    args = argv[1:]
    if args and args[0] == "--index":
        with open(args[1], encoding="utf-8") as f:
            index = json.load(f)
        args = args[2:]
    if args and args[0] == "--complete":
        complete = True
        args = args[1:]
    if args and args[0] == "--response":
        with open(args[1], encoding="utf-8") as f:
            resp = json.load(f)
        args = args[2:]
    if args and args[0] == "--hostile":
        hostile = args[2:]
        args = args[1:2]
    path = args[0]
    with open(path, encoding="utf-8") as f:
        md = f.read()
    meta, body = split_front(md)
    check_front(meta)
    out = to_html(body)
    tree = Tree()
    tree.feed(out)
    tree.close()
    text = norm("".join(tree.text))
    check_html(tree, out, os.path.dirname(os.path.abspath(path)), complete)
    n = 0
    if resp is not None:
        n = check_response(resp, meta, tree, text)
    if index is not None:
        n = check_index(index, meta, tree, os.path.dirname(os.path.abspath(path)))
    if hostile is not None:
        for s in hostile:
            s = norm(s)
            if s not in text and s not in " ".join(meta_strings(meta)):
                fail("hostile string not shown literally: %r" % s)
        n = len(hostile)
    for f in FAILS:
        print("fail: %s" % f)
    print("checked %d strings, %d failures" % (n, len(FAILS)))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
