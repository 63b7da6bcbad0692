#!/bin/sh
# Old-style 专栏 (cv) articles end to end: the hand-written article/view
# responses in samples/ (HTML and delta content) and, when ../shared is
# there, the real ones become EPUBs that EPUBCheck passes with no error or
# warning and sites whose pages check out, each holding every visible text of
# the source; then, against tests/bili-server.py, a cv number, a read URL, an
# opus id whose detail falls back to a cv, and a cv that does not exist.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to check the books"
	exit 0
fi

check_book() {  # check_book RESPONSE WANT_STATUS NAME
	resp=$1 want=$2 name=$3
	book=$TMP/$name.epub
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$book" \
		2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq "$want" ]; echo $?) "$name: EPUB: exit status $st (want $want)"
	[ "$st" -eq "$want" ] || diag "$TMP/err"
	epub_ok "$book" "$name"
	"$PYTHON3" "$top_srcdir/tests/check-epub.py" "$book" >"$TMP/check" 2>&1
	st=$?
	ok $st "$name: container layout"
	[ $st -eq 0 ] || diag "$TMP/check"
	"$PYTHON3" "$top_srcdir/tests/visible-text.py" "$resp" "$book" >"$TMP/vis" 2>&1
	st=$?
	ok $st "$name: every visible text of the source is in the book ($(tail -n 1 "$TMP/vis"))"
	[ $st -eq 0 ] || head -20 "$TMP/vis" | sed 's/^/# /'
	member=$(unzip -Z1 "$book" | grep "^META-INF/opus-archive/article-view-cv[0-9]*\.json$")
	unzip -p "$book" "$member" | cmp -s - "$resp"
	ok $? "$name: the article/view response is kept in the book byte for byte ($member)"

	site=$TMP/$name-site/
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$site" \
		2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq "$want" ]; echo $?) "$name: site: exit status $st (want $want)"
	"$PYTHON3" "$top_srcdir/tests/check-site.py" "$site" >"$TMP/check" 2>&1
	st=$?
	ok $st "$name: site pages parse and every local reference resolves"
	[ $st -eq 0 ] || diag "$TMP/check"
	"$PYTHON3" "$top_srcdir/tests/visible-text.py" "$resp" "$site" >"$TMP/vis" 2>&1
	st=$?
	ok $st "$name: every visible text of the source is on the site page"
	[ $st -eq 0 ] || head -20 "$TMP/vis" | sed 's/^/# /'
}

# text_of BOOK: the text of the book's documents, markup and all
text_of() {
	unzip -p "$1" '*.xhtml' 2>/dev/null
}

for resp in "$SAMPLES"/article-*.json; do
	[ -f "$resp" ] || continue
	check_book "$resp" 0 "$(basename "$resp" .json)"
done
ok $([ -f "$SAMPLES/article-html.json" ] && [ -f "$SAMPLES/article-delta.json" ]; echo $?) \
	"samples/ holds an HTML and a delta article"

# What the samples hold is where it belongs.
h=$TMP/article-html.epub
text_of "$h" | grep -q '<h2 id="h1">第一部分：文字样式</h2>'
ok $? "html: h1 becomes a heading"
text_of "$h" | grep -q '<s>划掉的文字</s>' && text_of "$h" | grep -q '<strong>加粗的文字</strong>'
ok $? "html: strong and line-through"
text_of "$h" | grep -Eq '<span style="color: #[0-9a-f]{6}">大红</span>'   # darkened for e-ink: see render.c
ok $? "html: colour classes become colours"
text_of "$h" | grep -q '<p class="center">这一段居中。</p>'
ok $? "html: paragraph alignment"
text_of "$h" | grep -q '<figcaption>第一张图的图注</figcaption>'
ok $? "html: figure caption"
text_of "$h" | grep -q 'class="divider"'
ok $? "html: cut-off divider picture"
text_of "$h" | grep -q 'href="https://www.bilibili.com/video/av170001"'
ok $? "html: video card links to the video"
text_of "$h" | grep -q '<code class="language-python">def greet(name):'
ok $? "html: code box decoded from codecontent"
text_of "$h" | grep -q '<code class="formula">E=mc^2</code>'
ok $? "html: LaTeX formula"
! text_of "$h" | grep -qi 'javascript:'
ok $? "html: no javascript: link survives"
unzip -p "$h" OEBPS/content.opf | grep -q '<dc:description>这是一篇手写的旧式专栏示例文章'
ok $? "html: the summary is the book's description"
unzip -p "$h" OEBPS/content.opf | grep -q 'properties="cover-image"'
ok $? "html: the banner is the cover"
text_of "$h" | grep -q '分类：生活 / 日常<br/>标签：' && text_of "$h" | grep -q '收录于文集 「示例文集」' &&
	text_of "$h" | grep -q '阅读 1234 · 点赞 78 · 投币 4 · 收藏 56 · 评论 9 · 转发 3 · 字数 888'
