#!/bin/sh
# 文集 (readlists) end to end, against tests/bili-server.py: rlN and readlist
# URLs make one book of the list's articles in order (title, writer,
# summary, cover, identifier, series metadata, a two-level table of
# contents, the list response kept); a chapter that cannot be had leaves a
# notice and exit 3; an empty list, an unknown one, or one whose articles are
# all gone fail with one line and nothing written; --series turns an
# article into its 文集.  tests/series-batch.sh has 文集 in a batch, a library
# site and --combine; tests/series-md.sh their WARCs, Markdown and a list that
# grows between runs (three parts, run in parallel).  The data:
# tests/series-data.py.
. "$(dirname "$0")/series-setup.sh"

# --- one 文集, one book ------------------------------------------------------------------
B=$TMP/rl70007.epub
mark
oa c1 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "rl70007"
epub_ok "$B" "rl70007"
since | grep '"path": *"/x/article/list/web/articles"' | grep -q '"query": *"id=70007"' &&
	since | grep '/x/article/list/web/articles' | grep -q '"referer": *"https://www.bilibili.com/read/readlist/rl70007"'
ok $? "the list is asked of x/article/list/web/articles with the readlist page as Referer"
ok $([ -f "$TMP/c1/api/readlist/70007.json" ]; echo $?) "the list is kept as api/readlist/70007.json"
spine "$B" >"$TMP/spine"
printf 'cover.xhtml\nopus-cv91001.xhtml\nopus-cv91002.xhtml\nopus-cv91003.xhtml\n' | cmp -s - "$TMP/spine"
ok $? "the chapters are in the list's order, named after their cv numbers ($(tr '\n' ' ' <"$TMP/spine"))"
opf "$B" >"$TMP/opf"
grep -q '<dc:title>示例文集 &lt;&amp;&gt;</dc:title>' "$TMP/opf" &&
	grep -q '<dc:creator id="creator">文集作者</dc:creator>' "$TMP/opf" &&
	grep -q '<dc:description>一个测试用的文集</dc:description>' "$TMP/opf" &&
	grep -q '<dc:source>https://www.bilibili.com/read/readlist/rl70007</dc:source>' "$TMP/opf"
ok $? "title, creator, description and source are the 文集's"
grep -q '<meta property="belongs-to-collection" id="collection">示例文集 &lt;&amp;&gt;</meta>' "$TMP/opf" &&
	grep -q '<meta refines="#collection" property="collection-type">series</meta>' "$TMP/opf" &&
	grep -q '<meta name="calibre:series" content="示例文集 &lt;&amp;&gt;"/>' "$TMP/opf"
ok $? "the book belongs to its 文集 as a series (EPUB 3 and calibre)"
unzip -l "$B" | grep -q 'META-INF/opus-archive/article-list-rl70007.json' &&
	unzip -p "$B" META-INF/opus-archive/article-list-rl70007.json | cmp -s - "$D/readlist/70007.json"
ok $? "the list response is kept in the book as it came"
n=$(unzip -l "$B" | grep -c 'META-INF/opus-archive/article-view-cv9100[123].json')
ok $([ "$n" -eq 3 ]; echo $?) "each chapter's response is kept ($n of 3)"
unzip -p "$B" OEBPS/nav.xhtml >"$TMP/nav"
"$PYTHON3" - "$TMP/nav" <<'PY'
import re, sys
nav = open(sys.argv[1], encoding="utf-8").read()
toc = nav[nav.index('epub:type="toc"'):]
toc = toc[:toc.index("</nav>")]
# the chapters at the first level, each with its own headings under it
top = re.findall(r'<li><a href="(opus-cv\d+)\.xhtml#title">([^<]*)</a>\s*<ol>', toc)
assert [t for _, t in top] == ["第一章：开端", "第二章：经过", "第三章：结局"], top
assert 'href="opus-cv91001.xhtml#h1"' in toc, "a heading of the first chapter"
PY
ok $? "the table of contents: the chapters, then each chapter's headings"
grep -q '<dc:identifier id="bookid">urn:uuid:' "$TMP/opf"
id1=$(sed -n 's/.*<dc:identifier id="bookid">\([^<]*\)<.*/\1/p' "$TMP/opf")
SOURCE_DATE_EPOCH=1700000000 oa c1 -q rl70007 -o "$TMP/r1.epub" 2>"$TMP/err"
SOURCE_DATE_EPOCH=1700000000 oa c1 -q https://www.bilibili.com/read/readlist/rl70007 -o "$TMP/r2.epub" 2>>"$TMP/err"
cmp -s "$TMP/r1.epub" "$TMP/r2.epub" && [ -n "$id1" ] &&
	[ "$(opf "$TMP/r1.epub" | sed -n 's/.*<dc:identifier id="bookid">\([^<]*\)<.*/\1/p')" = "$id1" ]
