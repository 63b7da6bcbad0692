#!/bin/sh
# 文集 (readlists) end to end, against tests/bili-server.py: rlN and readlist
# URLs make one book of the list's articles in order (title, writer,
# summary, cover, identifier, series metadata, a two-level table of
# contents, the list response kept); a chapter that cannot be had leaves a
# notice and exit 3; an empty list, an unknown one, or one whose articles are
# all gone fail with one line and nothing written; --series turns an
# article into its 文集; 文集 in a batch, a library site and --combine; a
# list that grows between runs.  The data: tests/series-data.py.
. "$(dirname "$0")/lib.sh"

. "$top_srcdir/tests/server.sh"

D=$TMP/data
"$PYTHON3" "$top_srcdir/tests/series-data.py" "$SAMPLES" "$D" || {
	echo "Bail out! the test data could not be made"
	exit 1
}
server_start "$D"

# series_of BOOK: what calibre reads as the book's series ("" when none)
series_of() {
	ebook-meta "$1" 2>/dev/null | sed -n 's/^Series *: //p'
}

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

# --- in a batch ------------------------------------------------------------------------------------
mark
oa c3 rl70007 rl70008 cv91003 -o "$TMP/books/" 2>"$TMP/err"
expect_status $? 3 "a batch of two 文集 and an article of one"
ls "$TMP/books" | tr '\n' ' ' >"$TMP/ls"
ok $([ "$(ls "$TMP/books")" = "$(printf 'cv91003.epub\nrl70007.epub\nrl70008.epub')" ]; echo $?) \
	"a book for each 文集, one for the article ($(cat "$TMP/ls"))"
grep -q '2 文集: 1 done, 0 skipped, 0 failed, 1 incomplete' "$TMP/err"
ok $? "the summary counts the 文集"
opf "$TMP/books/cv91003.epub" >"$TMP/opf3"
grep -q '<meta refines="#collection" property="group-position">3</meta>' "$TMP/opf3" &&
	grep -q '<meta name="calibre:series_index" content="3"/>' "$TMP/opf3"
ok $? "an article's own book says its place in its 文集"
ok $([ "$(count '/x/article/list/web/articles')" -eq 2 ]; echo $?) \
	"each list is asked once ($(count '/x/article/list/web/articles') requests)"
