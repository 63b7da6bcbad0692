#!/bin/sh
# Markdown output (--format md): every response we have (samples/, the real
# ones in ../shared when present, the composed cases in tests/md/) becomes a
# document that a real CommonMark parser reads back with every visible
# string in order, its structure kept, its pictures resolving, and front
# matter that YAML reads (tests/check-md.py); hostile text comes out inert;
# then, against tests/bili-server.py, several articles sharing one images/,
# --name '….md', --combine into one document, and a second run that skips;
# links between the articles go to their documents or anchors (check-md.py
# resolves each).
. "$(dirname "$0")/lib.sh"

if ! have_python || ! "$PYTHON3" -c 'import yaml' >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 with PyYAML (python3-yaml) is needed to check the documents"
	exit 0
fi
if ! command -v cmark-gfm >/dev/null 2>&1 && ! command -v pandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP neither cmark-gfm nor pandoc is installed to read the documents"
	exit 0
fi

md_check() {  # md_check RESPONSE DOC NAME [CHECK-ARGS...]
	resp=$1 doc=$2 name=$3
	shift 3
	"$PYTHON3" "$top_srcdir/tests/check-md.py" "$@" --response "$resp" "$doc" >"$TMP/check" 2>&1
	st=$?
	ok $st "$name: read back by CommonMark and YAML, all there ($(tail -n 1 "$TMP/check"))"
	[ $st -eq 0 ] || head -20 "$TMP/check" | sed 's/^/# /'
}

md_one() {  # md_one RESPONSE WANT NAME DOC [PROGRAM-ARGS...]
	resp=$1 want=$2 name=$3 doc=$4
	shift 4
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" "$@" \
		>"$TMP/out" 2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq "$want" ]; echo $?) "$name: exit status $st (want $want)"
	[ "$st" -eq "$want" ] || diag "$TMP/err"
	if [ ! -f "$doc" ]; then
		ok 1 "$name: '$doc' written"
		return
	fi
	if [ "$want" -eq 0 ]; then
		md_check "$resp" "$doc" "$name" --complete
	else
		md_check "$resp" "$doc" "$name"
	fi
}

# --- usage --------------------------------------------------------------------------
"$OPUS_ARCHIVE" 1047362918573064199 1032759148265390081 -o "$TMP/two.md" 2>"$TMP/err"
st=$?
ok $([ "$st" -eq 2 ] && grep -q 'give -o DIR/ with --format md' "$TMP/err"; echo $?) \
	"several articles into one FILE.md without --combine: a usage error ($st)"
"$OPUS_ARCHIVE" --format pdf --from-json x.json -o x 2>"$TMP/err"
grep -q "use 'epub', 'site' or 'md'" "$TMP/err"
ok $? "an unknown format names md among the known ones"

