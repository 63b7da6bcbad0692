#!/bin/sh
# A 文集's book updated in place (rlN -o BOOK where BOOK is that 文集's book
# from an earlier run), against tests/bili-server.py: the list is asked
# again and only the chapters the book lacks are read, with an empty cache
# (the others, and their pictures, come from the book); the identifier and
# the old documents' names stay; a chapter gone from the list stays, last,
# with a notice and the date it was first missed (kept across updates);
# nothing new leaves the file untouched; a failure leaves it as it was (the
# list's, a new chapter's); with no picture server the old pictures still
# come from the book, and a new chapter's that fail are placeholders (exit
# 3), and written again when those can be had later; a list naming chapters
# by opus id finds them in the book; a file that is not this 文集's book is
# refused (--force replaces it).
# The data and the server: tests/series-setup.sh (tests/series-data.py).
. "$(dirname "$0")/series-setup.sh"

if ! command -v unzip >/dev/null 2>&1; then
	echo "1..0 # SKIP unzip is needed"
	exit 0
fi

# chapters BOOK: the chapters' documents in reading order, one a line
chapters() {
	spine "$1" | grep -vx cover.xhtml
}
ident() {
	opf "$1" | sed -n 's|.*<dc:identifier id="[^"]*">\([^<]*\)<.*|\1|p'
}
modified() {
	opf "$1" | sed -n 's|.*<meta property="dcterms:modified">\([^<]*\)<.*|\1|p'
}
# setlist CV...: the 文集 70007 lists these chapters now (rewritten atomically)
setlist() {
	"$PYTHON3" - "$D/readlist/70007.json" "$@" <<'PY'
import json, sys
path, cvs = sys.argv[1], [int(x) for x in sys.argv[2:]]
d = json.load(open(path, encoding="utf-8"))
proto = d["data"]["articles"][0]
d["data"]["articles"] = [dict(proto, id=cv, title="第%d章" % cv) for cv in cvs]
open(path + ".tmp", "w", encoding="utf-8").write(json.dumps(d, ensure_ascii=False))
PY
	mv "$D/readlist/70007.json.tmp" "$D/readlist/70007.json"
}
stamp() {  # stamp FILE: inode, mtime (ns) and size
	stat -c '%i %Y.%y %s' "$1"
}

# cv91006: a chapter whose pictures no other has (cv91001's, under other names)
sed -e 's/"id": *91001/"id": 91006/' -e 's/604381281ef2b623/604381281ef2b6ff/g' \
	-e 's/5f8b557671f33088/5f8b557671f330ff/g' "$D/article/91001.json" >"$D/article/91006.json"
sed -e 's/"id": *91001/"id": 91007/' -e 's/604381281ef2b623/604381281ef2b6ee/g' \
	-e 's/5f8b557671f33088/5f8b557671f330ee/g' "$D/article/91001.json" >"$D/article/91007.json"

B=$TMP/rl70007.epub
# --- the first book: three chapters ----------------------------------------------------------
SOURCE_DATE_EPOCH=1700000000 oa c1 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "the first book of rl70007"
chapters "$B" >"$TMP/spine0"
ID0=$(ident "$B")
M0=$(modified "$B")

# --- a chapter added upstream: only it is read, the cache emptied -----------------------------
setlist 91001 91002 91003 91005 91006
rm -rf "$TMP/c1"
mark
SOURCE_DATE_EPOCH=1710000000 oa c2 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "the update with a new chapter and no cache"
since >"$TMP/log1"
asked=$(grep -c '"path": *"/x/article/list/web/articles"' "$TMP/log1")
ok $([ "$asked" -eq 1 ]; echo $?) "the list is asked again ($asked times)"
n=$(grep -c '"query": *"id=9100[56]' "$TMP/log1")
ok $([ "$n" -eq 2 ]; echo $?) "the new chapters are read ($n requests)"
n=$(grep -c -e '604381281ef2b6ff' -e '5f8b557671f330ff' "$TMP/log1")
ok $([ "$n" -ge 2 ]; echo $?) "the new chapter's own pictures are fetched ($n requests)"
unzip -p "$B" OEBPS/opus-cv91006.xhtml | grep -o 'src="images/[^"]*"' | sed 's/src="//; s/"$//' >"$TMP/imgs"
st=0
[ -s "$TMP/imgs" ] || st=1
while read -r i; do unzip -l "$B" "OEBPS/$i" >/dev/null 2>&1 || st=1; done <"$TMP/imgs"
ok $st "the new chapter shows its pictures, stored in the book ($(wc -l <"$TMP/imgs"))"
old=$(grep -E '9100[123]' "$TMP/log1" | grep -v '/x/article/list/' | wc -l)
pics=$(grep -v '"host": *"api.bilibili.com"' "$TMP/log1" | grep -v -e '604381281ef2b6ff' -e '5f8b557671f330ff' | wc -l)
ok $([ "$old" -eq 0 ] && [ "$pics" -eq 0 ]; echo $?) \
	"no old chapter is asked again ($old requests), nor any picture the book holds ($pics)"
