#!/bin/sh
# Hostile answers from the network (tests/bili-server.py): a picture that is
# not an image, a 0-byte picture, an API answer and a picture that never end.
# Each is a clear message and its documented exit status; nothing half-made
# is left behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
serve_samples
expect() { expect_status "$@"; }
temps() { find "$TMP" -path "$S" -prune -o \( -name '.*tmp*' -o -name '*.part*' \) -print | wc -l; }

faults '[{"path":"re:^/bfs/.*\\.png","fault":"notimage"}]'
oa c-html "$ID" -o "$TMP/html.epub" 2>"$TMP/err"
expect $? 3 "pictures that are HTML pages"
grep -q "the bytes are not a picture" "$TMP/err"
ok $? "the message says the bytes are no picture"
diag "$TMP/err"
ok $([ -f "$TMP/html.epub" ] && "$PYTHON3" "$top_srcdir/tests/check-zip.py" "$TMP/html.epub"; echo $?) \
	"the book is written with placeholders"
! unzip -p "$TMP/html.epub" 'OEBPS/images/*' 2>/dev/null | grep -q '<html>'
ok $? "no HTML page is put in the book as a picture"

faults '[{"path":"re:^/bfs/.*\\.jpg","fault":"empty"}]'
oa c-empty "$ID" -o "$TMP/empty.epub" 2>"$TMP/err"
expect $? 3 "0-byte pictures"
grep -qF "the picture is empty (0 bytes)" "$TMP/err"
ok $? "the message says the picture is empty"
diag "$TMP/err"
ok $([ -f "$TMP/empty.epub" ] && "$PYTHON3" "$top_srcdir/tests/check-zip.py" "$TMP/empty.epub"; echo $?) \
	"the book is written with placeholders"

faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"hang","seconds":60}]'
t0=$(date +%s)
oa c-hang --timeout 2 --retries 1 "$ID" -o "$TMP/hang.epub" 2>"$TMP/err"
st=$?
t1=$(date +%s)
expect $st 1 "an API answer that never comes"
ok $([ $((t1 - t0)) -lt 30 ]; echo $?) "it gives up after the timeout and its retry ($((t1 - t0)) s)"
grep -q "opus/detail" "$TMP/err" && grep -qi "timeout\|timed out" "$TMP/err"
ok $? "the message names the request and the timeout"
diag "$TMP/err"
ok $([ ! -e "$TMP/hang.epub" ]; echo $?) "nothing is written"

faults '[{"path":"re:^/bfs/","fault":"hang","seconds":60}]'
t0=$(date +%s)
oa c-hang2 --timeout 2 --retries 0 "$ID" -o "$TMP/hang2.epub" 2>"$TMP/err"
st=$?
t1=$(date +%s)
expect $st 3 "pictures that never come"
ok $([ $((t1 - t0)) -lt 40 ]; echo $?) "it gives up on them after the timeout ($((t1 - t0)) s)"
ok $([ -f "$TMP/hang2.epub" ] && [ "$(temps)" -eq 0 ]; echo $?) "the book is written, no partial file left"
faults '[]'
finish