ok $? "html: category, 文集, stats and word count"
d=$TMP/article-delta.epub
text_of "$d" | grep -q '<h3 id="h1">标题：样式</h3>' && text_of "$d" | grep -q '<li>有序第二项</li></ol>'
ok $? "delta: header and ordered list"
! text_of "$d" | grep -q '这段编辑器格式的文字不应出现在书里'
ok $? "delta: data.opus (the editor schema) is not read"

if ls "$SHARED"/samples/api/article_view_*.json >/dev/null 2>&1; then
	for resp in "$SHARED"/samples/api/article_view_*.json; do
		# offline and with none of their pictures cached: written, but incomplete
		check_book "$resp" 3 "shared-$(basename "$resp" .json)"
	done
else
	skip "real article/view responses" "../shared/samples/api is not present"
fi

# Hostile HTML: nothing active gets through.
h=$TMP/hostile.epub
"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
	--from-json "$top_srcdir/tests/bad/article-hostile-html.json" -o "$h" 2>"$TMP/err"
ok $? "hostile HTML: written"
! text_of "$h" | grep -Eqi '<script|<style|<iframe|<object|<svg|<form|<input|onclick|onerror|onload|javascript:|data:text'
ok $? "hostile HTML: no script, style, frame, form, handler or active link in the book"
text_of "$h" | grep -q '最内' && text_of "$h" | grep -q '很深的字' && text_of "$h" | grep -q '项里的引用'
ok $? "hostile HTML: text in nested tables, deep markup and lists is kept"

# --- against the test server ----------------------------------------------------------------
if ! command -v openssl >/dev/null 2>&1; then
	skip "network cases" "openssl is needed for the test server"
	finish
fi
. "$top_srcdir/tests/server.sh"
D=$TMP/data
mkdir -p "$D/opus" "$D/article"
cp "$SAMPLES/article-html.json" "$D/article/90001.json"
cp "$SAMPLES/article-delta.json" "$D/article/90002.json"
FALLBACK=1056353752004420001
printf '{"code":0,"message":"0","ttl":1,"data":{"fallback":{"id":"90002","type":2}}}' \
	>"$D/opus/$FALLBACK.json"
server_start "$D"

mark
oa c1 cv90001 -o "$TMP/net-cv.epub" 2>"$TMP/err"
expect_status $? 0 "a cv number"
since | grep '"path": *"/x/article/view"' | grep -q '"query": *"id=90001' &&
	since | grep '/x/article/view' | grep -q '"referer": *"https://www.bilibili.com/read/cv90001"'
ok $? "article/view is asked with the id and the read page as Referer"
ok $([ "$(since | grep -c '/opus/detail')" -eq 0 ]; echo $?) "a cv number does not ask opus/detail"
ok $([ -f "$TMP/c1/api/article/90001.json" ]; echo $?) "the response is kept as api/article/90001.json"
epub_check "$TMP/net-cv.epub" "the fetched cv book passes EPUBCheck"
n=$(unzip -l "$TMP/net-cv.epub" | grep -c 'OEBPS/images/')
ok $([ "$n" -ge 6 ]; echo $?) "the cv book holds its pictures ($n)"

oa c1 "https://www.bilibili.com/read/cv90001?from=search" -o "$TMP/net-url.epub" 2>"$TMP/err"
expect_status $? 0 "a read/cv URL"
mark
oa c1 --offline cv90001 -o "$TMP/net-offline.epub" 2>"$TMP/err"
expect_status $? 0 "--offline with the article/view response cached"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "--offline makes no request"
oa c-empty --offline cv90001 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "--offline without a cached cv"
grep -q "cv90001: no saved response in the cache" "$TMP/err"
ok $? "--offline without a cached cv says so"

mark
oa c2 "$FALLBACK" -o "$TMP/net-fallback.epub" 2>"$TMP/err"
expect_status $? 0 "an opus id whose detail falls back to a cv"
since | grep -q '"path": *"/x/polymer/web-dynamic/v1/opus/detail"' &&
	since | grep '"path": *"/x/article/view"' | grep -q '"query": *"id=90002'
ok $? "the fallback asks opus/detail, then article/view of the cv"
mkdir -p "$TMP/named"
(cd "$TMP/named" && oa c2 -q "$FALLBACK" && oa c2 -q cv90001)
ok $([ -f "$TMP/named/$FALLBACK.epub" ] && [ -f "$TMP/named/cv90001.epub" ] &&
	[ "$(ls "$TMP/named" | wc -l)" -eq 2 ]; echo $?) \
	"without -o the books are named after what was asked for ($(ls "$TMP/named" | tr '\n' ' '))"
text_of "$TMP/net-fallback.epub" | grep -q '新式专栏示例：delta 正文'
ok $? "the fallback book holds the 专栏 article"
oa c2 --offline --from-json "$D/opus/$FALLBACK.json" -o "$TMP/net-fb-json.epub" 2>"$TMP/err"
expect_status $? 0 "--from-json with a saved fallback reply, offline, the cv cached"

oa c1 cv999 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "an unknown cv"
grep -q "cv999 not found" "$TMP/err"
ok $? "an unknown cv: 'cv999 not found'"
ok $([ ! -e "$TMP/x.epub" ]; echo $?) "nothing written for it"
printf '{"code":0,"message":"0","ttl":1,"data":{"fallback":{"id":"999","type":2}}}' >"$D/opus/777.json"
oa c1 777 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "a fallback to a cv that does not exist"
grep -q "cv999 not found" "$TMP/err"
ok $? "the fallback's missing cv is named"