[ "$old" -eq 0 ] && [ "$pics" -eq 0 ] || diag "$TMP/log1"
grep -q 'rl70007: updating' "$TMP/err"
ok $? "it says it updates the book"
chapters "$B" >"$TMP/spine1"
{ cat "$TMP/spine0"; echo opus-cv91005.xhtml; echo opus-cv91006.xhtml; } | cmp -s - "$TMP/spine1"
ok $? "the old documents keep their names, the new chapter is last ($(tr '\n' ' ' <"$TMP/spine1"))"
ok $([ "$(ident "$B")" = "$ID0" ] && [ -n "$ID0" ]; echo $?) "the identifier stays ($ID0)"
M1=$(modified "$B")
ok $([ "$M1" != "$M0" ] && [ "$M1" = "2024-03-09T16:00:00Z" ]; echo $?) \
	"dcterms:modified moves ($M0 -> $M1)"
unzip -p "$B" OEBPS/opus-cv91001.xhtml | grep -q '<img'
ok $? "an old chapter's pictures are in the book (from the old book, not the network)"
n=$(unzip -l "$B" | grep -c 'META-INF/opus-archive/article-view-cv9100[12356].json')
ok $([ "$n" -eq 5 ]; echo $?) "each chapter's response is kept ($n of 5)"
epub_ok "$B" "the updated book"

# --- nothing new: the file is not touched --------------------------------------------------------
cp "$B" "$TMP/before.epub"
S1=$(stamp "$B")
sleep 1
SOURCE_DATE_EPOCH=1720000000 oa c2 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "an update with nothing new"
grep -q 'up to date' "$TMP/err"
ok $? "it says the book is up to date"
cmp -s "$B" "$TMP/before.epub" && [ "$(stamp "$B")" = "$S1" ]
ok $? "the book is the same bytes, not even rewritten (inode, mtime)"
rm -rf "$TMP/c2"
mark
oa c3 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "nothing new, no cache"
ok $([ "$(since | grep -c 'article/view')" -eq 0 ]; echo $?) "no chapter is asked for"

# --- failures leave the old book as it was --------------------------------------------------------
setlist 91001 91002 91003 91005 91006 91004
faults '[{"path": "/x/article/list/web/articles", "fault": "status", "code": 500}]'
oa c4 rl70007 -o "$B" --retries 0 2>"$TMP/err"
expect_status $? 1 "the list cannot be had"
cmp -s "$B" "$TMP/before.epub" && [ "$(stamp "$B")" = "$S1" ]
ok $? "the list failing leaves the book as it was"
faults '[{"path": "article/view?id=91004", "fault": "api_code", "code": -500}, {"host": "i0.hdslb.com", "fault": "status", "code": 500}]'
oa c4 rl70007 -o "$B" --retries 0 2>"$TMP/err"
expect_status $? 3 "the new chapter's answer is a fault"
cmp -s "$B" "$TMP/before.epub" && [ "$(stamp "$B")" = "$S1" ]
ok $? "a new chapter that cannot be had leaves the book as it was"
grep -q 'cv91004' "$TMP/err"
ok $? "it names the chapter"
faults '[]'

# --- a chapter gone upstream stays, last, marked ---------------------------------------------------
setlist 91001 91003 91005 91006
SOURCE_DATE_EPOCH=1730000000 oa c4 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "an update after a chapter left the list"
grep -q 'cv91002.*no longer in the 文集' "$TMP/err"
ok $? "it says which chapter left"
printf 'opus-cv91001.xhtml\nopus-cv91003.xhtml\nopus-cv91005.xhtml\nopus-cv91006.xhtml\nopus-cv91002.xhtml\n' |
	cmp -s - "$(chapters "$B" >"$TMP/spine2"; echo "$TMP/spine2")"