for f in "$TMP"/books/*.epub; do
	epub_ok "$f" "batch: $(basename "$f")"
done
mark
oa c3 rl70007 rl70008 cv91003 -o "$TMP/books/" 2>"$TMP/err"
expect_status $? 0 "the same batch again"
ok $([ "$(since | wc -l)" -eq 0 ] && grep -q '2 文集: 0 done, 2 skipped' "$TMP/err"; echo $?) \
	"what is there is skipped without a request"
oa c3 --series 1047362918573064199 cv91002 1047362918573064200 -o "$TMP/books2/" 2>"$TMP/err"
expect_status $? 0 "--series on a batch: two articles of one 文集 and one in none"
ok $([ "$(ls "$TMP/books2")" = "$(printf '1047362918573064200.epub\nrl70007.epub')" ]; echo $?) \
	"the 文集's book once, and the lone article's ($(ls "$TMP/books2" | tr '\n' ' '))"
printf 'rl70007\n# a comment\nhttps://www.bilibili.com/read/readlist/rl70013\n' >"$TMP/list.txt"
oa c3 --batch "$TMP/list.txt" --name '{author} {title}' -o "$TMP/named/" 2>"$TMP/err"
expect_status $? 0 "--batch with 文集 and --name"
ok $([ -f "$TMP/named/文集作者 示例文集 _&_.epub" ] && [ -f "$TMP/named/文集作者 新式文集.epub" ]; echo $?) \
	"the books are named from the 文集 ($(ls "$TMP/named" | tr '\n' ','))"

if command -v ebook-meta >/dev/null 2>&1; then
	s=$(series_of "$B")
	ok $([ "$s" = "示例文集 <&> #1" ]; echo $?) "calibre reads the 文集 book's series ($s)"
	s=$(series_of "$TMP/books/cv91003.epub")
	ok $([ "$s" = "示例文集 <&> #3" ]; echo $?) "calibre reads a chapter's series and place ($s)"
	s=$(series_of "$TMP/s3.epub")
	ok $([ -z "$s" ]; echo $?) "calibre finds no series in a book that has none"
else
	skip "calibre reads the series" "ebook-meta (calibre) is not installed"
fi

# --- a library site, and --combine --------------------------------------------------------------
oa c4 --format site rl70008 cv91003 -o "$TMP/site/" 2>"$TMP/err"
expect_status $? 3 "a library site of a 文集 with a gap, and an article"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/site" >"$TMP/check" 2>&1
ok $? "the site opens offline with every link and picture in place"
[ $? -eq 0 ] || diag "$TMP/check"
"$PYTHON3" - "$TMP/site/rl70008.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
assert "<h1>缺了一章的文集</h1>" in page, "the heading"
items = re.findall(r"<li>(.*?)</li>", page, re.S)
titles = [re.sub(r"<[^>]+>", "", re.search(r'class="article-title">(.*?)</p>', i, re.S).group(1))
          for i in items]
assert titles == ["第一章：开端", "已删除的一章", "第二章：经过"], titles
assert 'href="cv91001.html"' in items[0] and 'class="thumb"' in items[0], items[0]
assert "href=" not in items[1] and "未能存档" in items[1], items[1]
assert "2023-11-16" in items[2] or "2023-11" in items[2], items[2]
PY
ok $? "the 文集's page lists its chapters in order with title, date and cover; the gap without a link"
grep -q 'href="rl70008.html"' "$TMP/site/index.html"
ok $? "the library's index lists the 文集's page"
oa c4 --series --format site cv91002 -o "$TMP/site2/" 2>"$TMP/err"
expect_status $? 0 "--series into a library site"
ok $([ -f "$TMP/site2/rl70007.html" ] && [ -f "$TMP/site2/cv91001.html" ] &&
	[ -f "$TMP/site2/cv91003.html" ] && [ "$(grep -c 'href="cv9100[123].html"' "$TMP/site2/rl70007.html")" -ge 3 ]; echo $?) \
	"the article's 文集 joins the library, with its page"
oa c4 --combine rl70007 -o "$TMP/comb.epub" 2>"$TMP/err"
expect_status $? 0 "--combine with a 文集"
ok $([ "$(spine "$TMP/comb.epub" | grep -c opus-cv)" -eq 3 ]; echo $?) "its articles are the book's chapters"
epub_ok "$TMP/comb.epub" "--combine with a 文集"

# no picture at all (offline, none cached): the drawn cover, with the 文集's name
mkdir -p "$TMP/c-nopics"
cp -R "$TMP/c1/api" "$TMP/c-nopics/"
oa c-nopics --offline rl70008 -o "$TMP/drawn.epub" 2>"$TMP/err"
expect_status $? 3 "a 文集 offline with no picture cached"
unzip -p "$TMP/drawn.epub" OEBPS/cover.svg 2>/dev/null | grep -q '缺了一章的文集' &&
	opf "$TMP/drawn.epub" | grep -q '<item id="cover-image" href="cover.svg"'
ok $? "the cover is drawn, with the 文集's name"
epub_ok "$TMP/drawn.epub" "the book with a drawn cover"

# --- the WARC of a 文集 ---------------------------------------------------------------------------
oa c5 rl70007 -o "$TMP/w.epub" --warc-dir "$TMP/warcs" 2>"$TMP/err"
expect_status $? 0 "a 文集 with --warc-dir"
ok=0
for w in rl70007 cv91001 cv91002 cv91003; do
	"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/warcs/$w.warc.gz" --index "$TMP/$w.idx" \
		>"$TMP/check.out" 2>&1 || { ok=1; diag "$TMP/check.out"; }
done
grep -q 'x/article/list/web/articles?id=70007' "$TMP/rl70007.idx" &&
	grep -q 'list70007.png' "$TMP/rl70007.idx" && grep -q 'article/view?id=91001' "$TMP/cv91001.idx"
ok $(( ok || $? )) "the list and the book's cover go into rl70007.warc.gz, each chapter's answer into its own"

# --- Markdown: one document per chapter and an index ------------------------------------------
if ! "$PYTHON3" -c 'import yaml' >/dev/null 2>&1 ||
	{ ! command -v cmark-gfm >/dev/null 2>&1 && ! command -v pandoc >/dev/null 2>&1; }; then
	skip "a 文集 in Markdown" "python3 with PyYAML and cmark-gfm (or pandoc) are needed"
else
	M=$TMP/md
	md_index() {  # md_index LIST DOC DESCRIPTION
		"$PYTHON3" "$top_srcdir/tests/check-md.py" --index "$1" "$2" >"$TMP/check" 2>&1
		st=$?
		ok $st "$3: the index links each chapter in the list's order, each chapter its place ($(tail -n 1 "$TMP/check"))"
		[ $st -eq 0 ] || head -20 "$TMP/check" | sed 's/^/# /'
	}
	oa c1 rl70007 --format md -o "$M/" 2>"$TMP/err"
	expect_status $? 0 "rl70007 --format md -o DIR/"
	ls "$M" | grep '\.md$' >"$TMP/docs"
	printf 'cv91001.md\ncv91002.md\ncv91003.md\nrl70007.md\n' | cmp -s - "$TMP/docs"
	ok $? "one document per chapter, named after its cv number, and the index rl70007.md ($(tr '\n' ' ' <"$TMP/docs"))"
	md_index "$D/readlist/70007.json" "$M/rl70007.md" "rl70007"
	"$PYTHON3" "$top_srcdir/tests/check-md.py" --hostile "$M/rl70007.md" '示例文集 <&>' >"$TMP/check" 2>&1 &&
		grep -q '^# 示例文集 \\<\\&\\>$' "$M/rl70007.md"
	ok $? "the 文集's name, holding markup, is the index's heading as typed"
	"$PYTHON3" - "$M/rl70007.md" <<'PY'
import sys, yaml
md = open(sys.argv[1], encoding="utf-8").read()
m = yaml.safe_load(md[4:md.index("\n---\n", 3)])
want = {"title": "示例文集 <&>", "author": "文集作者", "summary": "一个测试用的文集",
        "source": "https://www.bilibili.com/read/readlist/rl70007", "id": "rl70007", "chapters": 3}
bad = {k: m.get(k) for k in want if m.get(k) != want[k]}
sys.exit(1 if bad or not str(m.get("cover", "")).startswith("images/") or
         str(m.get("date")) != "2023-11-17 13:46:40+08:00" else 0)
PY
	ok $? "the index's front matter: the 文集's title, author, summary, source, id, newest date and its picture as cover"
	for k in 1 2 3; do
		"$PYTHON3" "$top_srcdir/tests/check-md.py" --complete "$M/cv9100$k.md" >"$TMP/check" 2>&1
		ok $? "chapter $k reads back, its pictures resolve ($(tail -n 1 "$TMP/check"))"
	done
	grep -q '](cv91001.md)' "$M/cv91002.md" && ! grep -q 'read/cv91001' "$M/cv91002.md"
	ok $? "a link from one chapter to another goes to its document, not to the web"
	oa c1 rl70008 --format md -o "$M/gap/" 2>"$TMP/err"
	expect_status $? 3 "a 文集 with a deleted chapter, in Markdown"
	grep -q "rl70008: chapter 2 of 3, cv99999 '已删除的一章', is left out" "$TMP/err"
	ok $? "the gap is named on stderr"
	ok $([ ! -e "$M/gap/cv99999.md" ] && [ -f "$M/gap/cv91002.md" ]; echo $?) \
		"no document for the gap, the chapters around it written"
	md_index "$D/readlist/70008.json" "$M/gap/rl70008.md" "rl70008 with a gap"
	grep -q '^2\. 已删除的一章 · .*(未能存档)$' "$M/gap/rl70008.md"
	ok $? "the gap keeps its place in the index, named and marked, without a link"
	mkdir -p "$M/cwd"
	(cd "$M/cwd" && oa c1 rl70007 --format md 2>"$TMP/err")
	expect_status $? 0 "rl70007 --format md without -o"
	ok $([ -f "$M/cwd/rl70007.md" ] && [ -f "$M/cwd/cv91003.md" ]; echo $?) "rl70007.md and its chapters in the current directory"
	oa c1 rl70007 -o "$M/file/book.md" 2>"$TMP/err"
	expect_status $? 0 "rl70007 -o FILE.md"
	md_index "$D/readlist/70007.json" "$M/file/book.md" "-o FILE.md"
	oa c1 rl70007 --name '{title}.md' -o "$M/named/" 2>"$TMP/err"
	expect_status $? 0 "rl70007 --name '{title}.md'"
	idx=$(ls "$M/named" | grep '\.md$' | grep -v '^cv')
	ok $([ "$(printf '%s\n' "$idx" | wc -l)" -eq 1 ] && [ -n "$idx" ] &&
		printf '%s' "$idx" | grep -q '^示例文集'; echo $?) "the index named by the template ($idx)"
	[ -n "$idx" ] && md_index "$D/readlist/70007.json" "$M/named/$idx" "--name '{title}.md'"
	oa c1 rl70007 -o "$M/clash/cv91001.md" 2>"$TMP/err"
	st=$?
	ok $([ $st -eq 1 ] && grep -q "is the name of a chapter's document" "$TMP/err" &&
		{ [ ! -e "$M/clash" ] || [ -z "$(ls "$M/clash" 2>/dev/null)" ]; }; echo $?) \
		"an index named like a chapter is refused, nothing written ($st)"
	oa c1 cv91003 --format md -o "$M/one/" 2>"$TMP/err"
	expect_status $? 0 "an article of a 文集 alone, in Markdown"
	"$PYTHON3" - "$M/one/cv91003.md" <<'PY'
import sys, yaml
md = open(sys.argv[1], encoding="utf-8").read()
c = yaml.safe_load(md[4:md.index("\n---\n", 3)]).get("文集") or {}
sys.exit(0 if c.get("name") == "示例文集 <&>" and c.get("id") == "rl70007" and c.get("position") == 3 else 1)
PY
	ok $? "its front matter gives its 文集's name, id and its position in the list"
fi

# --- a list that grows -----------------------------------------------------------------------------
"$PYTHON3" - "$D/readlist/70007.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
new = dict(d["data"]["articles"][0], id=91005, title="第五章：后来加的")
d["data"]["articles"].append(new)
open(sys.argv[1] + ".tmp", "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False))
PY
mv "$D/readlist/70007.json.tmp" "$D/readlist/70007.json"
oa c1 rl70007 -o "$TMP/grown.epub" 2>"$TMP/err"
expect_status $? 0 "the 文集 after a new article"
ok $([ "$(spine "$TMP/grown.epub" | tail -n 1)" = "opus-cv91005.xhtml" ]; echo $?) \
	"the list is asked again, not taken from the cache: the new chapter is last"
mark
oa c1 --offline rl70007 -o "$TMP/offline.epub" 2>"$TMP/err"
expect_status $? 0 "--offline with the list cached"
ok $([ "$(since | wc -l)" -eq 0 ] && [ "$(spine "$TMP/offline.epub" | grep -c opus-cv)" -eq 4 ]; echo $?) \
	"--offline makes no request and uses the kept list"
oa c-empty --offline rl70007 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "--offline without the list"
grep -q 'rl70007: no saved response in the cache' "$TMP/err"
ok $? "--offline without the list says so"
finish
