#!/usr/bin/env python3
"""The invariants every book keeps, checked on one response (stdlib only).

usage: check.py [--program P] [--templates DIR] [--work DIR] [--timeout S]
                [--keep] RESPONSE.json [RESPONSE.tokens]

Runs the program on the response (with SOURCE_DATE_EPOCH, --offline, an
empty --cache-dir, a timeout): as an EPUB twice, then as a folder site.
Prints one line per broken invariant, "invariant: detail", and exits 1 when
there was any (0 otherwise).  The invariants:

  crash        no signal, no hang (the timeout), no sanitizer or valgrind
               report on stderr
  status       the exit status is 0 or 3, or 1 with exactly one line on
               stderr that is not a warning (and then nothing written); 2
               (usage) never; no file left beside the book or the site
  stderr       every line on stderr starts with "opus-archive: " (text from the
               response is never written raw: a newline in it would forge a line)
  refused      exit 1 only when a mutation may make the response unusable
               (a wrong type, or a null/missing essential member: the
               envelope, the id, the modules, the only content module)
  epub         the container is sound (tests/check-epub.py), every XHTML
               document is well-formed XML
  ids          ids unique within each document
  links        every href and src inside the book resolves, file and #fragment
  nav          nav.xhtml: every ol holds only li; every li starts with an a or
               a span with text; a span is followed by an ol
  ncx          toc.ncx: navMap/navPoint each with navLabel/text and a content
               src that resolves, unique ids, playOrder integers >= 1 in order,
               dtb:uid equal to the package's identifier
  date         dc:date is a W3CDTF date with a year <= 9999, dcterms:modified
               is CCYY-MM-DDThh:mm:ssZ, every <time datetime> is valid
  tokens       every expected marker token (RESPONSE.tokens, written by gen.py)
               is in the body document exactly once, in source order; meta
               tokens exactly once anywhere there; hidden ones never; excused
               ones at most once
  reproducible two runs with the same SOURCE_DATE_EPOCH give the same bytes
  site         the folder site has the same exit status, passes
               tests/check-site.py's checks, and its article page holds the
               same tokens in the same order as the EPUB's body
  md           the Markdown document (--format md) has the same exit status;
               its front matter is closed YAML (read with PyYAML when it is
               there); read by cmark-gfm (when it is there) its body holds no
               script or event handler, links only to the web, pictures
               that resolve, and the EPUB's tokens in the same order, but
               for those (of its header and colophon) in the front matter
Without a .tokens file the tokens found in the response are each expected at
most once, in no particular order.
"""
import datetime
import html.parser
import importlib.util
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True     # nothing written into the source tree
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XH = "{http://www.w3.org/1999/xhtml}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
CONT = "{urn:oasis:names:tc:opendocument:xmlns:container}"
TOKEN = re.compile(r"QZ\d{5}")
SANITIZER = ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer", "ERROR: LeakSanitizer",
             "==ERROR", "Invalid read", "Invalid write", "definitely lost", "Conditional jump")
SDE = "1700000000"


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, file)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_check_epub = _check_site = None


def check_epub_mod():
    global _check_epub
    if _check_epub is None and os.path.exists(os.path.join(TESTS, "check-epub.py")):
        _check_epub = load("check_epub", os.path.join(TESTS, "check-epub.py"))
    return _check_epub


def check_site_mod():
    global _check_site
    if _check_site is None and os.path.exists(os.path.join(TESTS, "check-site.py")):
        _check_site = load("check_site", os.path.join(TESTS, "check-site.py"))
    return _check_site


class Result:
    def __init__(self):
        self.problems = []
        self.status = None
        self.stderr = ""

    def bad(self, inv, detail):
        self.problems.append("%s: %s" % (inv, detail))


# --- running the program ------------------------------------------------------------------

