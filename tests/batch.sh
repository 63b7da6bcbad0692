#!/bin/sh
# Many articles in one run, against tests/bili-server.py: --batch lists with
# unknown ids and faults, resuming, --user feeds over several pages, --name
# with hostile titles, --combine, and a library site that grows.
. "$(dirname "$0")/lib.sh"

. "$top_srcdir/tests/server.sh"

# 50 articles made from the bundled sample (same pictures, so the cache
# shares them), a writer's feed over three pages, and articles with hostile
# titles.
D=$TMP/data
"$PYTHON3" - "$SAMPLES/opus-full.json" "$D" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
base = json.load(open(src, encoding="utf-8"))
old = base["data"]["item"]["id_str"]
os.makedirs(out + "/opus"); os.makedirs(out + "/feed/777")

def article(i, title, ts, link=None):
    d = json.loads(json.dumps(base))
    it = d["data"]["item"]
    new = "91000000000000%05d" % i
    it["id_str"] = new
    for m in it["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = title
        if m["module_type"] == "MODULE_TYPE_AUTHOR":
            m["module_author"]["pub_ts"] = ts
    text = json.dumps(d, ensure_ascii=False).replace(old, new)
    if link:    # the sample's link card to another opus, pointed at link
        assert "1032759148265390081" in text
        text = text.replace("1032759148265390081", link)
    open("%s/opus/%s.json" % (out, new), "w", encoding="utf-8").write(text)
    return new

ids = [article(i, "第 %d 篇 Article %d" % (i, i), 1700000000 + i * 86400) for i in range(1, 51)]
open(out + "/ids.txt", "w").write("\n".join(ids) + "\n")
pages = [("first", ids[0:20], True, "p2"), ("p2", ids[20:40], True, "p3"), ("p3", ids[40:50], False, "")]
for name, chunk, more, off in pages:
    items = [{"content": "x", "jump_url": "//www.bilibili.com/opus/" + i, "opus_id": i,
              "stat": {"like": "1"}} for i in chunk]
    json.dump({"code": 0, "message": "0", "ttl": 1,
               "data": {"has_more": more, "items": items, "offset": off, "update_num": 0}},
              open("%s/feed/777/%s.json" % (out, name), "w"))
hostile = ["../../escape", "/etc/passwd", ".hidden", "a\tb\nc\x01d", "index", "CON",
           "长" * 300, "same title", "same title", "  ", "x/../../y", "..", "\\\\server\\share"]
h = [article(100 + k, t, 1600000000 + k) for k, t in enumerate(hostile)]
open(out + "/hostile.txt", "w").write("\n".join(h) + "\n")
# a library whose articles link to each other: L0 -> L1 (archived in a later
# run), L2 -> L0 (archived in an earlier run), L1 -> L2 (archived in the same run)
L = ["91000000000000%05d" % (200 + k) for k in range(3)]
article(200, "L0", 1500000000, link=L[1])
article(201, "L1", 1500000100, link=L[2])
article(202, "L2", 1500000200, link=L[0])
open(out + "/lib.txt", "w").write("\n".join(L) + "\n")
# writer 778 has no opus feed, only an old 专栏 list: two posts that also have an
# opus id (dyn_id_str), one of them listed twice, and one that only has its cv number
os.makedirs(out + "/articles/778")
arts = [{"id": 900001, "title": "a", "dyn_id_str": ids[0]},
        {"id": 900002, "title": "b", "dyn_id_str": ids[1]},
        {"id": 900002, "title": "b", "dyn_id_str": ids[1]},
        {"id": 4242, "title": "old", "dyn_id_str": ""}]
json.dump({"code": 0, "message": "0", "ttl": 1,
           "data": {"articles": arts, "pn": 1, "ps": 30, "count": 4}},
          open(out + "/articles/778/1.json", "w"))
EOF
server_start "$D"
IDS=$D/ids.txt
id() { sed -n "${1}p" "$IDS"; }

# --- a batch with unknown ids and faults -----------------------------------------
{
	echo "# my backup list"
	echo
	cat "$IDS"
	echo "9199999999999999991   # gone"
	echo "  9199999999999999992"
	echo "https://www.bilibili.com/opus/9199999999999999993#reply"
	echo "https://www.bilibili.com/opus/$(id 1)?spm=x"
} >"$TMP/list.txt"
BAD1=$(id 7)
BAD2=$(id 33)
faults "[{\"path\":\"id=$BAD1&\",\"fault\":\"status\",\"code\":503},
	{\"path\":\"id=$BAD2&\",\"fault\":\"reset\"}]"
mark
oa c --retries 1 --batch "$TMP/list.txt" -o "$TMP/books" --failed-list "$TMP/failed.txt" 2>"$TMP/err"
expect_status $? 1 "a batch with 3 unknown ids and 2 failing ones"
n=$(ls "$TMP/books" | grep -c '\.epub$')
ok $([ "$n" -eq 48 ]; echo $?) "every good article has its book ($n of 48)"
grep -q "54 articles: 48 done, 1 skipped, 5 failed, 0 incomplete" "$TMP/err"
ok $? "the summary counts done, skipped (a duplicate), failed, incomplete"
for bad in 9199999999999999991 9199999999999999992 9199999999999999993 "$BAD1" "$BAD2"; do
	grep "failed:" "$TMP/err" | grep -q "$bad" || break
done
ok $? "each failure is named with its id"
grep "failed:.*9199999999999999991" "$TMP/err" | grep -q "not found"
ok $? "an unknown id fails with 'not found'"
sort "$TMP/failed.txt" >"$TMP/failed.sorted"
printf '%s\n' 9199999999999999991 9199999999999999992 9199999999999999993 "$BAD1" "$BAD2" | sort >"$TMP/failed.want"
cmp -s "$TMP/failed.sorted" "$TMP/failed.want"
ok $? "--failed-list holds exactly the failed ids"
ok $([ ! -e "$TMP/books/$BAD1.epub" ]; echo $?) "nothing is written for a failed article"
epub_check "$TMP/books/$(id 2).epub" "a batch book passes EPUBCheck"
dup=$(since | grep '/bfs/' | "$PYTHON3" -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["path"] for l in sys.stdin)
print(sum(1 for v in c.values() if v > 1))')
ok $([ "$dup" -eq 0 ]; echo $?) "pictures shared by the articles are downloaded once ($dup repeated)"

# --- the re-run with the faults gone ---------------------------------------------
faults '[]'
mark
oa c --batch "$TMP/failed.txt" -o "$TMP/books" 2>"$TMP/err"
expect_status $? 1 "re-running the failed list (the unknown ids still fail)"
ok $([ -s "$TMP/books/$BAD1.epub" ] && [ -s "$TMP/books/$BAD2.epub" ]; echo $?) "the articles that failed are done now"
mark
oa c --batch "$TMP/list.txt" -o "$TMP/books" 2>"$TMP/err"
expect_status $? 1 "re-running the whole list"
grep -q "54 articles: 0 done, 51 skipped, 3 failed" "$TMP/err"
ok $? "the whole list again: every finished book is skipped"
n=$(since | grep '/opus/detail' | grep -vc '91999999999999999')
ok $([ "$n" -eq 0 ]; echo $?) "no API request for a book already made ($n)"
ok $([ "$(since | grep -c '/bfs/')" -eq 0 ]; echo $?) "no picture request either"
mark
oa c --batch "$IDS" -o "$TMP/books" --force 2>"$TMP/err" -q
expect_status $? 0 "--force redoes every book"
ok $([ "$(count '/opus/detail')" -eq 0 ]; echo $?) "--force rebuilds from the cached responses"
grep -q "articles" "$TMP/err"
ok $([ $? -ne 0 ]; echo $?) "-q keeps the summary quiet"
left=$(find "$TMP/books" -name '*.tmp*' -o -name '.*' ! -name .opus-archive.tsv | grep -v "^$TMP/books\$" | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no temporary or hidden file in the output directory"

# --- each API answer parsed once ----------------------------------------------------
# A batch fetches a window's answers ahead; loading an article takes the parsed
# tree from there instead of reading the cache file and parsing it again.
head -n 20 "$IDS" >"$TMP/twenty.txt"
mark
oa c-once -v --batch "$TMP/twenty.txt" -o "$TMP/once" 2>"$TMP/err"
expect_status $? 0 "20 articles, a fresh cache, -v"
ok $([ "$(count '/opus/detail')" -eq 20 ]; echo $?) "20 answers asked for"
grep -q "API answers for articles: 20 fetched, 20 parsed" "$TMP/err"
ok $? "each of the 20 answers is parsed once ($(grep 'API answers for articles' "$TMP/err"))"
ok $([ "$(grep -c 'using the answer fetched ahead' "$TMP/err")" -eq 20 ]; echo $?) \
    "every article is loaded from the answer fetched ahead, not from the cache file"
oa c-once -v --batch "$TMP/twenty.txt" -o "$TMP/once" --force 2>"$TMP/err"
grep -q "API answers for articles: 0 fetched, 20 parsed" "$TMP/err"
ok $? "from the cache: 20 parsed, none fetched ($(grep 'API answers for articles' "$TMP/err"))"

# --- stdin, a bad line ---------------------------------------------------------------
printf '%s\nnot-an-id\n' "$(id 3)" | oa c --batch - -o "$TMP/stdin" 2>"$TMP/err"
expect_status $? 1 "--batch - with a line that is not an id"
grep -q "standard input:2" "$TMP/err"
ok $? "the bad line is named by its line number"
ok $([ -s "$TMP/stdin/$(id 3).epub" ]; echo $?) "the good line is archived"

# --- one article named again ----------------------------------------------------------
# every copy after the first is skipped, the first named; the copies stand in a
# later window (8 articles a window) than the first
{ head -n 9 "$IDS"; echo "https://www.bilibili.com/opus/$(id 3)"; id 3; } >"$TMP/again.txt"
oa c -v --batch "$TMP/again.txt" -o "$TMP/again" 2>"$TMP/err"
expect_status $? 0 "a batch naming one article three times"
grep -q "11 articles: 9 done, 2 skipped" "$TMP/err" &&
	[ "$(grep -c "is the same article as '$(id 3)'" "$TMP/err")" -eq 2 ]
ok $? "each later copy is skipped as the same article as the first ($(grep -c 'same article' "$TMP/err") said so)"

# --- progress on a terminal ------------------------------------------------------------
if command -v script >/dev/null 2>&1; then
	cmd="'$OPUS_ARCHIVE' --connect-to ::127.0.0.1:$PORT --cacert '$S/ca.pem' --cache-dir '$TMP/c-tty' --rate 1000 $(id 1) $(id 2) $(id 3) -o '$TMP/tty'"
	script -qec "$cmd" "$TMP/tty.out" >/dev/null 2>&1
	grep -q '\[1/3\] opus' "$TMP/tty.out" && grep -q '\[1-3/3\] pictures 24/24' "$TMP/tty.out" &&
		grep -q '\[3/3, ETA 0m0[0-9]s\] opus [0-9]*' "$TMP/tty.out"
	ok $? "on a terminal: articles done/total, an ETA, the pictures of the current one"
	grep -q "3 articles: 3 done" "$TMP/tty.out"
	ok $? "and the summary at the end"
else
	skip "progress on a terminal" "script(1) is missing"
fi

# --- --user: a writer's feed over several pages -----------------------------------------
mark
oa c --user 777 -o "$TMP/user" 2>"$TMP/err"
expect_status $? 0 "--user 777"
ok $([ "$(count '/opus/feed/space')" -eq 3 ]; echo $?) "three feed pages walked"
since | grep '/opus/feed/space' | grep -q 'offset=p3' && since | grep '/opus/feed/space' | grep -q 'host_mid=777'
ok $? "the pages follow the offset of the one before"
n=$(ls "$TMP/user" | grep -c '\.epub$')
ok $([ "$n" -eq 50 ]; echo $?) "every article of the writer is archived ($n)"
mark
oa c --user 778 -o "$TMP/user778" 2>"$TMP/err"
expect_status $? 1 "--user 778 (专栏 list only; the cv-only post is unknown here)"
since | grep '/x/space/wbi/article' | grep -q 'w_rid=' && ! grep -q 'could not be read' "$TMP/err"
ok $? "the 专栏 list is asked for with a WBI signature the server accepts"
ok $([ "$(ls "$TMP/user778" | grep -c '\.epub$')" -eq 2 ]; echo $?) \
    "both posts with an opus id are archived, the repeated one once"
grep -q 'cv4242' "$TMP/err"
ok $? "the post known only by its cv number is tried and named in the failures"
oa c --user 12a -o "$TMP/user" 2>"$TMP/err"
expect_status $? 2 "--user with a bad mid"

# --- --name with hostile titles -----------------------------------------------------------------
mkdir -p "$TMP/names"
: >"$TMP/names-before"
(cd "$TMP" && find . -path ./names -prune -o -print | sort) >"$TMP/outside-before"
oa c --batch "$D/hostile.txt" --name '{title}' -o "$TMP/names" 2>"$TMP/err"
expect_status $? 0 "--name '{title}' with hostile titles"
(cd "$TMP" && find . -path ./names -prune -o -print | sort | grep -v -e '^./c/' -e '^./server/' -e '^./err$' -e '^./outside-') >"$TMP/outside-after"
grep -v -e '^./c/' -e '^./server/' -e '^./err$' -e '^./outside-' "$TMP/outside-before" >"$TMP/outside-before2"
cmp -s "$TMP/outside-before2" "$TMP/outside-after"
ok $? "nothing is written outside the output directory"
bad=$(find "$TMP/names" -mindepth 1 \( -type d -o -name '.*' \) ! -name .opus-archive.tsv | wc -l)
ok $([ "$bad" -eq 0 ]; echo $?) "every book is a plain, visible file right in DIR ($bad others)"
n=$(ls "$TMP/names" | grep -c '\.epub$')
ok $([ "$n" -eq 13 ]; echo $?) "13 articles, 13 books: no name collides into another ($n)"
ok $([ -f "$TMP/names/same title.epub" ] && [ -f "$TMP/names/same title-2.epub" ]; echo $?) "a repeated title gets a suffix"
long=$(ls "$TMP/names" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
ok $([ "$long" -le 200 ]; echo $?) "a 300-character title makes a name of at most 200 bytes ($long)"
mark
oa c --batch "$D/hostile.txt" --name '{title}' -o "$TMP/names" 2>"$TMP/err"
expect_status $? 0 "the same again"
ok $([ "$(count '/opus/detail')" -eq 0 ] && [ "$(ls "$TMP/names" | grep -c '\.epub$')" -eq 13 ]; echo $?) \
	"a re-run with a title template skips every book (the manifest knows their names)"
oa c "$(id 4)" --name '{date} {author} {mid} {id}' -o "$TMP/fields/" -f epub 2>"$TMP/err"
ls "$TMP/fields" | grep -q "^2023-11-19 阿柚的电子工坊 428736915 $(id 4)\.epub$"
ok $? "--name fields {date} {author} {mid} {id}"
oa c "$(id 4)" --name '{nope}' -o "$TMP/fields/" 2>"$TMP/err"
expect_status $? 2 "--name with an unknown field"

# --- --combine ----------------------------------------------------------------------------
oa c "$(id 5)" "$(id 3)" "$(id 4)" --combine -o "$TMP/all.epub" 2>"$TMP/err"
expect_status $? 0 "--combine three articles"
epub_check "$TMP/all.epub" "the combined book passes EPUBCheck with 0 errors and 0 warnings"
"$PYTHON3" - "$TMP/all.epub" "$TMP/books/$(id 3).epub" <<'EOF'
import re, sys, zipfile
comb, single = (zipfile.ZipFile(p) for p in sys.argv[1:3])
imgs = lambda z: sorted(n for n in z.namelist() if n.startswith("OEBPS/images/"))
assert imgs(comb) == imgs(single), "shared pictures are stored once: %d vs %d" % (len(imgs(comb)), len(imgs(single)))
spine = re.findall(r'<itemref idref="([^"]+)"', comb.read("OEBPS/content.opf").decode())
assert spine[0] == "cover" and len(spine) == 4, spine
docs = [n for n in comb.namelist() if re.match(r"OEBPS/opus-.*\.xhtml", n)]
assert len(docs) == 3, docs
nav = comb.read("OEBPS/nav.xhtml").decode()
order = [nav.find("第 %d 篇" % k) for k in (3, 4, 5)]
assert -1 not in order and order == sorted(order), "publication order in the contents"
toc = nav[nav.find('epub:type="toc"'):nav.find('epub:type="landmarks"')]
assert re.search(r"<li>\s*<a [^>]*>第 3 篇[^<]*</a>\s*<ol>", toc), "headings nested under their article"
EOF
ok $? "combined: shared pictures once, one chapter each in publication order, two-level contents"

# --- a library site that grows --------------------------------------------------------------
oa c "$(id 1)" "$(id 2)" --format site -o "$TMP/lib/" 2>"$TMP/err"
expect_status $? 0 "a library site of two articles"
oa c "$(id 3)" "$(id 4)" --format site -o "$TMP/lib" 2>"$TMP/err"
expect_status $? 0 "two more into the same library"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/lib" >"$TMP/site.out" 2>&1
ok $? "the library opens offline with every link and picture in place"
[ $? -eq 0 ] || diag "$TMP/site.out"
"$PYTHON3" - "$TMP/lib/index.html" "$(id 4)" "$(id 3)" "$(id 2)" "$(id 1)" <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
hrefs = []
for h in re.findall(r'href="(\d+)\.html"', page):
    if h not in hrefs:
        hrefs.append(h)
assert hrefs == sys.argv[2:], hrefs
assert len(re.findall(r"<img ", page)) == 4, "a cover thumbnail for each"
EOF
ok $? "the index lists all four, newest first, with thumbnails"
oa c "$(id 1)" -o "$TMP/lib/" 2>"$TMP/err"
expect_status $? 0 "one id into the library again"
grep -q "1 skipped" "$TMP/err"
ok $? "it is skipped, and the index keeps the others"

# --- links between the articles of a library lead to their pages ------------------------------
L0=$(sed -n 1p "$D/lib.txt"); L1=$(sed -n 2p "$D/lib.txt"); L2=$(sed -n 3p "$D/lib.txt")
oa c "$L0" --format site -o "$TMP/lib2/" --name 'p-{id}' 2>"$TMP/err"
expect_status $? 0 "a library of one article"
oa c "$L1" "$L2" --format site -o "$TMP/lib2/" --name 'p-{id}' 2>"$TMP/err"
expect_status $? 0 "two more that link to it and to each other"
grep -q "<a href=\"p-$L2.html\">" "$TMP/lib2/p-$L1.html" &&
	! grep -q "bilibili.com/opus/$L2\"" "$TMP/lib2/p-$L1.html"
ok $? "a link to an article written in the same run leads to its page"
grep -q "<a href=\"p-$L0.html\">" "$TMP/lib2/p-$L2.html" &&
	! grep -q "bilibili.com/opus/$L0\"" "$TMP/lib2/p-$L2.html"
ok $? "a link to an article of an earlier run leads to its page"
grep -q "<a href=\"p-$L1.html\">" "$TMP/lib2/p-$L0.html" &&
	! grep -q "bilibili.com/opus/$L1\"" "$TMP/lib2/p-$L0.html" &&
	grep -q "bilibili.com/opus/$L0\"" "$TMP/lib2/p-$L0.html"
ok $? "a page of an earlier run now links to an article added later, and still to its own original"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/lib2" >"$TMP/site.out" 2>&1
ok $? "that library opens offline with every link in place"
[ $? -eq 0 ] || diag "$TMP/site.out"

finish
