#!/bin/sh
# --from-epub: a book rendered again by today's code from the responses and
# pictures it carries: one article, a --combine book, a site from a book; the
# same bytes as a fresh build and twice over; the identifier and document
# names kept; no request and no cache; and the hostile and broken books it
# must refuse (tests/hostile-epub.py), each with one line and nothing written.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi
. "$top_srcdir/tests/server.sh"

ID=1047362918573064199
LEGACY=862917305341329408
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH

epubcheck_ok() {  # epubcheck_ok BOOK DESCRIPTION
	epub_ok "$1" "$2"
}

# The test server has the article: had the rebuild asked anything, it would
# have been answered, and logged.
mkdir -p "$TMP/data/opus"
cp "$SAMPLES/opus-full.json" "$TMP/data/opus/$ID.json"
server_start "$TMP/data"

# --- one article ---------------------------------------------------------------------------
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$SAMPLES/opus-full.json" \
	-o "$TMP/fresh.epub" 2>"$TMP/err"
expect_status $? 0 "a fresh book of the sample article"
mark
oa nocache --from-epub "$TMP/fresh.epub" -o "$TMP/re.epub" 2>"$TMP/err"
expect_status $? 0 "the book rendered again"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "no request reached the server"
ok $([ ! -e "$TMP/nocache" ] && [ ! -e "$XDG_CACHE_HOME" ]; echo $?) \
	"no cache directory was made or written (neither --cache-dir nor the default)"
cmp -s "$TMP/fresh.epub" "$TMP/re.epub"
ok $? "the rebuilt book is byte for byte the fresh build from the same response and pictures"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/re.epub" -o "$TMP/re2.epub" 2>"$TMP/err"
expect_status $? 0 "the rebuilt book rendered again"
cmp -s "$TMP/re.epub" "$TMP/re2.epub"
ok $? "a rebuild of the rebuild: the same bytes"
epubcheck_ok "$TMP/re.epub" "the rebuilt book"

# --- the identifier and the documents' names stay as the old book has them -----------------
# An older program might have derived either differently: the book keeps its own.
"$PYTHON3" - "$TMP/fresh.epub" "$TMP/renamed.epub" "$ID" <<'PY'
import sys, zipfile
src, dst, id_ = zipfile.ZipFile(sys.argv[1]), sys.argv[2], sys.argv[3]
old_doc, new_doc = "opus-%s.xhtml" % id_, "chapter-one.xhtml"
with zipfile.ZipFile(dst, "w") as z:
    for i in src.infolist():
        data = src.read(i.filename)
        name = i.filename
        if name == "OEBPS/" + old_doc:
            name = "OEBPS/" + new_doc
        if name.endswith((".opf", ".ncx", "nav.xhtml", "cover.xhtml")):
            text = data.decode().replace(old_doc, new_doc)
            opf_id = text.split('<dc:identifier id="bookid">')[1].split("<")[0] if name.endswith(".opf") else None
            text = text.replace(opf_id or "\0", "urn:uuid:0badc0de-0000-4000-8000-000000000001")
            data = text.encode()
        info = zipfile.ZipInfo(name, date_time=i.date_time)
        info.compress_type = i.compress_type
        z.writestr(info, data)
PY
ok $? "a book with another identifier and document name (as an older program might have made)"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/renamed.epub" -o "$TMP/renamed-re.epub" 2>"$TMP/err"
expect_status $? 0 "that book rendered again"
"$PYTHON3" - "$TMP/renamed-re.epub" "$ID" <<'PY'
import sys, zipfile
z, id_ = zipfile.ZipFile(sys.argv[1]), sys.argv[2]
names = z.namelist()
opf = z.read("OEBPS/content.opf").decode()
assert "OEBPS/chapter-one.xhtml" in names, names
assert "OEBPS/opus-%s.xhtml" % id_ not in names, "today's name came back"
assert '<dc:identifier id="bookid">urn:uuid:0badc0de-0000-4000-8000-000000000001<' in opf, opf[:600]
assert 'href="chapter-one.xhtml"' in opf and "urn:uuid:0badc0de" in z.read("OEBPS/toc.ncx").decode()
assert 'href="chapter-one.xhtml' in z.read("OEBPS/nav.xhtml").decode()
PY
ok $? "the rebuilt book keeps the old identifier and the old document name"
epubcheck_ok "$TMP/renamed-re.epub" "the rebuilt renamed book"

# --- a site from a book -------------------------------------------------------------------------
"$OPUS_ARCHIVE" -q --from-epub "$TMP/fresh.epub" -o "$TMP/site-re/" 2>"$TMP/err"
expect_status $? 0 "a folder site from the book"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$SAMPLES/opus-full.json" \
	-o "$TMP/site-fresh/" 2>"$TMP/err"