# --- the bundled samples: complete, pictures from the sample cache ---------------
for resp in "$SAMPLES"/*.json; do
	[ -f "$resp" ] || continue
	n=$(basename "$resp" .json)
	md_one "$resp" 0 "$n" "$TMP/samples/$n.md" -o "$TMP/samples/$n.md"
done
n=$(ls "$TMP/samples/images" | wc -l)
ok $([ "$n" -gt 0 ]; echo $?) "the samples' pictures are in one images/ ($n)"
ok $([ "$(ls "$TMP/samples" | grep -vc '\.md$')" -eq 1 ]; echo $?) "nothing else beside the documents"

# --- the composed cases: every paragraph type, every metacharacter -----------------
for resp in "$top_srcdir"/tests/md/*.json; do
	n=$(basename "$resp" .json)
	md_one "$resp" 0 "composed $n" "$TMP/composed/$n.md" --format md -o "$TMP/composed/$n.md"
done
H=$TMP/composed/hostile.md
if [ -f "$H" ]; then
	# the front matter holds exactly our keys: the title's "---\nmalicious: yaml" is a string
	"$PYTHON3" - "$H" <<'EOF'
import sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
meta = yaml.safe_load(text[4:text.index("\n---\n", 3) + 1])
known = {"title", "author", "author_url", "date", "tags", "source", "id"}
assert set(meta) == known, set(meta) ^ known
assert "\n---\nmalicious: yaml" in meta["title"], meta["title"]
assert meta["tags"] == ['tag "q"', "#t*", "a\\b"], meta["tags"]
EOF
	ok $? "hostile: the title and tags stay strings in the front matter, no key added"
	"$PYTHON3" "$top_srcdir/tests/check-md.py" --hostile "$H" \
		'[x](javascript:alert(1)) <script>alert(1)</script> *t* _u_ `c` \ "q" #h' \
		'<b>tag</b>' 'AT&T' '&amp; &copy;' '`tick`' 'a | b' 'back\slash' '~~tilde~~' \
		'$5 and $6' '==mark==' '%%hidden%%' '{{< shortcode >}}' '---' '***' '___' \
		'four spaces' '![img](http://evil.example/x.png)' '\*escaped\*' \
		'[link]: http://evil.example' 'https://example.com/a_b_c*d~e#f?g=h&i=j.' >"$TMP/check" 2>&1
	ok $? "hostile: each crafted string shows literally ($(tail -n 1 "$TMP/check"))"
	grep -q '^```` *$' "$H" && grep -q '^`````' "$H"
	ok $? "hostile: the code fence is longer than the backtick runs inside"
	grep -q '(https://example.com/a\\(b\\)c%20d%3Ce%3E\\&amp;f%5Cg)' "$H"
	ok $? "hostile: a link destination's parentheses, spaces, <, > and & are escaped"
	sed '1,/^---$/d' "$H" >"$TMP/body"
	grep -q 'javascript' "$TMP/body" && ! grep -q '[^\\]](javascript' "$TMP/body"
	ok $? "hostile: no javascript: link target in the body"
fi
S=$TMP/composed/structure.md
if [ -f "$S" ]; then
	grep -q '^   1\. 甲一$' "$S" && grep -q '^5) 戊（跳号）$' "$S"
	ok $? "structure: nested lists indented under their item; a jump in numbers starts a new list"
	if command -v cmark-gfm >/dev/null 2>&1; then
		n=$(sed '1,/^---$/d' "$S" | cmark-gfm | grep -c '^<ul>')
		ok $([ "$n" -eq 3 ]; echo $?) "structure: two unordered lists in a row stay two lists ($n <ul>, want 3 with the nested one)"
	fi
	grep -q '<strong>「标点」</strong>' "$S" && grep -q '\*\*粗体\*\*' "$S" && grep -q '<u>下划</u>' "$S"
	ok $? "structure: ** where CommonMark honours it, <strong> next to punctuation, <u> for underline"
	grep -q '^\$\|\$a\\lt b\\gt c \\\$x\\\$ \[y\] (z)\$' "$S"
	ok $? "structure: a formula as \$…\$ with no HTML and no link able to form"
	"$OPUS_ARCHIVE" --offline --cache-dir "$SAMPLES/cache" --from-json "$top_srcdir/tests/md/structure.json" \
		-o "$TMP/again/s.md" 2>"$TMP/err"
	grep -q '未知段落类型的文字' "$S" && grep -q 'unknown para_type 99' "$TMP/err"
	ok $? "structure: an unknown paragraph type shows its text, with a warning"
fi

# --- the same document twice: the same bytes; a second document shares the pictures --
first=$SAMPLES/opus-full.json
SOURCE_DATE_EPOCH=1700000000 "$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
	--from-json "$first" -o "$TMP/twice/a.md"
before=$(ls "$TMP/twice/images" | wc -l)
SOURCE_DATE_EPOCH=1700000000 "$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
	--from-json "$first" -o "$TMP/twice/b.md"
cmp -s "$TMP/twice/a.md" "$TMP/twice/b.md"
ok $? "the same article gives the same document"
ok $([ "$(ls "$TMP/twice/images" | wc -l)" -eq "$before" ]; echo $?) "a second document in the directory shares its pictures ($before)"
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$first" --format md \
	-o "$TMP/dir/" 2>"$TMP/err"
ok $([ -f "$TMP/dir/$(sed -n 's/.*"id_str": *"\([0-9]*\)".*/\1/p' "$first" | head -n 1).md" ]; echo $?) \
	"--format md -o DIR/ writes DIR/ID.md"

