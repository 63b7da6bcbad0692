#!/bin/sh
# Reading quality: the stylesheet's rules for e-ink and small screens, --css,
# the cover (a picture, or a generated one), colours that read in greyscale,
# and links to the article itself that stay inside the book or site.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to read the books"
	exit 0
fi
full=$SAMPLES/opus-full.json
self_id=1047362918573064199
css=$top_srcdir/templates/style.css

# --- the bundled stylesheet ---------------------------------------------------
# Devices choose CJK fonts well and readers set their own sizes: no fonts, no pixel font sizes.
grep -qiE '@font-face|font-size:[^;]*[0-9]px' "$css"
ok $([ $? -ne 0 ]; echo $?) "style.css embeds no font and sizes text in relative units"
grep -qiE 'display:[[:space:]]*(flex|grid|inline-flex|inline-grid)|position:[[:space:]]*(fixed|absolute|sticky)' "$css"
ok $([ $? -ne 0 ]; echo $?) "style.css uses no flex, grid or fixed positions (e-readers ignore them)"
"$PYTHON3" - "$css" <<'PY'
import re, sys
css = re.sub(r"/\*.*?\*/", "", open(sys.argv[1], encoding="utf-8").read(), flags=re.S)
rules = {}
for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
    for s in sel.split(","):
        rules.setdefault(s.strip(), "")
        rules[s.strip()] += body
def has(sel, *decls):
    body = re.sub(r"\s+", "", rules.get(sel, ""))
    return all(d.replace(" ", "") in body for d in decls)
want = [
    ("img", "max-width:100%"),
    ("figure", "page-break-inside:avoid", "break-inside:avoid"),
    ("h2", "page-break-after:avoid", "break-after:avoid"),
    ("pre", "white-space:pre-wrap", "overflow-wrap:break-word"),
    ("body", "line-height:1.75"),
    ("figcaption",),
    ("blockquote", "border-left"),
    (".card", "border", "page-break-inside:avoid"),
]
bad = [w[0] for w in want if w[0] not in rules or not has(*w)]
print("missing or incomplete rules: %s" % bad if bad else "all there")
sys.exit(1 if bad else 0)
PY
ok $? "style.css keeps pictures whole and within the page, headings with what follows, code wrapped"

# --- --css --------------------------------------------------------------------
printf 'body { font-size: 1.1em; } /* mine */\n' >"$TMP/mine.css"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$full" --css "$TMP/mine.css" \
	-o "$TMP/css.epub"
ok $? "--css FILE: the book is written"
"$PYTHON3" - "$TMP/css.epub" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert b"/* mine */" in z.read("OEBPS/user.css"), "user.css is not the given file"
assert b'href="user.css"' in z.read("OEBPS/content.opf"), "user.css not in the manifest"
for n in z.namelist():
    if n.endswith(".xhtml"):
        links = re.findall(rb'<link[^>]*href="([^"]+\.css)"', z.read(n))
        assert links == [b"style.css", b"user.css"], "%s links %s" % (n, links)
PY
ok $? "--css FILE: user.css is in the book, linked after style.css on every page"
epub_check "$TMP/css.epub" "--css FILE: EPUBCheck reports 0 errors and 0 warnings"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$full" --css "$TMP/mine.css" \
	-o "$TMP/css-site/"
"$PYTHON3" - "$TMP/css-site" <<'PY'
import os, re, sys
d = sys.argv[1]
assert "/* mine */" in open(os.path.join(d, "user.css"), encoding="utf-8").read()
for n in os.listdir(d):
    if n.endswith(".html"):
        links = re.findall(r'<link[^>]*href="([^"]+\.css)"', open(os.path.join(d, n), encoding="utf-8").read())
        assert links == ["style.css", "user.css"], "%s links %s" % (n, links)
PY
ok $? "--css FILE: the site has user.css, linked after style.css"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$full" --css "$TMP/none.css" \
	-o "$TMP/none.epub" 2>"$TMP/err"
st=$?
ok $([ $st -eq 2 ] && grep -q "none.css" "$TMP/err" && [ ! -e "$TMP/none.epub" ]; echo $?) \
	"--css with a missing file is a usage error naming it (status $st)"

# --- covers -------------------------------------------------------------------
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$full" -o "$TMP/full.epub"
"$PYTHON3" - "$TMP/full.epub" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
opf = z.read("OEBPS/content.opf").decode()
item = re.search(r'<item id="cover-image" href="([^"]+)" media-type="(image/(?:jpeg|png))" properties="cover-image"/>', opf)
assert item, "no raster cover-image item"
assert '<meta name="cover" content="cover-image"/>' in opf, "no EPUB 2 cover meta"
page = z.read("OEBPS/cover.xhtml").decode()
assert 'src="%s"' % item.group(1) in page and 'role="doc-cover"' in page, "cover page does not show it"
PY
ok $? "an article with pictures: its picture is the cover image (OPF property, EPUB 2 meta, cover page)"