expect_status $? 0 "a fresh site from the same response"
diff -r "$TMP/site-fresh" "$TMP/site-re" >"$TMP/diff" 2>&1
ok $? "the site from the book is the fresh site, file for file"
[ -s "$TMP/diff" ] && diag "$TMP/diff"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/site-re" >"$TMP/out" 2>&1
ok $? "the site from the book passes check-site.py"

# --- a --combine book: four articles, two of them 专栏 -------------------------------------------
mkdir -p "$TMP/cc/api/opus" "$TMP/cc/api/article"
cp -r "$SAMPLES/cache/pictures" "$TMP/cc/"
cp "$SAMPLES/opus-full.json" "$TMP/cc/api/opus/$ID.json"
cp "$SAMPLES/opus-legacy.json" "$TMP/cc/api/opus/$LEGACY.json"
cp "$SAMPLES/article-html.json" "$TMP/cc/api/article/90001.json"
cp "$SAMPLES/article-delta.json" "$TMP/cc/api/article/90002.json"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/cc" --combine -o "$TMP/comb.epub" \
	"$ID" "$LEGACY" cv90001 cv90002 2>"$TMP/err"
expect_status $? 0 "a fresh --combine book"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/comb.epub" -o "$TMP/comb-re.epub" 2>"$TMP/err"
expect_status $? 0 "the --combine book rendered again"
cmp -s "$TMP/comb.epub" "$TMP/comb-re.epub"
ok $? "the rebuilt --combine book is byte for byte the fresh one (order, identifier, names)"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/comb-re.epub" -o "$TMP/comb-re2.epub" 2>"$TMP/err"
cmp -s "$TMP/comb-re.epub" "$TMP/comb-re2.epub"
ok $? "the --combine book rebuilt twice: the same bytes"
epubcheck_ok "$TMP/comb-re.epub" "the rebuilt --combine book"
for f in opus-full article-html article-delta; do
	"$PYTHON3" "$top_srcdir/tests/visible-text.py" "$SAMPLES/$f.json" "$TMP/comb-re.epub" \
		>"$TMP/out" 2>&1
	ok $? "the rebuilt --combine book holds every visible string of $f.json"
done
"$OPUS_ARCHIVE" -q --from-epub "$TMP/comb.epub" -o "$TMP/comb-site/" 2>"$TMP/err"
expect_status $? 0 "a library site from the --combine book"
"$PYTHON3" - "$TMP/comb-site" "$ID" "$LEGACY" <<'PY'
import os, sys
d, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
pages = sorted(f for f in os.listdir(d) if f.endswith(".html"))
want = sorted(["index.html", a + ".html", b + ".html", "cv90001.html", "cv90002.html"])
assert pages == want, pages
index = open(os.path.join(d, "index.html")).read()
for p in want:
    if p == "index.html":
        continue
    assert 'href="%s"' % p in index, p
PY
ok $? "the site has a page for each article and an index of them"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/comb-site" >"$TMP/out" 2>&1
ok $? "the library site from the book passes check-site.py"

# --- what the old book lacks becomes a placeholder ---------------------------------------------
mkdir -p "$TMP/empty"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/empty" --from-json "$SAMPLES/opus-full.json" \
	-o "$TMP/nopics.epub" 2>"$TMP/err"
expect_status $? 3 "a book made without its pictures"
"$OPUS_ARCHIVE" --from-epub "$TMP/nopics.epub" -o "$TMP/nopics-re.epub" 2>"$TMP/err"
expect_status $? 3 "rendered again: still without them"
grep -q "not in the book it is rebuilt from" "$TMP/err"
ok $? "each missing picture is named, and why"
epubcheck_ok "$TMP/nopics-re.epub" "the rebuilt book with placeholders"
# Books from before the picture map: the addresses are found by the pictures'
# places in the old documents, rendered again with every picture present.
strip_map() {  # strip_map BOOK OUT
	"$PYTHON3" - "$1" "$2" <<'PY'
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for i in src.infolist():
        if i.filename != "META-INF/opus-archive/pictures.tsv":
            z.writestr(i, src.read(i.filename))
PY
}
strip_map "$TMP/fresh.epub" "$TMP/nomap.epub"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/nomap.epub" -o "$TMP/nomap-re.epub" 2>"$TMP/err"
expect_status $? 0 "a book without the picture map rendered again"
cmp -s "$TMP/fresh.epub" "$TMP/nomap-re.epub"
ok $? "every picture found by its place: the fresh build's bytes, map included"
strip_map "$TMP/comb.epub" "$TMP/comb-nomap.epub"
"$OPUS_ARCHIVE" -q --from-epub "$TMP/comb-nomap.epub" -o "$TMP/comb-nomap-re.epub" 2>"$TMP/err"
expect_status $? 0 "a --combine book without the picture map rendered again"
cmp -s "$TMP/comb.epub" "$TMP/comb-nomap-re.epub"
ok $? "its pictures found too: the fresh --combine build's bytes"
# one picture was missing when the old book was made: its document pairs
# nothing rather than risk a picture in the wrong place
mkdir -p "$TMP/partial"
cp -r "$SAMPLES/cache/pictures" "$TMP/partial/"
"$PYTHON3" - "$TMP/fresh.epub" "$TMP/partial/pictures" <<'PY'
import hashlib, os, sys, zipfile
z, pics = zipfile.ZipFile(sys.argv[1]), sys.argv[2]
line = [l for l in z.read("META-INF/opus-archive/pictures.tsv").decode().splitlines()
        if l and not l.startswith("#")][-1]