# a batch with 专栏 articles, and a library site of them: a re-run skips them without
# asking the API again
oa c3 -v cv90001 "$FALLBACK" -o "$TMP/cvbooks/" 2>"$TMP/err"
expect_status $? 0 "a batch of a cv and an opus that falls back to one"
ok $(! grep -q "opus cv" "$TMP/err"; echo $?) "no line of it calls a 专栏 article 'opus cv…'"
ok $([ -f "$TMP/cvbooks/cv90001.epub" ] && [ -f "$TMP/cvbooks/cv90002.epub" ]; echo $?) \
	"each book is named after its cv number"
mark
oa c3 -v cv90001 "https://www.bilibili.com/read/cv90002" -o "$TMP/cvbooks/" 2>"$TMP/err"
expect_status $? 0 "the same 专栏 articles again"
ok $([ "$(since | grep -c '/x/article/view')" -eq 0 ] && grep -q "2 skipped" "$TMP/err"; echo $?) \
	"they are skipped without an API request"
ok $(! grep -q "opus cv" "$TMP/err"; echo $?) "no line of the batch calls a 专栏 article 'opus cv…'"
mark
oa c3 "$FALLBACK" cv90001 -o "$TMP/cvbooks/" 2>"$TMP/err"
expect_status $? 0 "the opus that falls back to a 专栏, again by its opus id"
ok $([ "$(since | wc -l)" -eq 0 ] && grep -q "2 skipped" "$TMP/err"; echo $?) \
	"it is skipped without any request (the manifest knows its opus id)"
oa c3 cv90001 cv90002 --format site -o "$TMP/cvlib/" 2>"$TMP/err"
expect_status $? 0 "a library site of 专栏 articles"
"$PYTHON3" "$top_srcdir/tests/check-site.py" "$TMP/cvlib" >"$TMP/site.out" 2>&1
ok $? "it opens offline with every link and picture in place"

# views_spread: "N SECONDS": how many article/view requests came since mark, and
# the time from the first one's arrival to the last one's
views_spread() {
	since | grep '/x/article/view' >"$TMP/views.log"
	"$PYTHON3" -c '
import json, sys
ts = [json.loads(l)["t"] for l in open(sys.argv[1])]
print("%d %.3f" % (len(ts), max(ts) - min(ts) if ts else -1))' "$TMP/views.log"
}
# together SECONDS: true when requests whose answers each take a second all
# arrived within 0.9 s of each other, so none waited for another's answer
together() {
	"$PYTHON3" -c 'import sys; sys.exit(not float(sys.argv[1]) < 0.9)' "$1"
}

# a batch asks article/view for its 专栏 articles together, as it does opus/detail:
# with every answer held back a second, one request at a time would arrive a
# second or more apart
for n in 90003 90004 90005 90006; do cp "$SAMPLES/article-html.json" "$D/article/$n.json"; done
faults '[{"path":"/x/article/view","fault":"slow","delay":1.0}]'
mark
oa c4 cv90003 cv90004 cv90005 cv90006 -o "$TMP/cvmany/" 2>"$TMP/err"
expect_status $? 0 "a batch of four 专栏 articles, each answer a second late"
faults '[]'
spread=$(views_spread)
ok $([ "${spread%% *}" -eq 4 ] && together "${spread#* }"; echo $?) \
	"the four article/view requests are in flight together (requests, first to last arrival: $spread s)"

# opus ids that fall back to 专栏 articles: their article/view answers come
# together too, in one round after the opus answers
for n in 1 2 3; do
	printf '{"code":0,"message":"0","ttl":1,"data":{"fallback":{"id":"9001%d","type":2}}}' $n \
		>"$D/opus/105635375200442100$n.json"
	cp "$SAMPLES/article-html.json" "$D/article/9001$n.json"
done
faults '[{"path":"/x/article/view","fault":"slow","delay":1.0}]'
mark
oa c5 1056353752004421001 1056353752004421002 1056353752004421003 -o "$TMP/cvfall/" 2>"$TMP/err"
expect_status $? 0 "a batch of three opus ids that fall back to 专栏 articles, each article/view a second late"
faults '[]'
spread=$(views_spread)
ok $([ "${spread%% *}" -eq 3 ] && together "${spread#* }"; echo $?) \
	"their article/view requests are in flight together (requests, first to last arrival: $spread s)"

# --refresh asks each article once, not once to prefetch and again to load it
mark
oa c4 --refresh cv90003 cv90004 cv90005 1056353752004421001 -o "$TMP/cvrefresh/" 2>"$TMP/err"
expect_status $? 0 "--refresh on a batch of 专栏 articles"
ok $([ "$(count '/x/article/view')" -eq 4 ] && [ "$(count '/opus/detail')" -eq 1 ]; echo $?) \
	"each answer is asked once (article/view: $(count '/x/article/view') of 4, opus/detail: $(count '/opus/detail') of 1)"
finish
