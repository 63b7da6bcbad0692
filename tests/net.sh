#!/bin/sh
# The network half, for real, against tests/bili-server.py: a local HTTPS
# server playing api.bilibili.com, b23.tv and the image hosts, with faults on
# demand.  The program reaches it only through --connect-to and --cacert.
. "$(dirname "$0")/lib.sh"

. "$top_srcdir/tests/server.sh"
D=$TMP/data
mkdir -p "$D/opus" "$D/b23"
ID=1047362918573064199
cp "$SAMPLES/opus-full.json" "$D/opus/$ID.json"
LEGACY=862917305341329408
cp "$SAMPLES/opus-legacy.json" "$D/opus/$LEGACY.json"
printf '//www.bilibili.com/opus/%s?share_source=copy' "$ID" >"$D/b23/AbCd12"
printf 'https://www.bilibili.com/video/BV1xx411c7mD' >"$D/b23/video"
server_start "$D"

pictures_in() {  # pictures_in BOOK: how many pictures the book holds
	"$PYTHON3" -c 'import zipfile,sys; print(sum(1 for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("OEBPS/images/")))' "$1"
}

# --- the happy path -----------------------------------------------------------
faults '[]'
mark
oa c1 "$ID" -o "$TMP/book.epub" 2>"$TMP/err"
expect_status $? 0 "archive by id"
epub_check "$TMP/book.epub" "the fetched book passes EPUBCheck with 0 errors and 0 warnings"
n=$(pictures_in "$TMP/book.epub")
offline_n=$("$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$SAMPLES/opus-full.json" -o "$TMP/ref.epub"; pictures_in "$TMP/ref.epub")
ok $([ "$n" -eq "$offline_n" ] && [ "$n" -gt 0 ]; echo $?) "every picture is in the book ($n of $offline_n)"
ok $([ "$(count '/x/frontend/finger/spi')" -eq 1 ]; echo $?) "one buvid3 bootstrap request"
ok $([ "$(count '/opus/detail')" -eq 1 ]; echo $?) "one opus detail request"
since | grep '"path": *"/x/polymer/web-dynamic/v1/opus/detail"' | grep -q "id=$ID" &&
	since | grep '/opus/detail' | grep -q 'htmlNewStyle' &&
	since | grep '/opus/detail' | grep -q "\"referer\": *\"https://www.bilibili.com/opus/$ID\"" &&
	since | grep '/opus/detail' | grep -q '"cookie": *"[^"]*buvid3='
