#!/bin/sh
# A 文集's WARCs (one per chapter and one for the list), a 文集 in Markdown
# (one document per chapter and an index), and a list that grows between
# runs.  Part of the 文集 tests (tests/series.sh).
. "$(dirname "$0")/series-setup.sh"

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