# --- pictures missing (--offline, empty cache): their web address and a note, exit 3 --
"$OPUS_ARCHIVE" -q --offline --cache-dir "$TMP/empty-cache" --from-json "$first" \
	-o "$TMP/missing/m.md" 2>"$TMP/err"
expect=$?
ok $([ "$expect" -eq 3 ]; echo $?) "pictures missing: exit status $expect (want 3)"
grep -q '](https://i0.hdslb.com/bfs/.*) (图片未能存档' "$TMP/missing/m.md"
ok $? "a missing picture is linked at its web address with a note"
md_check "$first" "$TMP/missing/m.md" "pictures missing"

# --- the real responses in ../shared ---------------------------------------------------
if ls "$SHARED"/samples/api/opus_detail_*.json >/dev/null 2>&1; then
	for resp in "$SHARED"/samples/api/opus_detail_*.json "$SHARED"/samples/api/article_view_*.json; do
		[ -f "$resp" ] || continue
		n=$(basename "$resp" .json)
		# offline and with none of its pictures cached: written, but incomplete
		md_one "$resp" 3 "shared $n" "$TMP/shared/$n.md" -o "$TMP/shared/$n.md"
	done
else
	skip "real responses from ../shared" "../shared/samples/api is not present"
fi

# --- several articles, against the test server -----------------------------------------
if ! command -v openssl >/dev/null 2>&1; then
	skip "batch, --name and --combine into Markdown" "openssl is needed for the test server"
	finish