ok $? "the identifier comes from the rl number, and the same list makes the same bytes"
oa c1 -q "https://m.bilibili.com/read/readlist/rl70007?from=share" -o "$TMP/m.epub" 2>"$TMP/err"
expect_status $? 0 "an m.bilibili.com readlist URL"
mkdir -p "$D/b23"
printf 'https://www.bilibili.com/read/readlist/rl70007?share_source=copy\n' >"$D/b23/RlShort"
oa c1 -q https://b23.tv/RlShort -o "$TMP/short.epub" 2>"$TMP/err"
expect_status $? 0 "a b23.tv link to a 文集"
ok $([ "$(spine "$TMP/short.epub" | grep -c opus-cv)" -eq 3 ]; echo $?) "it makes the 文集's book"
grep -q 'list70007\.png' "$S/requests.log"
ok $? "the 文集's picture is fetched"
c1=$(opf "$B" | grep -o '<item id="cover-image" href="[^"]*"')
oa c1 rl70008 -o "$TMP/rl70008.epub" 2>"$TMP/err"
c2=$(opf "$TMP/rl70008.epub" | grep -o '<item id="cover-image" href="[^"]*"')
ok $([ -n "$c1" ] && [ -n "$c2" ] && [ "$c1" != "$c2" ] &&
	case $c1 in *.png*) true;; *) false;; esac; echo $?) \
	"the cover is the 文集's picture; without one, the first chapter's ($c1, $c2)"

# --- chapters that cannot be had ------------------------------------------------------------
G=$TMP/rl70008.epub
oa c1 rl70008 -o "$G" 2>"$TMP/err"
expect_status $? 3 "a 文集 with a deleted chapter"
epub_ok "$G" "a 文集 with a deleted chapter"
grep -q "rl70008: chapter 2 of 3, cv99999 '已删除的一章', is left out: cv99999 not found" "$TMP/err"
ok $? "the gap is named on stderr"
spine "$G" | tr '\n' ' ' | grep -q 'opus-cv91001.xhtml opus-cv99999.xhtml opus-cv91002.xhtml'
ok $? "the gap keeps its place in the book"
unzip -p "$G" OEBPS/opus-cv99999.xhtml >"$TMP/gap"
grep -q '本章未能存档' "$TMP/gap" && grep -q 'cv99999 not found' "$TMP/gap" &&
	grep -q '已删除的一章' "$TMP/gap" && grep -q 'href="https://www.bilibili.com/read/cv99999"' "$TMP/gap"
ok $? "the book says where the chapter would be, and why it is not"
faults '[{"path":"re:article/view\\?id=91004","fault":"api_code","code":-403}]'
oa c1 rl70011 -o "$TMP/rl70011.epub" 2>"$TMP/err"
expect_status $? 3 "a 文集 with a chapter that needs a login"
faults '[]'
grep -q 'cv91004.*--cookies' "$TMP/err"
ok $? "the chapter that needs a login says so"
epub_ok "$TMP/rl70011.epub" "a 文集 with a chapter that needs a login"

