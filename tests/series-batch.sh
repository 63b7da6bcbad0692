#!/bin/sh
# 文集 in a batch (a book each, an article of one knows its place, a 文集's
# book there is updated, an article's skipped), a library site with a 文集's page, --combine, and a drawn
# cover when no picture can be had.  Part of the 文集 tests (tests/series.sh).
. "$(dirname "$0")/series-setup.sh"

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
cp "$TMP/books/rl70007.epub" "$TMP/books/rl70008.epub" "$TMP/"
oa c3 rl70007 rl70008 cv91003 -o "$TMP/books/" 2>"$TMP/err"
expect_status $? 3 "the same batch again (rl70008 still lacks its chapter)"
since >"$TMP/again.log"
ok $([ "$(grep -c '/x/article/list/web/articles' "$TMP/again.log")" -eq 2 ] &&
	[ "$(grep -v -e '/x/article/list/web/articles' -e 'article/view' "$TMP/again.log" | wc -l)" -eq 0 ] &&
	grep -q '2 文集: 0 done, 1 skipped, 0 failed, 1 incomplete' "$TMP/err"; echo $?) \
	"each 文集's list is asked again, its missing chapter tried, nothing else ($(wc -l <"$TMP/again.log") requests)"
cmp -s "$TMP/books/rl70007.epub" "$TMP/rl70007.epub" && cmp -s "$TMP/books/rl70008.epub" "$TMP/rl70008.epub"
ok $? "with nothing new both books are left as they were"
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
	s=$(series_of "$TMP/books/cv91003.epub")
	ok $([ "$s" = "示例文集 <&> #3" ]; echo $?) "calibre reads a chapter's series and place ($s)"
else
	skip "calibre reads a chapter's series" "ebook-meta (calibre) is not installed"
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
grep -q '<a href="index.html">' "$TMP/site/rl70008.html" && ! grep -q '<a href="index.html">' "$TMP/site/index.html"
ok $? "the 文集's page links back to the front page (which has no such link itself)"
oa c4 --series --format site cv91002 -o "$TMP/site2/" 2>"$TMP/err"
expect_status $? 0 "--series into a library site"
ok $([ -f "$TMP/site2/rl70007.html" ] && [ -f "$TMP/site2/cv91001.html" ] &&
	[ -f "$TMP/site2/cv91003.html" ] && [ "$(grep -c 'href="cv9100[123].html"' "$TMP/site2/rl70007.html")" -ge 3 ]; echo $?) \
	"the article's 文集 joins the library, with its page"
oa c4 --combine rl70007 -o "$TMP/comb.epub" 2>"$TMP/err"
expect_status $? 0 "--combine with a 文集"
ok $([ "$(spine "$TMP/comb.epub" | grep -c opus-cv)" -eq 3 ]; echo $?) "its articles are the book's chapters"
epub_ok "$TMP/comb.epub" "--combine with a 文集"
oa c4 --combine rl70008 -o "$TMP/comb-gap.epub" 2>"$TMP/err"
expect_status $? 3 "--combine with a 文集 that lacks a chapter"
ok $([ "$(spine "$TMP/comb-gap.epub" | grep -c opus-cv)" -eq 3 ] &&
	unzip -p "$TMP/comb-gap.epub" OEBPS/opus-cv99999.xhtml | grep -q '本章未能存档'; echo $?) \
	"the missing chapter is a notice in its place, as in the 文集's own book ($(spine "$TMP/comb-gap.epub" | tr '\n' ' '))"
epub_ok "$TMP/comb-gap.epub" "--combine with a 文集 that lacks a chapter"

# no picture at all (offline, none cached): the drawn cover, with the 文集's name
# (the batch above read rl70008 into c3)
mkdir -p "$TMP/c-nopics"
cp -R "$TMP/c3/api" "$TMP/c-nopics/"
oa c-nopics --offline rl70008 -o "$TMP/drawn.epub" 2>"$TMP/err"
expect_status $? 3 "a 文集 offline with no picture cached"
unzip -p "$TMP/drawn.epub" OEBPS/cover.svg 2>/dev/null | grep -q '缺了一章的文集' &&
	opf "$TMP/drawn.epub" | grep -q '<item id="cover-image" href="cover.svg"'
ok $? "the cover is drawn, with the 文集's name"
epub_ok "$TMP/drawn.epub" "the book with a drawn cover"
finish