ok $? "the gone chapter keeps its document, after the listed ones ($(tr '\n' ' ' <"$TMP/spine2"))"
unzip -p "$B" OEBPS/opus-cv91002.xhtml >"$TMP/gone.xhtml"
grep -q '本章已不在文集中' "$TMP/gone.xhtml" && grep -q '2024-10-27' "$TMP/gone.xhtml"
ok $? "the gone chapter starts with a notice dated the run's day"
unzip -l "$B" | grep -q 'META-INF/opus-archive/article-view-cv91002.json'
ok $? "its response stays in the book"
ok $([ "$(unzip -p "$B" META-INF/opus-archive/gone.tsv)" = "$(printf '91002\t1730000000')" ]; echo $?) \
	"gone.tsv records it and the date"
ok $([ "$(ident "$B")" = "$ID0" ]; echo $?) "the identifier still stays"
epub_ok "$B" "the book with a gone chapter"
S2=$(stamp "$B")
SOURCE_DATE_EPOCH=1740000000 oa c4 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "again with nothing new"
ok $([ "$(stamp "$B")" = "$S2" ]; echo $?) "a chapter already marked gone is no change"
setlist 91001 91003 91005 91006 91004
# no picture can be had now: the new chapter's are those of the gone one, in the book
faults '[{"path": "re:[.](jpg|png|gif|webp)", "fault": "status", "code": 500}]'
SOURCE_DATE_EPOCH=1750000000 oa c4 rl70007 -o "$B" --retries 0 2>"$TMP/err"
expect_status $? 0 "a new chapter after one left, no picture server"
chapters "$B" | tr '\n' ' ' >"$TMP/spine3"
ok $([ "$(cat "$TMP/spine3")" = "opus-cv91001.xhtml opus-cv91003.xhtml opus-cv91005.xhtml opus-cv91006.xhtml opus-cv91004.xhtml opus-cv91002.xhtml " ]; echo $?) \
	"the new chapter joins the listed ones, the gone one stays last ($(cat "$TMP/spine3"))"
unzip -p "$B" OEBPS/opus-cv91002.xhtml | grep -q '2024-10-27' &&
	[ "$(unzip -p "$B" META-INF/opus-archive/gone.tsv)" = "$(printf '91002\t1730000000')" ]
ok $? "the gone chapter keeps the date it was first missed"
epub_ok "$B" "the book updated twice"

# --- a new chapter whose pictures cannot be had: written without them, exit 3 ----------------------
setlist 91001 91003 91005 91006 91004 91007
oa c4 rl70007 -o "$B" --retries 0 2>"$TMP/err"
expect_status $? 3 "a new chapter whose pictures fail"
grep -q 'rl70007: 2 of [0-9]* pictures could not be archived' "$TMP/err" &&
	[ "$(chapters "$B" | tail -n 2 | head -n 1)" = "opus-cv91007.xhtml" ]
ok $? "the book is written with the new chapter, its two pictures missing"
epub_ok "$B" "the book with a new chapter's pictures missing"
faults '[]'

# --- the same list again, the pictures it lacked can be had now: written again with them --------
S6=$(stamp "$B")
mark
oa c4 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "the same list again, the picture server back"
unzip -p "$B" OEBPS/opus-cv91007.xhtml | grep -o 'src="images/[^"]*"' | sed 's/src="//; s/"$//' >"$TMP/imgs"
st=0
[ "$(wc -l <"$TMP/imgs")" -ge 2 ] || st=1
while read -r i; do unzip -l "$B" "OEBPS/$i" >/dev/null 2>&1 || st=1; done <"$TMP/imgs"
grep -q 'rl70007: updating .*2 pictures it lacks can be had now' "$TMP/err" &&
	[ "$(stamp "$B")" != "$S6" ] && [ "$(since | grep -c 'article/view')" -eq 0 ]
ok $(( $? + st )) "the book is written again with the two pictures, no chapter asked again ($(wc -l <"$TMP/imgs") pictures)"
epub_ok "$B" "the book with the pictures it had lacked"
S7=$(stamp "$B")
oa c4 rl70007 -o "$B" 2>"$TMP/err"
expect_status $? 0 "and the same list once more"
[ "$(stamp "$B")" = "$S7" ] && grep -q 'up to date' "$TMP/err"
ok $? "then it is up to date, not written again"

# --- an old book with a chapter that still cannot be had -------------------------------------------
oa c6 rl70008 -o "$TMP/gap.epub" 2>/dev/null
cp "$TMP/gap.epub" "$TMP/gap.before"
S3=$(stamp "$TMP/gap.epub")
mark
oa c7 rl70008 -o "$TMP/gap.epub" 2>"$TMP/err"
expect_status $? 3 "the 文集 with a chapter that is gone, again"
cmp -s "$TMP/gap.epub" "$TMP/gap.before" && [ "$(stamp "$TMP/gap.epub")" = "$S3" ] &&
	grep -q 'still cannot be had' "$TMP/err"