for c in "rl70009 an empty 文集 holds no article" "rl70010 a 文集 that does not exist not found"; do
	set -- $c
	rl=$1 want=$(echo "$c" | awk '{print $(NF-1), $NF}')
	desc=$(echo "$c" | cut -d' ' -f2- | sed 's/ [^ ]* [^ ]*$//')
	oa c1 "$rl" -o "$TMP/$rl.epub" 2>"$TMP/err"
	expect_status $? 1 "$desc"
	ok $([ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^opus-archive: $rl.*$want" "$TMP/err" &&
		[ ! -e "$TMP/$rl.epub" ]; echo $?) "$desc: one line ($(head -c 150 "$TMP/err")), nothing written"
done
oa c1 rl70012 -o "$TMP/rl70012.epub" 2>"$TMP/err"
expect_status $? 1 "a 文集 whose articles are all gone"
ok $(tail -n 1 "$TMP/err" | grep -q "rl70012: none of the 2 articles of '全没了' could be read; nothing written" &&
	[ ! -e "$TMP/rl70012.epub" ]; echo $?) "it says so last (each gap named before), and nothing is written"
oa c1 rl70010 rl70009 -o "$TMP/none/" 2>"$TMP/err"
expect_status $? 1 "a batch of 文集 that fail"
ok $([ "$(ls "$TMP/none" | wc -l)" -eq 0 ]; echo $?) "nothing written for them"

# --- newer lists: chapters named by their opus id too ------------------------------------------
oa c1 rl70013 -o "$TMP/rl70013.epub" 2>"$TMP/err"
expect_status $? 0 "a list that gives dyn_id_str"
epub_ok "$TMP/rl70013.epub" "a list that gives dyn_id_str"
spine "$TMP/rl70013.epub" | tr '\n' ' ' | grep -q 'opus-cv91001.xhtml opus-cv91002.xhtml'
ok $? "a chapter read through its opus id keeps its cv-named document"
grep -q '"query": *"id=1056353752004491001' "$S/requests.log"
ok $? "the opus id is what was asked"

# --- --series ------------------------------------------------------------------------------------
oa c2 --series 1047362918573064199 -o "$TMP/s1.epub" 2>"$TMP/err"
expect_status $? 0 "--series with an opus in a 文集 (MODULE_TYPE_COLLECTION)"
ok $([ "$(opf "$TMP/s1.epub" | sed -n 's/.*<dc:identifier id="bookid">\([^<]*\)<.*/\1/p')" = "$id1" ]; echo $?) \
	"it makes the 文集's book"
oa c2 --series cv91002 -o "$TMP/s2.epub" 2>"$TMP/err"
expect_status $? 0 "--series with a cv in a 文集 (data.list)"
spine "$TMP/s2.epub" | grep -q 'opus-cv91003.xhtml'
ok $? "it makes the 文集's book"
oa c2 -v --series 1047362918573064200 -o "$TMP/s3.epub" 2>"$TMP/err"
expect_status $? 0 "--series with an opus in no 文集"
grep -q 'opus 1047362918573064200 is in no 文集: archived on its own' "$TMP/err" &&
	[ "$(spine "$TMP/s3.epub" | wc -l)" -eq 2 ]
ok $? "it stays a single article, and -v says so"
ok $(! opf "$TMP/s3.epub" | grep -q 'belongs-to-collection'; echo $?) "a book in no 文集 has no series"

"$OPUS_ARCHIVE" --series --from-json "$SAMPLES/article-html.json" -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 2 "--series with --from-json"
grep -q -- '--series takes ids' "$TMP/err"
ok $? "--series with --from-json is refused with a reason"

if command -v ebook-meta >/dev/null 2>&1; then
	s=$(series_of "$B")
	ok $([ "$s" = "示例文集 <&> #1" ]; echo $?) "calibre reads the 文集 book's series ($s)"
	s=$(series_of "$TMP/s3.epub")
	ok $([ -z "$s" ]; echo $?) "calibre finds no series in a book that has none"
else
	skip "calibre reads the series" "ebook-meta (calibre) is not installed"
fi
finish