h = hashlib.sha256(line.split("\t")[1].encode()).hexdigest()
os.remove(os.path.join(pics, h[:2], h))
PY
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/partial" --from-json "$SAMPLES/opus-full.json" \
	-o "$TMP/partial.epub" 2>"$TMP/err"
expect_status $? 3 "a book made with one picture missing"
strip_map "$TMP/partial.epub" "$TMP/partial-nomap.epub"
"$OPUS_ARCHIVE" --from-epub "$TMP/partial-nomap.epub" -o "$TMP/partial-re.epub" 2>"$TMP/err"
expect_status $? 3 "without its map, rendered again: incomplete"
grep -q "does not say which picture came from where" "$TMP/err"
ok $? "and the placeholders say why"
"$PYTHON3" - "$TMP/partial-re.epub" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert not [n for n in z.namelist() if n.startswith("OEBPS/images/")], "a picture was placed by guess"
PY
ok $? "no picture placed by guess when the documents do not line up"
epubcheck_ok "$TMP/partial-re.epub" "the rebuilt book with placeholders for every picture"

# --- hostile and broken books: exit 1, one line naming the book and the cause, nothing written ---
"$PYTHON3" "$top_srcdir/tests/hostile-epub.py" "$TMP/fresh.epub" "$TMP/bad" >"$TMP/out" 2>&1
ok $? "the hostile books are made"
[ $? -eq 0 ] || diag "$TMP/out"
tab=$(printf '\t')
while IFS="$tab" read -r name want; do
	mkdir -p "$TMP/bad-out/$name"
	"$OPUS_ARCHIVE" --from-epub "$TMP/bad/$name.epub" -o "$TMP/bad-out/$name/new.epub" \
		>"$TMP/bad-out/$name.out" 2>"$TMP/bad-out/$name.err"
	st=$?
	lines=$(wc -l <"$TMP/bad-out/$name.err")
	left=$(ls -A "$TMP/bad-out/$name" | wc -l)
	grep -q "'[^']*$name\.epub'" "$TMP/bad-out/$name.err" &&
		grep -Eq -- "$want" "$TMP/bad-out/$name.err"
	said=$?
	ok $([ $st -eq 1 ] && [ "$lines" -eq 1 ] && [ $said -eq 0 ] && [ "$left" -eq 0 ]; echo $?) \
		"$name: exit $st (want 1), $lines line(s) naming the book and /$want/, $left file(s) left"
	[ $st -eq 1 ] && [ "$lines" -eq 1 ] && [ $said -eq 0 ] || diag "$TMP/bad-out/$name.err"
done <"$TMP/bad/cases.tsv"
n=$(wc -l <"$TMP/bad/cases.tsv")
ok $([ "$n" -ge 15 ]; echo $?) "$n hostile books tried"

# every rebuild above but the first ran with the default cache directory
ok $([ ! -e "$XDG_CACHE_HOME" ] && [ ! -e "$HOME/.cache" ]; echo $?) \
	"after every rebuild: still no default cache directory"

# --- usage ----------------------------------------------------------------------------------
"$OPUS_ARCHIVE" --from-epub "$TMP/fresh.epub" "$ID" -o "$TMP/u.epub" 2>"$TMP/err"
expect_status $? 2 "--from-epub with an id"
"$OPUS_ARCHIVE" --from-epub "$TMP/fresh.epub" 2>"$TMP/err"
expect_status $? 2 "--from-epub without -o"
"$OPUS_ARCHIVE" --from-epub "$TMP/fresh.epub" --warc "$TMP/w.warc.gz" -o "$TMP/u.epub" 2>"$TMP/err"
expect_status $? 2 "--from-epub with --warc"
"$OPUS_ARCHIVE" --help | grep -q -- "--from-epub BOOK"
ok $? "--help names --from-epub"
ok $([ ! -e "$TMP/u.epub" ]; echo $?) "no usage error wrote a book"

finish