ok $? "only that chapter is asked again, and the book is left as it was"
ok $([ "$(since | grep -c 'article/view')" -eq 1 ]; echo $?) "one chapter asked: the one the book lacks"

# --- a list that names its chapters by opus id too (dyn_id_str) -------------------------------------
oa c8 rl70013 -o "$TMP/new.epub" 2>"$TMP/err"
expect_status $? 0 "rl70013"
S4=$(stamp "$TMP/new.epub")
mark
oa c9 rl70013 -o "$TMP/new.epub" 2>"$TMP/err"
expect_status $? 0 "rl70013 again, no cache"
ok $([ "$(stamp "$TMP/new.epub")" = "$S4" ] && [ "$(since | grep -c -e 'article/view' -e 'opus/detail')" -eq 0 ]; echo $?) \
	"its chapters are found in the book by cv and opus id: nothing asked, nothing written"

# --- a wrong target is refused -----------------------------------------------------------------
refused() {  # refused FILE DESCRIPTION [ARGS]: exit 1, one line, FILE untouched
	f=$1 what=$2
	shift 2
	cp "$f" "$TMP/wrong.before"
	oa c5 rl70007 -o "$f" "$@" 2>"$TMP/err"
	expect_status $? 1 "$what"
	cmp -s "$f" "$TMP/wrong.before" && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "will not write over" "$TMP/err" && grep -q -- '--force' "$TMP/err"
	ok $? "$what: one line, the file as it was ($(cat "$TMP/err"))"
}
echo "not a book" >"$TMP/notes.epub"
refused "$TMP/notes.epub" "a file that is not an EPUB"
oa c5 rl70008 -o "$TMP/other.epub" 2>/dev/null
refused "$TMP/other.epub" "another 文集's book"
grep -q 'the book of the 文集 rl70008' "$TMP/err"
ok $? "it names the 文集 the book is of"
oa c5 cv91001 -o "$TMP/single.epub" 2>/dev/null
refused "$TMP/single.epub" "a book of one article"
oa c5 rl70007 -o "$TMP/notes.epub" --force 2>"$TMP/err"
expect_status $? 0 "--force replaces it"
ok $([ "$(chapters "$TMP/notes.epub" | wc -l)" -eq 6 ] && unzip -l "$TMP/notes.epub" | grep -q article-list-rl70007; echo $?) \
	"with a new book of the 文集 (its six chapters)"

# --- a batch run again updates its 文集's book in the directory ------------------------------------
# (a 文集 grows; running the batch again is how a library keeps up with it)
faults '[]'
setlist 91001 91002 91003
L=$TMP/lib
echo rl70007 >"$TMP/ids"
oa cb --batch "$TMP/ids" -o "$L/" 2>"$TMP/err"
expect_status $? 0 "a batch with the 文集 rl70007"
LB=$(find "$L" -name '*.epub' | head -1)
ok $([ -n "$LB" ] && [ "$(chapters "$LB" | wc -l)" -eq 3 ]; echo $?) "its book in the directory: three chapters ($LB)"
S5=$(stamp "$LB")
sleep 1
oa cb --batch "$TMP/ids" -o "$L/" 2>"$TMP/err"
expect_status $? 0 "the batch again, nothing new"
grep -q 'up to date' "$TMP/err" && [ "$(stamp "$LB")" = "$S5" ]
ok $? "the book is up to date and not rewritten"
setlist 91001 91002 91003 91005
oa cb --batch "$TMP/ids" -o "$L/" 2>"$TMP/err"
expect_status $? 0 "the batch again after a chapter was added"
grep -q 'rl70007: updating' "$TMP/err" && [ "$(chapters "$LB" | wc -l)" -eq 4 ] &&
	[ "$(find "$L" -name '*.epub' | wc -l)" -eq 1 ]
ok $? "the same book is updated: four chapters, no second book ($(chapters "$LB" | tr '\n' ' '))"
epub_ok "$LB" "the batch's updated book"
# --- --from-epub points to the update ----------------------------------------------------------------
oa c5 --from-epub "$B" -o "$TMP/again.epub" 2>"$TMP/err"
expect_status $? 1 "--from-epub with a 文集's book"
grep -q 'it is updated, not rebuilt' "$TMP/err" && [ ! -e "$TMP/again.epub" ]
ok $? "it says how to update it, and writes nothing"
finish