ok $? "detail request carries id, features=htmlNewStyle, the opus Referer and buvid3"
since | grep '/opus/detail' | grep -q '"user-agent": *"Mozilla/5.0'
ok $? "a browser User-Agent is sent"
dups=$(since | "$PYTHON3" -c '
import json, sys, collections
c = collections.Counter()
for l in sys.stdin:
    r = json.loads(l)
    if r["host"].endswith("hdslb.com") or r["host"].endswith("biliimg.com"):
        c[(r["host"], r["path"])] += 1
print(sum(1 for v in c.values() if v > 1), len(c))')
ok $([ "${dups%% *}" -eq 0 ]; echo $?) "each picture URL requested once (duplicates, distinct: $dups)"
since | grep -E 'hdslb|biliimg' | grep -q '"cookie"'
ok $([ $? -ne 0 ]; echo $?) "no cookie is sent to the image hosts"
left=$(find "$TMP/c1" \( -name '*.part*' -o -name '.*.tmp-*' \) | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no partial downloads left in the cache"

# --- libcurl is opened by a run that fetches, and only by it -------------------
# fetch.c opens it with dlopen on the first fetch (the program does not link
# it): glibc's loader says which files it opens when LD_DEBUG=files.
LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/ld-online" oa c-ld "$ID" -q -o "$TMP/ld.epub" 2>/dev/null
expect_status $? 0 "a fetch with the loader's log on"
cat "$TMP"/ld-online.* 2>/dev/null | grep -q 'file=libcurl[.]so'
ok $? "a run that fetches opens libcurl"
LD_DEBUG=files LD_DEBUG_OUTPUT="$TMP/ld-offline" "$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
	--from-json "$SAMPLES/opus-full.json" -o "$TMP/ld-offline.epub"
expect_status $? 0 "a render from the cache with the loader's log on"
if ! ls "$TMP"/ld-offline.* >/dev/null 2>&1; then
	skip "a render from the cache does not open libcurl" "the loader wrote no LD_DEBUG log (not glibc?)"
else
	! cat "$TMP"/ld-offline.* | grep -q 'libcurl'
	ok $? "a render from the cache does not open libcurl (nor any of its libraries: $(cat "$TMP"/ld-offline.* | grep -c 'file=.*needed by') loaded)"
fi

# --- a second run uses the cache ------------------------------------------------
mark
oa c1 "$ID" -o "$TMP/book2.epub" 2>"$TMP/err"
expect_status $? 0 "second run"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "a second run makes no request at all (cached response and pictures)"
mark
oa c1 --refresh "$ID" -o "$TMP/book3.epub" 2>"$TMP/err"
expect_status $? 0 "--refresh"
ok $([ "$(count '/opus/detail')" -eq 1 ] && [ "$(since | grep -cE 'hdslb|biliimg')" -eq 0 ] &&
	[ "$(count 'finger/spi')" -eq 0 ]; echo $?) "--refresh asks the API again, reuses buvid3 and pictures"
mark
oa c1 --offline "$ID" -o "$TMP/book4.epub" 2>"$TMP/err"
expect_status $? 0 "--offline with everything cached"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "--offline makes no request"
oa c-empty --offline "$ID" -o "$TMP/book5.epub" 2>"$TMP/err"
expect_status $? 1 "--offline without a cached response"
grep -q "no saved response in the cache" "$TMP/err"
ok $? "--offline without a cached response says so"

# --- inputs -----------------------------------------------------------------------
for form in "https://www.bilibili.com/opus/$ID?spm_id_from=333.1387#reply" \
	"https://m.bilibili.com/opus/$ID" "https://t.bilibili.com/$ID" "https://b23.tv/AbCd12"; do
	oa c1 "$form" -o "$TMP/form.epub" 2>"$TMP/err"
	expect_status $? 0 "input '$form'"
done
oa c1 "https://b23.tv/video" -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "a short link to a video"
grep -q "not an opus or 专栏 article" "$TMP/err"
ok $? "a short link to something else says where it led"
oa c1 "https://b23.tv/nothing" -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "a short link that leads nowhere"
oa c1 cv123 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "a cv number the server does not have"
grep -q "cv123 not found" "$TMP/err"
ok $? "an unknown cv number: 'cv123 not found' (tests/cv.sh covers 专栏 articles)"
oa c1 "https://example.com/opus/1" -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 2 "a foreign URL is a usage error"
oa c1 999 -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "an unknown id"
grep -q "opus 999 not found" "$TMP/err"
ok $? "an unknown id: 'opus 999 not found'"
ok $([ ! -e "$TMP/x.epub" ]; echo $?) "nothing written for failed articles"

# several ids into a directory, one book each (one fails)
oa c1 "$ID" "$LEGACY" 998 -o "$TMP/many" 2>"$TMP/err"
expect_status $? 1 "three ids, one unknown"
ok $([ -f "$TMP/many/$ID.epub" ] && [ -f "$TMP/many/$LEGACY.epub" ] && [ ! -e "$TMP/many/998.epub" ]; echo $?) \
	"one book per good id in the directory"

# --- cookies ----------------------------------------------------------------------
cat >"$TMP/cookies.txt" <<EOF
# Netscape HTTP Cookie File
.bilibili.com	TRUE	/	FALSE	0	SESSDATA	secret-sessdata-value
#HttpOnly_.bilibili.com	TRUE	/	TRUE	0	bili_jct	csrf-value
.bilibili.com	TRUE	/	FALSE	0	buvid3	cookie-file-buvid
.hdslb.com	TRUE	/	FALSE	0	tracker	must-not-be-sent
EOF
mark
oa c-cookie -v --cookies "$TMP/cookies.txt" "$ID" -o "$TMP/cookie.epub" >"$TMP/out" 2>"$TMP/err"
expect_status $? 0 "with a cookies file"
! grep -q "secret-sessdata-value" "$TMP/out" "$TMP/err"
ok $? "SESSDATA never appears in the output, even with -v"
since | grep '/opus/detail' | grep -q 'SESSDATA=secret-sessdata-value' &&
	since | grep '/opus/detail' | grep -q 'buvid3=cookie-file-buvid'
ok $? "the cookies go to api.bilibili.com"
ok $([ "$(count 'finger/spi')" -eq 0 ]; echo $?) "a buvid3 from the cookies file is used as it is"
! since | grep -q 'must-not-be-sent'
ok $? "cookies for other domains are never sent"
printf 'not a cookie line\n' >"$TMP/bad-cookies.txt"
oa c-cookie --cookies "$TMP/bad-cookies.txt" "$ID" -o "$TMP/x.epub" 2>"$TMP/err"
expect_status $? 1 "a malformed cookies file"
grep -q "line 1 is not a Netscape cookie line" "$TMP/err"
ok $? "a malformed cookies file names the line"

# --- faults that are recovered ----------------------------------------------------
recover() {  # recover NAME RULES
	faults "$2"
	mark
	oa "c-$1" "$ID" -o "$TMP/$1.epub" 2>"$TMP/err"
	st=$?
	expect_status $st 0 "$1 recovered"
	[ -f "$TMP/$1.epub" ] && [ "$(pictures_in "$TMP/$1.epub")" -eq "$offline_n" ]
	ok $? "$1: the book has every picture"
}
recover http-503 '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"status","code":503,"times":2}]'
ok $([ "$(count '/opus/detail')" -eq 3 ]; echo $?) "http-503: asked three times"
recover risk-control '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"api_code","code":-352,"times":2}]'
recover http-412 '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"status","code":412,"times":1}]'
recover picture-429 '[{"path":"re:^/bfs/.*\\.png$","fault":"429","retry_after":1,"times":3}]'
recover picture-reset '[{"path":"re:^/bfs/.*\\.jpg$","fault":"reset","times":3}]'
recover picture-truncated '[{"path":"re:^/bfs/.*\\.jpg$","fault":"truncate","bytes":10,"times":3}]'
recover picture-500 '[{"path":"re:^/bfs/.*\\.gif$","fault":"status","code":500,"times":2}]'
recover slow-api '[{"host":"api.bilibili.com","fault":"slow","delay":0.5}]'
recover webp-instead-of-png '[{"path":"re:^/bfs/[^@]*\\.(png|jpg)$","fault":"webp","times":2}]'
ok $([ "$(since | grep -c '@\.\(png\|jpg\)')" -eq 2 ]; echo $?) "WebP bytes: asked again as PNG or JPEG through the @ suffix"

# --- faults that are not ------------------------------------------------------------
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"status","code":500}]'
mark
oa c-fail "$ID" --retries 2 -o "$TMP/fail.epub" 2>"$TMP/err"
expect_status $? 1 "HTTP 500 for ever"
grep -q "HTTP 500 (after 3 attempts)" "$TMP/err" && grep -q "opus/detail" "$TMP/err"
ok $? "retries exhausted: the message names the URL, the status and the attempts"
ok $([ "$(count '/opus/detail')" -eq 3 ] && [ ! -e "$TMP/fail.epub" ]; echo $?) "--retries 2 means three attempts, nothing written"
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"api_code","code":-412}]'
oa c-fail "$ID" --retries 1 -o "$TMP/fail.epub" 2>"$TMP/err"
expect_status $? 1 "risk control for ever"
grep -q "risk control" "$TMP/err" && grep -q -- "--cookies" "$TMP/err"
ok $? "risk control: the message says what the user can do"
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"api_code","code":-403}]'
oa c-fail "$ID" -o "$TMP/fail.epub" 2>"$TMP/err"
expect_status $? 1 "API -403"
grep -q "logged-in" "$TMP/err"
ok $? "API -403 asks for a logged-in cookie"
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"garbage_json"}]'
oa c-fail "$ID" -o "$TMP/fail.epub" 2>"$TMP/err"
expect_status $? 1 "a cut JSON answer"
faults '[{"path":"re:^/bfs/.*\\.gif$","fault":"status","code":404}]'
oa c-missing "$ID" -o "$TMP/missing.epub" 2>"$TMP/err"
expect_status $? 3 "a picture that is gone (404)"
grep -q "download failed: HTTP 404" "$TMP/err"
ok $? "the missing picture is named with its reason"
ok $([ -f "$TMP/missing.epub" ]; echo $?) "the book is still written"
epub_check "$TMP/missing.epub" "the book with placeholders passes EPUBCheck"
faults '[{"path":"re:^/bfs/.*\\.png$","fault":"oversize","size":3000000}]'
oa c-big "$ID" --max-image-size 1M -o "$TMP/big.epub" 2>"$TMP/err"
expect_status $? 3 "pictures over --max-image-size"
grep -q "larger than the limit" "$TMP/err"
ok $? "the size cap is reported"
left=$(find "$TMP/c-big" \( -name '*.part*' -o -name '.*.tmp-*' \) | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no partial file left after the cap"
faults '[{"path":"re:^/bfs/.*\\.jpg$","fault":"redirect","location":"file:///etc/passwd"}]'
oa c-redir "$ID" --retries 0 -o "$TMP/redir.epub" 2>"$TMP/err"
expect_status $? 3 "a redirect to file://"
! grep -q "root:" "$TMP/redir.epub" 2>/dev/null
ok $? "a redirect to file:// is not followed"

# --- --max-image-width ----------------------------------------------------------------
mark
oa c-width "$ID" --max-image-width 640 -o "$TMP/width.epub" 2>"$TMP/err"
expect_status $? 0 "--max-image-width 640"
all=$(count '"/bfs/')
w=$(count '"/bfs/[^"@]*@640w"')
ok $([ "$all" -gt 0 ] && [ "$all" -eq "$w" ]; echo $?) "--max-image-width asks for every picture with @640w ($w of $all)"
epub_check "$TMP/width.epub" "the book with scaled pictures passes EPUBCheck"
oa c-width "$ID" --max-image-width 640 --offline -o "$TMP/width2.epub" 2>"$TMP/err"
expect_status $? 0 "--max-image-width, second run offline: the scaled pictures are cached"

# --- progress on a terminal -------------------------------------------------------------
# script(1) gives the program a terminal; the progress line goes there, and
# not to a pipe (every other run in this file has stderr redirected to a file).
if command -v script >/dev/null 2>&1; then
	cmd="'$OPUS_ARCHIVE' --connect-to ::127.0.0.1:$PORT --cacert '$S/ca.pem' --cache-dir '$TMP/c-tty' --rate 1000 $ID -o '$TMP/tty.epub'"
	script -qec "$cmd" "$TMP/tty.out" >/dev/null 2>&1
	grep -q "pictures 24/24" "$TMP/tty.out"
	ok $? "on a terminal, progress shows pictures done/total"
	oa c-notty "$ID" -o "$TMP/notty.epub" 2>"$TMP/notty.err"
	grep -q "pictures [0-9]*/24" "$TMP/notty.err"
	ok $([ $? -ne 0 ]; echo $?) "no progress line when stderr is not a terminal"
	script -qec "$cmd -q" "$TMP/tty-q.out" >/dev/null 2>&1
	grep -q "pictures" "$TMP/tty-q.out"
	ok $([ $? -ne 0 ]; echo $?) "-q silences the progress on a terminal"
else
	skip "progress on a terminal" "script(1) is missing"
fi

# --- Ctrl-C --------------------------------------------------------------------------
faults '[{"path":"re:^/bfs/","fault":"hang","seconds":30}]'
mark
# exec, so that $! is the program itself and not a subshell running oa
(exec "$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
	--cache-dir "$TMP/c-int" --rate 1000 "$ID" -o "$TMP/int.epub" 2>"$TMP/err") &
OPID=$!
i=0
while [ "$(since | grep -c '/bfs/')" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT $OPID
wait $OPID
expect_status $? 130 "Ctrl-C"
left=$(find "$TMP/c-int" "$TMP" -maxdepth 4 \( -name '*.part*' -o -name '.*tmp*' \) | wc -l)
ok $([ "$left" -eq 0 ] && [ ! -e "$TMP/int.epub" ]; echo $?) "Ctrl-C leaves no temporary file and no book"

faults '[]'
finish