def run(program, args, work, timeout, env_extra=None):
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": SDE, "HOME": os.path.join(work, "home"),
                "XDG_CACHE_HOME": os.path.join(work, "xdg"), "LC_ALL": "C.UTF-8"})
    env.pop("OPUS_ARCHIVE_TEMPLATES", None)
    if env_extra:
        env.update(env_extra)
    os.makedirs(env["HOME"], exist_ok=True)
    cmd = program.split() + args if " " in program else [program] + args
    try:
        p = subprocess.run(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return None, (e.stderr or b"").decode("utf-8", "replace")
    return p.returncode, p.stderr.decode("utf-8", "replace")


def judge_run(res, what, status, err, exp, outpath):
    """Check the exit status and stderr of one run; return True when output should be checked."""
    if status is None:
        res.bad("crash", "%s: no exit within the timeout (a hang)" % what)
        return False
    for s in SANITIZER:
        if s in err:
            line = next((l for l in err.splitlines() if s in l), s)
            res.bad("crash", "%s: sanitizer/valgrind report: %s" % (what, line.strip()[:200]))
            break
    stray = [l for l in err.splitlines() if not l.startswith("opus-archive: ")]
    if stray and not any(s in err for s in SANITIZER):
        res.bad("stderr", "%s: a line on stderr that is not the program's: %r" % (what, stray[0][:120]))
    if status < 0 or status > 128:
        res.bad("crash", "%s: killed by signal %d" % (what, -status if status < 0 else status - 128))
        return False
    if status == 86:
        res.bad("crash", "%s: valgrind error exit 86" % what)
        return False
    if status in (0, 3):
        if not os.path.exists(outpath):
            res.bad("status", "%s: exit %d but nothing written at %s" % (what, status, os.path.basename(outpath)))
            return False
        return True
    if status == 1:
        lines = [l for l in err.splitlines() if l.strip() and "warning:" not in l]
        if len(lines) != 1:
            res.bad("status", "%s: exit 1 with %d error lines on stderr (want 1): %r"
                    % (what, len(lines), [l[:120] for l in lines[:4]]))
        if os.path.exists(outpath):
            res.bad("status", "%s: exit 1 but %s was written" % (what, os.path.basename(outpath)))
        muts = exp.get("mutations") if exp else None
        if exp is not None and not any(m.get("may_refuse") for m in muts or []):
            res.bad("refused", "%s: exit 1 for a response with usable content: %s"
                    % (what, (lines[0] if lines else "")[:200]))
        return False
    res.bad("status", "%s: exit status %d: %s" % (what, status, err.strip().splitlines()[-1:]))
    return False


# --- the EPUB --------------------------------------------------------------------------

def resolve(base_dir, names, ref):
    u = urllib.parse.urlsplit(ref)
    if u.scheme or u.netloc:
        return None, None
    path = posixpath.normpath(posixpath.join(base_dir, urllib.parse.unquote(u.path))) if u.path else None
    return path, urllib.parse.unquote(u.fragment) if u.fragment else None


def body_text(root, ns=XH):
    body = root.find(ns + "body")
    if body is None:
        return ""
    return "".join(body.itertext())


W3CDTF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")


def valid_w3cdtf(s):
    m = W3CDTF.match(s or "")
    if not m:
        return False
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        datetime.date(int(y) if int(y) > 0 else 1, int(mo or 1), int(d or 1))
    except ValueError:
        return False
    if m.group(4) and (int(m.group(4)) > 23 or int(m.group(5)) > 59 or int(m.group(6) or 0) > 59):
        return False
    return True


# a year of five or more digits, or a negative one, in a date ("3170843-11-07", "-1-12-31")
BAD_YEAR = re.compile(r"(?<![0-9A-Za-z.:/_-])(?:\d{5,}|-\d+)-\d{1,2}-\d{1,2}(?![0-9])")
HTML_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def check_time(res, doc_name, root, ns=XH):
    for t in root.iter(ns + "time"):
        dt = t.get("datetime")
        if dt is None:
            continue
        if not HTML_DATETIME.match(dt):
            res.bad("date", "%s: <time datetime=%r> is not a valid date/time" % (doc_name, dt))
            continue
        try:
            datetime.date(int(dt[0:4]), int(dt[5:7]), int(dt[8:10]))
        except ValueError:
            res.bad("date", "%s: <time datetime=%r> is not a valid date" % (doc_name, dt))
        if int(dt[0:4]) == 0:
            res.bad("date", "%s: <time datetime=%r> has year 0" % (doc_name, dt))


def check_nav(res, name, root):
    for ol in root.iter(XH + "ol"):
        for k in ol:
            if k.tag != XH + "li":
                res.bad("nav", "%s: <ol> holds <%s> (only <li> allowed)" % (name, k.tag.replace(XH, "")))
    for nav in root.iter(XH + "nav"):
        for li in nav.iter(XH + "li"):
            kids = list(li)
            if not kids or kids[0].tag not in (XH + "a", XH + "span"):
                res.bad("nav", "%s: <li> does not start with <a> or <span>" % name)
                continue
            if not "".join(kids[0].itertext()).strip(" \t\r\n"):
                res.bad("nav", "%s: <li>'s <%s> has no text" % (name, kids[0].tag.replace(XH, "")))
            if kids[0].tag == XH + "span" and not any(k.tag == XH + "ol" for k in kids[1:]):
                res.bad("nav", "%s: <li> with a <span> but no <ol>" % name)
            if len([k for k in kids if k.tag == XH + "ol"]) > 1:
                res.bad("nav", "%s: <li> with more than one <ol>" % name)


def check_ncx(res, z, names, path, uid):
    try:
        root = ET.fromstring(z.read(path))
    except ET.ParseError as e:
        res.bad("ncx", "%s not well-formed: %s" % (path, e))
        return
    base = posixpath.dirname(path)
    metas = {m.get("name"): m.get("content") for m in root.iter(NCX + "meta")}
    if uid is not None and metas.get("dtb:uid") != uid:
        res.bad("ncx", "dtb:uid %r is not the package identifier %r" % (metas.get("dtb:uid"), uid))
    navmap = root.find(NCX + "navMap")
    if navmap is None:
        res.bad("ncx", "no navMap")
        return
    ids = set()
    last = 0
    n = 0
    for np_ in navmap.iter(NCX + "navPoint"):
        n += 1
        i = np_.get("id")
        if not i or i in ids:
            res.bad("ncx", "navPoint id %r missing or repeated" % i)
        ids.add(i)
        lab = np_.find(NCX + "navLabel/" + NCX + "text")
        if lab is None or not (lab.text or "").strip(" \t\r\n"):
            res.bad("ncx", "navPoint %s without navLabel/text" % i)
        c = np_.find(NCX + "content")
        if c is None or not c.get("src"):
            res.bad("ncx", "navPoint %s without content src" % i)
        else:
            check_ref(res, "ncx", path, base, names, c.get("src"))
        po = np_.get("playOrder")
        if po is not None:
            if not po.isdigit() or int(po) < 1:
                res.bad("ncx", "navPoint %s playOrder %r" % (i, po))
            elif int(po) < last:
                res.bad("ncx", "navPoint %s playOrder %s goes back (after %d)" % (i, po, last))
            else:
                last = int(po)
    for k in navmap:
        if k.tag != NCX + "navPoint" and k.tag != NCX + "navLabel" and k.tag != NCX + "navInfo":
            res.bad("ncx", "navMap holds <%s>" % k.tag)
    if n == 0:
        res.bad("ncx", "navMap has no navPoint")


_ids_by_doc = {}


def check_ref(res, inv, doc, base, names, ref):
    path, frag = resolve(base, names, ref)
    if path is None and frag is None:
        return
    target = path or doc
    if target not in names:
        res.bad(inv if inv != "links" else "links", "%s: %s does not resolve (no %s)" % (doc, ref, target))
        return
    if frag is not None:
        ids = _ids_by_doc.get(target)
        if ids is not None and frag not in ids:
            res.bad(inv, "%s: %s: no id %r in %s" % (doc, ref, frag, target))


def check_epub(res, path, exp):
    """Return (body token sequence, epub bytes) or (None, bytes)."""
    _ids_by_doc.clear()
    with open(path, "rb") as f:
        data = f.read()
    mod = check_epub_mod()
    if mod:
        out = io.StringIO()
        argv = sys.argv
        sys.argv = ["check-epub.py", path]
        try:
            with redirect_stdout(out):
                mod.main()
        except Exception as e:      # a crash of the container checker is a finding too
            out.write("check-epub.py failed: %r\n" % e)
        finally:
            sys.argv = argv
        for line in out.getvalue().splitlines():
            res.bad("epub", line)
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        res.bad("epub", "not a zip: %s" % e)
        return None, data
    names = set(z.namelist())
    try:
        croot = ET.fromstring(z.read("META-INF/container.xml"))
        opf_path = croot.find("%srootfiles/%srootfile" % (CONT, CONT)).get("full-path")
        opf = ET.fromstring(z.read(opf_path))
    except Exception as e:
        res.bad("epub", "no readable package document: %s" % e)
        return None, data
    base = posixpath.dirname(opf_path)
    manifest = {}
    for it in opf.iter(OPF + "item"):
        manifest[it.get("id")] = (posixpath.normpath(posixpath.join(base, it.get("href"))),
                                  it.get("media-type"), (it.get("properties") or "").split())
    # identifier, dates
    uid_id = opf.get("unique-identifier")
    uid = None
    for ident in opf.iter(DC + "identifier"):
        if ident.get("id") == uid_id:
            uid = (ident.text or "").strip()
    for d in opf.iter(DC + "date"):
        if not valid_w3cdtf((d.text or "").strip()):
            res.bad("date", "dc:date %r is not a valid date with a year <= 9999" % d.text)
    mods = [m for m in opf.iter(OPF + "meta") if m.get("property") == "dcterms:modified"]
    if len(mods) != 1:
        res.bad("date", "%d dcterms:modified" % len(mods))
    for m in mods:
        t = (m.text or "").strip()
        if not re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", t) or not valid_w3cdtf(t):
            res.bad("date", "dcterms:modified %r is not CCYY-MM-DDThh:mm:ssZ" % t)
    # parse every XHTML document, collect ids
    docs = {}
    for _id, (p, mt, props) in manifest.items():
        if mt == "application/xhtml+xml" and p in names:
            try:
                root = ET.fromstring(z.read(p))
            except ET.ParseError as e:
                res.bad("epub", "%s is not well-formed: %s" % (p, e))
                continue
            docs[p] = (root, props)
            seen = set()
            for el in root.iter():
                i = el.get("id")
                if i is not None:
                    if i in seen:
                        res.bad("ids", "%s: id %r repeated" % (p, i))
                    seen.add(i)
            _ids_by_doc[p] = seen
    for p, (root, props) in docs.items():
        for el in root.iter():
            for attr in ("href", "src"):
                v = el.get(attr)
                if v is None:
                    continue
                u = urllib.parse.urlsplit(v)
                if u.scheme in ("http", "https", "mailto"):
                    if el.tag == XH + "img":
                        res.bad("links", "%s: picture from the web: %s" % (p, v[:100]))
                    continue
                if u.scheme:
                    res.bad("links", "%s: %s=%r has scheme %s" % (p, attr, v[:100], u.scheme))
                    continue
                check_ref(res, "links", p, posixpath.dirname(p), names, v)
        check_time(res, p, root)
        if "nav" in props:
            check_nav(res, p, root)
    # a date out of range written as text anywhere (cover, pages, package)
    for n in sorted(names):
        if n.endswith((".xhtml", ".svg", ".ncx", ".opf")):
            m = BAD_YEAR.search(z.read(n).decode("utf-8", "replace"))
            if m:
                res.bad("date", "%s: a date out of range: %r" % (n, m.group(0)))
    # ncx
    spine = opf.find(OPF + "spine")
    toc = spine.get("toc") if spine is not None else None
    if toc and toc in manifest:
        check_ncx(res, z, names, manifest[toc][0], uid)
    else:
        res.bad("ncx", "the spine names no toc.ncx")
    # body documents: the spine's, but the nav and the cover page
    seq = []
    for ref in (spine if spine is not None else []):
        it = manifest.get(ref.get("idref"))
        if not it or it[0] not in docs:
            continue
        root, props = docs[it[0]]
        if "nav" in props:
            continue
        body = root.find(XH + "body")
        if body is not None and "cover-page" in (body.get("class") or "").split():
            continue
        if root.find(".//" + XH + "section[@class='cover']") is not None:
            continue
        seq.extend(TOKEN.findall(body_text(root)))
    check_tokens(res, "tokens", seq, exp)
    return seq, data


def check_tokens(res, inv, seq, exp):
    counts = {}
    for t in seq:
        counts[t] = counts.get(t, 0) + 1
    if exp is None:
        for t, n in counts.items():
            if n > 1:
                res.bad(inv, "%s shown %d times" % (t, n))
        return
    body = exp.get("body", [])
    rank = {t: k for t, k in body}
    for t, _ in body:
        n = counts.get(t, 0)
        if n != 1:
            res.bad(inv, "%s (body text) shown %d times, want 1" % (t, n))
    for t in exp.get("meta", []):
        n = counts.get(t, 0)
        if n != 1:
            res.bad(inv, "%s (metadata) shown %d times, want 1" % (t, n))
    for t in exp.get("hidden", []):
        if counts.get(t):
            res.bad(inv, "%s (inside a dropped element) shown %d times, want 0" % (t, counts[t]))
    for t in exp.get("excused", []):
        if counts.get(t, 0) > 1:
            res.bad(inv, "%s (in a mutated object) shown %d times, want at most 1" % (t, counts[t]))
    known = set(rank) | set(exp.get("meta", [])) | set(exp.get("hidden", [])) | set(exp.get("excused", []))
    for t in counts:
        if t not in known:
            res.bad(inv, "%s shown but not in the response" % t)
    last_t, last_k = None, 0
    for t in seq:
        k = rank.get(t)
        if k is None:
            continue
        if k < last_k:
            res.bad(inv, "%s shown after %s: out of source order" % (t, last_t))
            break
        last_t, last_k = t, k


# --- the site ----------------------------------------------------------------------------

class SiteText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inbody = False
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.inbody = True
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "body":
            self.inbody = False
        if tag in ("script", "style", "template"):
            self.skip = max(0, self.skip - 1)

    def handle_data(self, d):
        if self.inbody and not self.skip:
            self.parts.append(d)


def lenient_page(mod):
    """check-site.py's Page, knowing that HTML may leave out </li> and </p> (an empty
    <li> is written as "<li>" by libxml2's HTML serializer; that is valid HTML)."""
    base = mod.Page

    class Page(base):
        def handle_endtag(self, tag):
            if tag not in mod.VOID:
                while self.stack and self.stack[-1] != tag and self.stack[-1] in ("li", "p") \
                        and tag in ("ol", "ul", "div", "blockquote", "section", "li", "body", "td"):
                    self.stack.pop()
            base.handle_endtag(self, tag)

        def handle_starttag(self, tag, attrs):
            if tag == "li" and self.stack and self.stack[-1] == "li":
                self.stack.pop()
            base.handle_starttag(self, tag, attrs)
    return Page


def check_site(res, site, epub_seq):
    mod = check_site_mod()
    if mod:
        if not getattr(mod, "_lenient", False):
            mod.Page = lenient_page(mod)
            mod._lenient = True
        out = io.StringIO()
        argv = sys.argv
        sys.argv = ["check-site.py", site]
        try:
            with redirect_stdout(out):
                mod.main()
        except Exception as e:
            out.write("check-site.py failed: %r\n" % e)
        finally:
            sys.argv = argv
        for line in out.getvalue().splitlines():
            if not line.startswith("checked "):
                res.bad("site", line)
    for f in sorted(os.listdir(site)):
        if f.endswith(".html"):
            with open(os.path.join(site, f), encoding="utf-8", errors="replace") as fh:
                m = BAD_YEAR.search(fh.read())
            if m:
                res.bad("date", "site %s: a date out of range: %r" % (f, m.group(0)))
    pages = [f for f in sorted(os.listdir(site)) if f.endswith(".html") and f != "index.html"]
    if len(pages) != 1:
        res.bad("site", "%d article pages (want 1): %s" % (len(pages), pages[:5]))
        return
    p = SiteText()
    with open(os.path.join(site, pages[0]), encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.close()
    seq = TOKEN.findall("".join(p.parts))
    if epub_seq is not None and seq != epub_seq:
        # say where they part
        i = next((i for i in range(min(len(seq), len(epub_seq))) if seq[i] != epub_seq[i]),
                 min(len(seq), len(epub_seq)))
        res.bad("site", "the article page's tokens differ from the book's at %d: site %s, book %s"
                % (i, seq[i:i + 3], epub_seq[i:i + 3]))


# --- Markdown ----------------------------------------------------------------------------

class MdText(html.parser.HTMLParser):
    """The text of cmark-gfm's HTML (as body_text: alternative texts are not text), the
    pictures, and what must never be there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.srcs, self.hrefs, self.bad = [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "style", "form"):
            self.bad.append("<%s>" % tag)
        for k in a:
            if k.startswith("on"):
                self.bad.append("<%s %s=...>" % (tag, k))
        if tag == "img":
            self.srcs.append(a.get("src") or "")
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"] or "")

    def handle_data(self, d):
        self.parts.append(d)


def check_md(res, mdir, epub_seq):
    docs = [f for f in os.listdir(mdir) if f.endswith(".md")]
    if docs != ["doc.md"]:
        res.bad("md", "documents written: %s (want doc.md)" % docs[:5])
        return
    with open(os.path.join(mdir, "doc.md"), encoding="utf-8", errors="replace") as f:
        text = f.read()
    end = text.find("\n---\n", 3)
    if not text.startswith("---\n") or end < 0:
        res.bad("md", "no front matter between --- lines")
        return
    front, body = text[4:end + 1], text[end + 5:]
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        try:
            meta = yaml.safe_load(front)
            if not isinstance(meta, dict) or not isinstance(meta.get("title"), str):
                res.bad("md", "the front matter is not a mapping with a title")
        except yaml.YAMLError as e:
            res.bad("md", "the front matter is not YAML: %s" % str(e).replace("\n", " ")[:200])
    cm = shutil.which("cmark-gfm")
    if cm is None:
        return
    out = subprocess.run([cm, "--unsafe", "-e", "strikethrough", "-e", "autolink", "--to", "html"],
                         input=body.encode("utf-8"), stdout=subprocess.PIPE).stdout.decode("utf-8")
    p = MdText()
    p.feed(out)
    p.close()
    for b in p.bad:
        res.bad("md", "the body holds %s" % b)
    for h in p.hrefs:
        if not re.match(r"(https?:|mailto:)", h):
            res.bad("md", "a link to %r" % h[:80])
    for src in p.srcs:
        if not src.startswith(("http://", "https://")) and not os.path.isfile(
                os.path.join(mdir, urllib.parse.unquote(src))):
            res.bad("md", "picture %r does not resolve" % src[:80])
    seq = TOKEN.findall("".join(p.parts))
    if epub_seq is None:
        return
    # the book's tokens in order, less those its colophon and header show that
    # the document keeps in its front matter (文集, tags, topic, category)
    fm = set(TOKEN.findall(front))
    i = j = 0
    while i < len(seq) or j < len(epub_seq):
        if i < len(seq) and j < len(epub_seq) and seq[i] == epub_seq[j]:
            i, j = i + 1, j + 1
        elif j < len(epub_seq) and epub_seq[j] in fm:
            j += 1
        else:
            res.bad("md", "the body's tokens differ from the book's at %d: md %s, book %s"
                    % (i, seq[i:i + 3], epub_seq[j:j + 3]))
            return


# --- one response --------------------------------------------------------------------------

def check(response, exp, program, templates=None, timeout=60, work=None, keep=False, site=True,
          twice=True, md=True):
    res = Result()
    own = work is None
    work = work or tempfile.mkdtemp(prefix="oa-gen.")
    try:
        cache = os.path.join(work, "cache")
        out = os.path.join(work, "out")
        for d in (cache, out):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        resp = os.path.abspath(response)
        base = ["--offline", "--cache-dir", cache, "--from-json", resp]
        if templates:
            base += ["--templates", templates]
        book = os.path.join(out, "book.epub")
        st, err = run(program, base + ["-o", book], work, timeout)
        res.status, res.stderr = st, err
        left = sorted(set(os.listdir(out)) - {"book.epub"})
        if left:
            res.bad("status", "epub: exit %s left %s beside the book" % (st, left[:3]))
        seq = None
        if judge_run(res, "epub", st, err, exp, book):
            seq, data = check_epub(res, book, exp)
            if twice:
                book2 = os.path.join(out, "book2.epub")
                shutil.rmtree(cache, ignore_errors=True)
                os.makedirs(cache)
                st2, err2 = run(program, base + ["-o", book2], work, timeout)
                left = sorted(set(os.listdir(out)) - {"book.epub", "book2.epub"})
                if left:
                    res.bad("status", "epub, second run: exit %s left %s beside the book" % (st2, left[:3]))
                if judge_run(res, "epub, second run", st2, err2, exp, book2):
                    with open(book2, "rb") as f:
                        if f.read() != data:
                            res.bad("reproducible", "two runs with SOURCE_DATE_EPOCH=%s differ" % SDE)
                    if st2 != st:
                        res.bad("reproducible", "exit %d, then %d" % (st, st2))
        if site:
            sdir = os.path.join(out, "site")
            shutil.rmtree(cache, ignore_errors=True)
            os.makedirs(cache)
            st3, err3 = run(program, base + ["--format", "site", "-o", sdir + "/"], work, timeout)
            left = sorted(set(os.listdir(out)) - {"book.epub", "book2.epub", "site"})
            if left:
                res.bad("site", "exit %s left %s beside the site" % (st3, left[:3]))
            ok = judge_run(res, "site", st3, err3, exp, os.path.join(sdir, "index.html"))
            if st3 != st and st is not None and st3 is not None:
                res.bad("site", "exit %s as a site, %s as an EPUB" % (st3, st))
            if st3 == 1 and os.path.exists(sdir) and os.listdir(sdir):
                res.bad("status", "site: exit 1 but files were written")
            if ok:
                check_site(res, sdir, seq)
        if md:
            mdir = os.path.join(out, "md")
            shutil.rmtree(cache, ignore_errors=True)
            os.makedirs(cache)
            st4, err4 = run(program, base + ["--format", "md", "-o", os.path.join(mdir, "doc.md")],
                            work, timeout)
            left = sorted(set(os.listdir(out)) - {"book.epub", "book2.epub", "site", "md"})
            if left:
                res.bad("md", "exit %s left %s beside the document" % (st4, left[:3]))
            ok = judge_run(res, "md", st4, err4, exp, os.path.join(mdir, "doc.md"))
            if st4 != st and st is not None and st4 is not None:
                res.bad("md", "exit %s as Markdown, %s as an EPUB" % (st4, st))
            if st4 == 1 and os.path.exists(mdir) and os.listdir(mdir):
                res.bad("status", "md: exit 1 but files were written")
            if ok:
                check_md(res, mdir, seq)
        # no duplicate lines in the problem list
        seen = set()
        res.problems = [p for p in res.problems if not (p in seen or seen.add(p))]
        return res
    finally:
        if own and not keep:
            shutil.rmtree(work, ignore_errors=True)


def load_tokens(response, tokens=None):
    if tokens is None:
        b = response[:-5] if response.endswith(".json") else response
        tokens = b + ".tokens"
    if os.path.exists(tokens):
        with open(tokens, encoding="utf-8") as f:
            return json.load(f)
    return None


def default_program():
    top = os.environ.get("top_builddir") or os.path.dirname(TESTS)
    return os.environ.get("OPUS_ARCHIVE") or os.path.join(top, "src", "opus-archive")


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description="check the invariants on one response")
    ap.add_argument("--program", default=default_program())
    ap.add_argument("--templates")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--work")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("response")
    ap.add_argument("tokens", nargs="?")
    a = ap.parse_args(argv)
    exp = load_tokens(a.response, a.tokens)
    res = check(a.response, exp, a.program, a.templates, a.timeout, a.work, a.keep)
    for p in res.problems:
        print(p)
    print("exit status %s; %d problems" % (res.status, len(res.problems)))
    return 1 if res.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