mkdir -p "$TMP/empty-cache"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/empty-cache" --from-json "$full" -o "$TMP/drawn.epub"
st=$?
ok $([ $st -eq 3 ]; echo $?) "no picture cached: written, incomplete (status $st)"
"$PYTHON3" - "$TMP/drawn.epub" <<'PY'
import re, sys, zipfile
import xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
opf = z.read("OEBPS/content.opf").decode()
assert '<item id="cover-image" href="cover.svg" media-type="image/svg+xml" properties="cover-image"/>' in opf, opf
assert '<meta name="cover" content="cover-image"/>' in opf
svg = ET.fromstring(z.read("OEBPS/cover.svg"))
texts = "".join("".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text"))
assert "墨水屏" in texts and "阿柚的电子工坊" in texts, "title or author missing from the drawn cover: %r" % texts
page = z.read("OEBPS/cover.xhtml").decode()
assert re.search(r'<img class="drawn" src="cover.svg" alt="封面：【保姆级教程】[^"]*阿柚的电子工坊" role="doc-cover"/>', page), page
PY
ok $? "an article without pictures gets a drawn SVG cover with its title and author"
epub_check "$TMP/drawn.epub" "the book with a drawn cover: EPUBCheck reports 0 errors and 0 warnings"

# --- colours read on e-ink: every colour the author set reaches 4.5:1 on white -
"$PYTHON3" - "$TMP/full.epub" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
page = z.read([n for n in z.namelist() if n.startswith("OEBPS/opus-")][0]).decode()
colours = re.findall(r'color: #([0-9a-f]{6})', page)
def lum(h):
    out = 0
    for w, i in zip((0.2126, 0.7152, 0.0722), (0, 2, 4)):
        v = int(h[i:i + 2], 16) / 255
        out += w * (v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
    return out
low = [c for c in colours if 1.05 / (lum(c) + 0.05) < 4.5]
print("%d colours, too pale: %s" % (len(colours), low))
sys.exit(0 if colours and not low else 1)
PY
ok $? "the author's colours are dark enough to read in greyscale"

# --- links to the article itself stay inside --------------------------------
# The sample's opus link card, pointed at the article itself.
sed "s/1032759148265390081/$self_id/g" "$full" >"$TMP/self.json"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$TMP/self.json" -o "$TMP/self.epub"
unzip -p "$TMP/self.epub" "OEBPS/opus-$self_id.xhtml" >"$TMP/self.xhtml"
grep -q "<a href=\"opus-$self_id.xhtml\">" "$TMP/self.xhtml"
ok $? "book: a link card to the article itself leads to its page"
n=$(grep -o "href=\"https://www.bilibili.com/opus/$self_id\"" "$TMP/self.xhtml" | wc -l)
ok $([ "$n" -eq 1 ]; echo $?) "book: only the colophon's source link goes to the web ($n)"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$TMP/self.json" -o "$TMP/self-site/"
grep -q "<a href=\"$self_id.html\">" "$TMP/self-site/$self_id.html"
ok $? "site: a link card to the article itself leads to its page"
epub_check "$TMP/self.epub" "the book with a local link: EPUBCheck reports 0 errors and 0 warnings"

# --- a combined book: links between its articles stay inside it ---------------
# Article B's link card points at article A; neither has a picture cached, so the
# book also gets a drawn cover.
other=91000000000000000
mkdir -p "$TMP/cc/api/opus"
cp "$full" "$TMP/cc/api/opus/$self_id.json"
sed "s/$self_id/$other/g; s/1032759148265390081/$self_id/g" "$full" >"$TMP/cc/api/opus/$other.json"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/cc" --combine --css "$TMP/mine.css" \
	-o "$TMP/both.epub" "$self_id" "$other" 2>"$TMP/err"
st=$?
ok $([ $st -eq 3 ]; echo $?) "combined book without pictures: written, incomplete (status $st)"
[ $st -eq 3 ] || diag "$TMP/err"
"$PYTHON3" - "$TMP/both.epub" "$self_id" "$other" <<'PY'
import re, sys, zipfile
z, a, b = zipfile.ZipFile(sys.argv[1]), sys.argv[2], sys.argv[3]
page_b = z.read("OEBPS/opus-%s.xhtml" % b).decode()
assert '<a href="opus-%s.xhtml">' % a in page_b, "B's card does not lead to A's page"
assert "https://www.bilibili.com/opus/%s\"" % a not in page_b, "B still links A on the web"
opf = z.read("OEBPS/content.opf").decode()
assert 'href="cover.svg" media-type="image/svg+xml" properties="cover-image"' in opf, "no drawn cover"
assert 'href="user.css"' in opf, "no user.css"
PY
ok $? "combined book: a link to another of its articles leads to its chapter; drawn cover; --css"
epub_check "$TMP/both.epub" "the combined book: EPUBCheck reports 0 errors and 0 warnings"
finish