fi
. "$top_srcdir/tests/server.sh"
D=$TMP/data
"$PYTHON3" - "$SAMPLES/opus-full.json" "$D" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
base = json.load(open(src, encoding="utf-8"))
old = base["data"]["item"]["id_str"]
os.makedirs(out + "/opus")
ids = []
for i, title in enumerate(["第一篇", "第二篇 *markdown* [x](y)", "第三篇"]):
    d = json.loads(json.dumps(base))
    new = "92000000000000%05d" % i
    d["data"]["item"]["id_str"] = new
    for m in d["data"]["item"]["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = title
        if m["module_type"] == "MODULE_TYPE_AUTHOR":
            m["module_author"]["pub_ts"] = 1700000000 + i * 86400
        if m["module_type"] == "MODULE_TYPE_CONTENT":
            # its link to a 专栏 goes to the next of the three instead: a link between them
            node = m["module_content"]["paragraphs"][25]["text"]["nodes"][1]["rich"]
            node["jump_url"] = "//www.bilibili.com/opus/92000000000000%05d" % ((i + 1) % 3)
    open("%s/opus/%s.json" % (out, new), "w", encoding="utf-8").write(
        json.dumps(d, ensure_ascii=False).replace(old, new))
    ids.append(new)
open(out + "/ids.txt", "w").write("\n".join(ids) + "\n")
# eight more, to put the first article and the one it links to in different windows
fill = []
for k in range(8):
    d = json.loads(json.dumps(base))
    new = "92000000000001%05d" % k
    d["data"]["item"]["id_str"] = new
    open("%s/opus/%s.json" % (out, new), "w", encoding="utf-8").write(
        json.dumps(d, ensure_ascii=False).replace(old, new))
    fill.append(new)
open(out + "/windows.txt", "w").write("\n".join([ids[0]] + fill + ids[1:]) + "\n")
EOF
server_start "$D"
oa c --batch "$D/ids.txt" --format md -o "$TMP/many" 2>"$TMP/err"
expect_status $? 0 "--batch --format md"
ok $([ "$(ls "$TMP/many" | grep -c '\.md$')" -eq 3 ]; echo $?) "one document per article"
id1=$(sed -n 1p "$D/ids.txt")
oa c "$id1" --format md -o "$TMP/single/" 2>"$TMP/err"
one=$(ls "$TMP/single/images" | wc -l)
all=$(ls "$TMP/many/images" | wc -l)
ok $([ "$one" -gt 0 ] && [ "$one" -eq "$all" ]; echo $?) \
	"three articles with the same pictures share one images/ ($all files; one article alone: $one)"
id2=$(sed -n 2p "$D/ids.txt")
md_check "$D/opus/$id2.json" "$TMP/many/$id2.md" "a batch document" --complete
id3=$(sed -n 3p "$D/ids.txt")
grep -q "](${id3}.md)" "$TMP/many/$id2.md" && grep -q "](${id1}.md)" "$TMP/many/$id3.md" &&
	! grep -q "bilibili.com/opus/$id3" "$TMP/many/$id2.md"
ok $? "a link to another article of the batch goes to its document beside it"
grep -q '](https://www.bilibili.com/video/BV1Kq4y1X7mN/)' "$TMP/many/$id2.md"
ok $? "a link to anything else keeps its web address"
# the first article's window (8 articles) is written before the one it links to is named
oa c --batch "$D/windows.txt" --format md -o "$TMP/windows" 2>"$TMP/err"
expect_status $? 0 "a batch of eleven: the first article and the one it links to in different windows"
grep -q "](${id2}.md)" "$TMP/windows/$id1.md" && ! grep -q "bilibili.com/opus/$id2" "$TMP/windows/$id1.md" &&
	grep -q "](${id1}.md)" "$TMP/windows/$id3.md"
ok $? "a link to an article of a later window goes to its document too (pointed there at the end)"
md_check "$D/opus/$id1.json" "$TMP/windows/$id1.md" "a relinked document" --complete
oa c "$id1" --force --format md -o "$TMP/many/" 2>"$TMP/err"
expect_status $? 0 "one article again into the directory"
grep -q "](${id2}.md)" "$TMP/many/$id1.md"
ok $? "its link goes to a document written by an earlier run (the directory's manifest)"
oa c "$id1" --format md -o "$TMP/alone.md" 2>"$TMP/err"
grep -q "](https://www.bilibili.com/opus/$id2)" "$TMP/alone.md"
ok $? "alone (-o FILE.md) the same link goes to the web"
mark
oa c --batch "$D/ids.txt" --format md -o "$TMP/many" 2>"$TMP/err"
expect_status $? 0 "the same batch again"
ok $([ "$(count '/opus/detail')" -eq 0 ]; echo $?) "documents already there are skipped without a request"
oa c --batch "$D/ids.txt" --name '{date} {title}.md' -o "$TMP/named/" 2>"$TMP/err"
expect_status $? 0 "--name '{date} {title}.md' asks for Markdown"
ok $([ -f "$TMP/named/2023-11-17 第三篇.md" ] && [ "$(ls "$TMP/named" | grep -c '\.md$')" -eq 3 ]; echo $?) \
	"documents named by the template, one '.md' each"
oa c --batch "$D/ids.txt" --combine -o "$TMP/all/all.md" 2>"$TMP/err"
expect_status $? 0 "--combine -o FILE.md"
n=$(grep -c '^# 第' "$TMP/all/all.md")
ok $([ "$n" -eq 3 ]; echo $?) "one document, a chapter (level-1 heading) per article ($n)"
"$PYTHON3" "$top_srcdir/tests/check-md.py" --complete "$TMP/all/all.md" >"$TMP/check" 2>&1
ok $? "the combined document reads back, its pictures resolve ($(tail -n 1 "$TMP/check"))"
grep -q '^# 第二篇 \\\*markdown\\\* \\\[x\\\](y)$' "$TMP/all/all.md"
ok $? "a chapter title is escaped"
grep -q "^<a id=\"opus-$id2\"></a>\$" "$TMP/all/all.md" && grep -q "](#opus-$id2)" "$TMP/all/all.md" &&
	! grep -q "bilibili.com/opus/$id2" "$TMP/all/all.md"
ok $? "in one document, a link to another of its articles goes to that article's anchor"
"$OPUS_ARCHIVE" --combine --format md -o "$TMP/" "$id2" 2>"$TMP/err"
ok $([ $? -eq 2 ]; echo $?) "--combine with Markdown into a directory is a usage error"
finish
