#!/bin/sh
# Kindle: calibre converts the sample books to AZW3 and MOBI without errors,
# and converting them back shows that the pictures, the headings and the
# table of contents came through.  Skipped when calibre is not installed.
. "$(dirname "$0")/lib.sh"

if ! command -v ebook-convert >/dev/null 2>&1; then
	echo "1..0 # SKIP calibre (ebook-convert) is not installed"
	exit 0
fi
if ! have_python; then
	echo "1..0 # SKIP python3 is needed to read the books"
	exit 0
fi
# calibre starts Qt (and for some steps QtWebEngine); no display here, and as root no sandbox
QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1
export QT_QPA_PLATFORM QTWEBENGINE_DISABLE_SANDBOX

for name in opus-full opus-legacy; do
	resp=$SAMPLES/$name.json
	[ -f "$resp" ] || { skip "$name" "samples/$name.json is missing"; continue; }
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$TMP/$name.epub"
	ok $? "$name: book written"
	for fmt in azw3 mobi; do
		ebook-convert "$TMP/$name.epub" "$TMP/$name.$fmt" >"$TMP/conv.log" 2>&1
		st=$?
		ok $([ $st -eq 0 ] && [ -s "$TMP/$name.$fmt" ]; echo $?) "$name: ebook-convert to $fmt (status $st)"
		[ $st -eq 0 ] || tail -n 15 "$TMP/conv.log" | diag
		grep -E '^(ERROR|Traceback)' "$TMP/conv.log" >"$TMP/conv.err"
		ok $([ ! -s "$TMP/conv.err" ]; echo $?) "$name: no error in calibre's $fmt log"
		[ -s "$TMP/conv.err" ] && diag "$TMP/conv.err"
		# back to EPUB, to look inside what the Kindle gets
		rm -rf "$TMP/back.epub"
		ebook-convert "$TMP/$name.$fmt" "$TMP/back.epub" >"$TMP/back.log" 2>&1
		"$PYTHON3" - "$TMP/$name.epub" "$TMP/back.epub" "$fmt" >"$TMP/cmp" 2>&1 <<'PY'
import re, sys, zipfile
import xml.etree.ElementTree as ET
orig, back, fmt = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2]), sys.argv[3]
def pages(z):
    return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                   if n.endswith((".xhtml", ".html")) and "nav" not in n)
def strip(s):
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", s))
src = pages(orig)
headings = [strip(h) for h in re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", src, re.S)]
pics = {n for n in orig.namelist() if n.startswith("OEBPS/images/")}
# one record per picture in the Kindle file (calibre may add a cover thumbnail, never fewer)
bimgs = [n for n in back.namelist() if re.search(r"\.(jpe?g|png|gif)$", n)]
out = pages(back)
text = strip(out)
problems = []
if len(bimgs) < len(pics):
    problems.append("%d pictures in the book, %d after the round trip" % (len(pics), len(bimgs)))
imgs_on_pages = len(re.findall(r"<img\b", out))
if imgs_on_pages < len(pics) - 1:   # the avatar and the content pictures; the cover page may merge
    problems.append("only %d <img> on the pages for %d pictures" % (imgs_on_pages, len(pics)))
lost = [h for h in headings if h and h not in text]
if lost:
    problems.append("headings lost: %s" % lost[:3])
ncx = [n for n in back.namelist() if n.endswith(".ncx")]
toc = strip(back.read(ncx[0]).decode()) if ncx else ""
missing = [h for h in headings if h and h not in toc]
if not ncx or missing:
    problems.append("table of contents lacks: %s" % (missing[:3] if ncx else "the whole NCX"))
tags = re.findall(r"<h([1-6])\b", out)
if fmt == "azw3" and len(tags) < len(headings):
    problems.append("%d headings in the book, %d heading elements after" % (len(headings), len(tags)))
print("%d pictures, %d headings; %s" % (len(pics), len(headings), "; ".join(problems) or "all kept"))
sys.exit(1 if problems else 0)
PY
		st=$?
		ok $st "$name: $fmt keeps the pictures, headings and table of contents ($(tail -n 1 "$TMP/cmp"))"
		[ $st -eq 0 ] || diag "$TMP/cmp"
	done
	# The Kindle library shows the book's cover: the AZW3 carries it as its cover image.
	ebook-meta "$TMP/$name.azw3" --get-cover="$TMP/$name-cover.jpg" >/dev/null 2>&1
	ok $([ -s "$TMP/$name-cover.jpg" ]; echo $?) "$name: the AZW3 has a cover picture"
done

# A book without pictures has the drawn SVG cover.  calibre's MOBI output
# rasterises it into the Kindle cover; its AZW3 (KF8) writer takes only raster
# covers and leaves the book without one, which is known and not tested here.
mkdir -p "$TMP/empty-cache"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/empty-cache" --from-json "$SAMPLES/opus-full.json" \
	-o "$TMP/drawn.epub"
for fmt in azw3 mobi; do
	ebook-convert "$TMP/drawn.epub" "$TMP/drawn.$fmt" >"$TMP/conv.log" 2>&1
	st=$?
	ok $([ $st -eq 0 ] && [ -s "$TMP/drawn.$fmt" ]; echo $?) "drawn cover: ebook-convert to $fmt (status $st)"
done
ebook-meta "$TMP/drawn.mobi" --get-cover="$TMP/drawn-cover.jpg" >/dev/null 2>&1
ok $([ -s "$TMP/drawn-cover.jpg" ]; echo $?) "drawn cover: the MOBI has it as its cover picture"
finish
