#!/bin/sh
# --warc and --warc-dir against tests/bili-server.py: the WARC parses record
# by record (tests/check-warc.py), holds every picture of the book and every
# API call, records failed attempts, redirects and cut answers, and never the
# cookie values.  warcio's indexer reads it too, when warcio is installed.
. "$(dirname "$0")/lib.sh"

if ! have_python || ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 and openssl are needed for the test server"
	exit 0
fi

S=$TMP/server
D=$S/data
mkdir -p "$D/opus" "$D/b23"
ID=1047362918573064199
cp "$SAMPLES/opus-full.json" "$D/opus/$ID.json"
printf '//www.bilibili.com/opus/%s?share_source=copy' "$ID" >"$D/b23/AbCd12"

"$PYTHON3" "$top_srcdir/tests/bili-server.py" --state-dir "$S" --data-dir "$D" --parent $$ \
	--max-seconds 600 2>"$TMP/server.err" &
SPID=$!
trap 'kill $SPID 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -s "$S/port" ] && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$S/port" ]; then
	echo "Bail out! the test server did not start"
	cat "$TMP/server.err"
	exit 1
fi
PORT=$(cat "$S/port")

faults() {  # faults JSON: replace the server's fault rules
	printf '%s\n' "$1" >"$S/faults.tmp" && mv "$S/faults.tmp" "$S/faults.json"
}

oa() {  # oa CACHE ARGS...: run the program against the test server
	cache=$1
	shift
	"$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
		--cache-dir "$TMP/$cache" --retry-delay 0.05 --rate 1000 "$@"
}

expect_status() {  # expect_status GOT WANT DESCRIPTION
	ok $([ "$1" -eq "$2" ]; echo $?) "$3: exit status $1 (want $2)"
	[ "$1" -eq "$2" ] || diag "$TMP/err"
}

check() {  # check WARC INDEX: tests/check-warc.py, its problems shown on failure
	"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$1" --index "$2" >"$TMP/check.out" 2>&1
	st=$?
	[ $st -eq 0 ] || diag "$TMP/check.out"
	return $st
}

# q INDEX EXPR: evaluate a Python expression over the records (r, a list of dicts)
q() {
	"$PYTHON3" -c 'import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
v = eval(sys.argv[2])
print(v)
sys.exit(0 if v else 1)' "$1" "$2" >"$TMP/q.out" 2>&1
}

unwarc() {  # unwarc WARC: all records, decompressed, to stdout
	"$PYTHON3" -c 'import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' "$1"
}

cat >"$TMP/cookies.txt" <<EOF
# Netscape HTTP Cookie File
.bilibili.com	TRUE	/	FALSE	0	SESSDATA	secret-sessdata-value
#HttpOnly_.bilibili.com	TRUE	/	TRUE	0	bili_jct	csrf-secret-value
EOF

# --- one run with faults: a 503 then success, a reset, a cut picture -------------
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"status","code":503,"times":1},
 {"path":"re:^/bfs/new_dyn/.*\\.jpg$","fault":"reset","times":1},
 {"path":"re:^/bfs/emote/.*\\.png$","fault":"truncate","bytes":10,"times":1}]'
W=$TMP/run.warc.gz
oa c1 --cookies "$TMP/cookies.txt" "$ID" -o "$TMP/book.epub" --warc "$W" 2>"$TMP/err"
expect_status $? 0 "a run with --warc and recovered faults"
ok $([ -s "$W" ]; echo $?) "the WARC is written"
check "$W" "$TMP/idx"
ok $? "check-warc.py: one record per gzip member, lengths, digests, pairing, unique ids"
q "$TMP/idx" 'r[0]["type"] == "warcinfo" and sum(x["type"] == "warcinfo" for x in r) == 1'
ok $? "one warcinfo record, the first"
q "$TMP/idx" '"software: opus-archive/" in r[0]["fields"] and "--cookies " in r[0]["fields"] and "cookies.txt" in r[0]["fields"] and "--warc" in r[0]["fields"]'
ok $? "warcinfo names the program and the options (the cookies file by name)"
unwarc "$W" >"$TMP/all.warc"
! grep -a -q -e "secret-sessdata-value" -e "csrf-secret-value" "$TMP/all.warc"
ok $? "no cookie value anywhere in the WARC"
grep -a -q "^Cookie: .*SESSDATA=(masked-by-opus-archive)" "$TMP/all.warc"
ok $? "the Cookie header keeps the names, values masked"
q "$TMP/idx" '[x for x in r if x["type"] == "response" and "/finger/spi" in x["uri"] and x["status"] == 200]'
ok $? "the buvid3 bootstrap call is recorded"
q "$TMP/idx" '[x["status"] for x in r if x["type"] == "response" and "/opus/detail" in x["uri"]] == [503, 200]'
ok $? "opus detail: the 503 attempt and then the 200, in order"
q "$TMP/idx" '[x for x in r if x["type"] == "response" and x["status"] == 503 and x["error"] == "HTTP 503" and x["concurrent"]]'
ok $? "the failed attempt's response carries its status and is paired with its request"
q "$TMP/idx" '[x for x in r if x["type"] == "request" and "/bfs/new_dyn/" in x["uri"] and not x["concurrent"] and "reset" in (x["error"] or "")]'
ok $? "an attempt with no answer (connection reset): a request record alone, with the error"
q "$TMP/idx" '[x for x in r if x["type"] == "response" and "/bfs/emote/" in x["uri"] and x["truncated"] == "disconnect" and x.get("payload_len") == 10]'
ok $? "a cut answer: the 10 bytes that came, marked WARC-Truncated: disconnect"
q "$TMP/idx" 'all(x["ip"] == "127.0.0.1" for x in r[1:])'
ok $? "every record has WARC-IP-Address"

# every picture of the book, byte for byte, in a 200 response
"$PYTHON3" - "$TMP/book.epub" "$TMP/idx" "$TMP/c1" >"$TMP/pics.out" 2>&1 <<'EOF'
import hashlib, json, os, sys, zipfile
book, idx, cache = sys.argv[1:]
have = {x["payload_sha256"] for x in map(json.loads, open(idx))
        if x["type"] == "response" and x["status"] == 200 and "payload_sha256" in x}
z = zipfile.ZipFile(book)
pics = [n for n in z.namelist() if n.startswith("OEBPS/images/")]
missing = [n for n in pics if hashlib.sha256(z.read(n)).hexdigest() not in have]
cached = []
for d, _, files in os.walk(os.path.join(cache, "pictures")):
    cached += [os.path.join(d, f) for f in files]
missing += [p for p in cached if hashlib.sha256(open(p, "rb").read()).hexdigest() not in have]
print(len(pics), len(cached), missing)
sys.exit(0 if pics and cached and not missing else 1)
EOF
ok $? "every picture in the book and in the cache is the payload of a 200 response ($(cat "$TMP/pics.out"))"
[ -f "$TMP/book.epub" ] && ! ls -a "$TMP" | grep -q '\.tmp-'
ok $? "no temporary file left beside the WARC"

if command -v warcio >/dev/null 2>&1; then
	warcio index "$W" >"$TMP/warcio.out" 2>&1 &&
		[ "$(grep -c '"warc-type":"response"' "$TMP/warcio.out")" -eq \
			"$(grep -c '"type": "response"' "$TMP/idx")" ]
	ok $? "warcio index reads every record"
	warcio cdx-index "$W" >"$TMP/cdx.out" 2>&1 && grep -q '"status":"503"' "$TMP/cdx.out"
	ok $? "warcio cdx-index reads it, the 503 included"
else
	skip "warcio index reads every record" "warcio (npm) is not installed"
	skip "warcio cdx-index" "warcio (npm) is not installed"
fi

# --- a second run: pictures come from the cache and are not in its WARC -------------
faults '[]'
oa c1 --refresh "$ID" -o "$TMP/book2.epub" --warc "$TMP/second.warc.gz" 2>"$TMP/err"
expect_status $? 0 "a second run with --refresh"
check "$TMP/second.warc.gz" "$TMP/idx2" &&
	q "$TMP/idx2" '[x["uri"] for x in r if x["type"] == "request"] and all("/opus/detail" in x["uri"] for x in r if x["type"] == "request")'
ok $? "the second WARC holds the API call only: cached pictures are not fetched"

# --- --warc-dir: one WARC per article; a short link's redirect goes to run.warc.gz ------
oa c2 "https://b23.tv/AbCd12" -o "$TMP/short.epub" --warc-dir "$TMP/warcs" 2>"$TMP/err"
expect_status $? 0 "a short link with --warc-dir"
ok $([ -f "$TMP/warcs/$ID.warc.gz" ] && [ -f "$TMP/warcs/run.warc.gz" ] &&
	[ "$(ls "$TMP/warcs" | wc -l)" -eq 2 ]; echo $?) \
	"--warc-dir: the article's WARC named after it, and run.warc.gz"
check "$TMP/warcs/run.warc.gz" "$TMP/idx3" &&
	q "$TMP/idx3" '[x for x in r if x["type"] == "response" and x["uri"] == "https://b23.tv/AbCd12" and x["status"] == 302]' &&
	q "$TMP/idx3" '[x for x in r if x["type"] == "request" and x["uri"].startswith("https://www.bilibili.com/opus/")]'
ok $? "the short link's 302 and the request it led to are both recorded in run.warc.gz"
check "$TMP/warcs/$ID.warc.gz" "$TMP/idx3b" &&
	q "$TMP/idx3b" '[x for x in r if x["type"] == "response" and "/opus/detail" in x["uri"]] and [x for x in r if x["type"] == "response" and "/bfs/" in x["uri"]]'
ok $? "the article's WARC holds its API call and its pictures"

# a batch of two: each article's API call (fetched together) and pictures in its own WARC
LEGACY=862917305341329408
cp "$SAMPLES/opus-legacy.json" "$D/opus/$LEGACY.json"
oa c5 "$ID" "$LEGACY" -o "$TMP/books" --warc-dir "$TMP/bw" 2>"$TMP/err"
expect_status $? 0 "two articles with --warc-dir"
"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/bw/$ID.warc.gz" --index "$TMP/i1" >/dev/null 2>&1 &&
	"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/bw/$LEGACY.warc.gz" --index "$TMP/i2" >/dev/null 2>&1 &&
	q "$TMP/i1" '[x["uri"] for x in r if x["type"] == "response" and "/opus/detail" in x["uri"]] and all("id='"$ID"'" in x["uri"] for x in r if "/opus/detail" in (x["uri"] or ""))' &&
	q "$TMP/i2" '[x["uri"] for x in r if x["type"] == "response" and "/opus/detail" in x["uri"]] and all("id='"$LEGACY"'" in x["uri"] for x in r if "/opus/detail" in (x["uri"] or ""))'
ok $? "a batch: each article's API call in its own WARC"
"$PYTHON3" - "$TMP/books" "$TMP/i1" "$TMP/i2" "$ID" "$LEGACY" >"$TMP/pics2.out" 2>&1 <<'EOF2'
import hashlib, json, os, sys, zipfile
books, i1, i2, id1, id2 = sys.argv[1:]
bad, seen = [], 0
for idx, ident in ((i1, id1), (i2, id2)):
    have = {x["payload_sha256"] for x in map(json.loads, open(idx))
            if x["type"] == "response" and x["status"] == 200 and "payload_sha256" in x}
    z = zipfile.ZipFile(os.path.join(books, ident + ".epub"))
    pics = [n for n in z.namelist() if n.startswith("OEBPS/images/")]
    seen += len(pics)
    bad += [(ident, n) for n in pics if hashlib.sha256(z.read(n)).hexdigest() not in have]
print(seen, bad)
sys.exit(1 if bad or not seen else 0)
EOF2
ok $? "a batch: every picture of each book is in that article's WARC ($(cat "$TMP/pics2.out"))"

# --- --warc-dir and 专栏 articles: every exchange of an article in its own WARC ----------
# A cvN article's article/view went to run.warc.gz, and an opus id that falls back to
# a 专栏 was spread over three files (ID, run, cvN).  One run each, then one batch.
mkdir -p "$D/article"
cp "$SAMPLES/article-html.json" "$D/article/90001.json"
cp "$SAMPLES/article-delta.json" "$D/article/90002.json"
FALLBACK=1056353752004420001
printf '{"code":0,"message":"0","ttl":1,"data":{"fallback":{"id":"90002","type":2}}}' \
	>"$D/opus/$FALLBACK.json"
# wd DIR NAME: the URIs of DIR/NAME.warc.gz's requests, one a line (empty when absent)
wd() {
	[ -f "$1/$2.warc.gz" ] || return 0
	"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$1/$2.warc.gz" --index "$TMP/wd.idx" >/dev/null 2>&1 &&
		"$PYTHON3" -c 'import json,sys; [print(x["uri"]) for x in map(json.loads, open(sys.argv[1])) if x["type"] == "request"]' "$TMP/wd.idx"
}
oa c6 cv90001 -o "$TMP/cvw.epub" --warc-dir "$TMP/wcv" 2>"$TMP/err"
expect_status $? 0 "a cv number with --warc-dir"
ok $(wd "$TMP/wcv" cv90001 | grep -q '/x/article/view' && wd "$TMP/wcv" cv90001 | grep -q '/bfs/' &&
	! wd "$TMP/wcv" run | grep -q '/x/article/view'; echo $?) \
	"--warc-dir: a cv article's article/view and pictures are in cv90001.warc.gz, not run.warc.gz"
oa c7 "$FALLBACK" -o "$TMP/fbw.epub" --warc-dir "$TMP/wfb" 2>"$TMP/err"
expect_status $? 0 "an opus id that falls back to a 专栏, with --warc-dir"
ok $(wd "$TMP/wfb" "$FALLBACK" | grep -q '/opus/detail' && wd "$TMP/wfb" "$FALLBACK" | grep -q '/x/article/view' &&
	[ ! -e "$TMP/wfb/cv90002.warc.gz" ] && ! wd "$TMP/wfb" run | grep -q '/x/article/view\|/opus/detail'; echo $?) \
	"--warc-dir: the fallback's opus/detail and article/view are both in $FALLBACK.warc.gz ($(ls "$TMP/wfb" | tr '\n' ' '))"
oa c8 cv90001 "$FALLBACK" "$ID" -o "$TMP/bwcv" --warc-dir "$TMP/wb" 2>"$TMP/err"
expect_status $? 0 "a batch of a cv, a fallback and an opus, with --warc-dir"
ok $(wd "$TMP/wb" cv90001 | grep -q '/x/article/view' &&
	wd "$TMP/wb" "$FALLBACK" | grep -q '/opus/detail' && wd "$TMP/wb" "$FALLBACK" | grep -q '/x/article/view' &&
	wd "$TMP/wb" "$ID" | grep -q '/opus/detail' && wd "$TMP/wb" "$ID" | grep -q '/bfs/' &&
	[ ! -e "$TMP/wb/cv90002.warc.gz" ] && ! wd "$TMP/wb" run | grep -q '/x/article/view\|/opus/detail\|/bfs/'; echo $?) \
	"--warc-dir in a batch: every article's exchanges (prefetched ones too) in its own WARC ($(ls "$TMP/wb" | tr '\n' ' '))"

# --- a run that fails still leaves its evidence ---------------------------------------
faults '[{"host":"api.bilibili.com","path":"/opus/detail","fault":"status","code":500}]'
oa c3 "$ID" --retries 1 -o "$TMP/fail.epub" --warc "$TMP/fail.warc.gz" 2>"$TMP/err"
expect_status $? 1 "HTTP 500 for ever"
check "$TMP/fail.warc.gz" "$TMP/idx4" &&
	q "$TMP/idx4" '[x["status"] for x in r if x["type"] == "response" and "/opus/detail" in x["uri"]] == [500, 500]'
ok $? "the failed run's WARC holds both 500 answers"
ok $([ ! -e "$TMP/fail.epub" ]; echo $?) "and no book"

# --- Ctrl-C: no WARC, no temporary file ------------------------------------------------
faults '[{"path":"re:^/bfs/","fault":"hang","seconds":30}]'
MARK=$(wc -l <"$S/requests.log")
(exec "$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
	--cache-dir "$TMP/c-int" --rate 1000 "$ID" -o "$TMP/int.epub" --warc "$TMP/int.warc.gz" 2>"$TMP/err") &
OPID=$!
i=0
while [ "$(tail -n +"$((MARK + 1))" "$S/requests.log" | grep -c '/bfs/')" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT $OPID
wait $OPID
expect_status $? 130 "Ctrl-C during a run with --warc"
ok $([ ! -e "$TMP/int.warc.gz" ] && [ -z "$(ls -A "$TMP" | grep '\.tmp-')" ]; echo $?) \
	"Ctrl-C leaves no WARC and no temporary file"
faults '[]'

# --- usage ------------------------------------------------------------------------------
oa c1 --offline "$ID" -o "$TMP/x.epub" --warc "$TMP/x.warc.gz" 2>"$TMP/err"
expect_status $? 2 "--warc with --offline"
oa c1 "$ID" -o "$TMP/x.epub" --warc "$TMP/x.warc.gz" --warc-dir "$TMP/w" 2>"$TMP/err"
expect_status $? 2 "--warc with --warc-dir"
oa c1 "$ID" -o "$TMP/x.epub" --warc "$TMP/no/such/dir/x.warc.gz" 2>"$TMP/err"
expect_status $? 1 "--warc in a missing directory"
# the WARC of a batch cannot be put in place (a directory holds its name): the books
# are written, and the exit status says the run is incomplete
mkdir -p "$TMP/wdir.warc.gz/x"
oa c5 "$ID" "$LEGACY" -o "$TMP/books-w" --warc "$TMP/wdir.warc.gz" 2>"$TMP/err"
expect_status $? 3 "a batch whose WARC cannot be written"
ok $([ -f "$TMP/books-w/$ID.epub" ] && grep -q 'wdir.warc.gz' "$TMP/err"; echo $?) \
	"its books are there and the error names the WARC"

# --- the checker itself catches a broken WARC ------------------------------------------
"$PYTHON3" - "$W" "$TMP/bad1.warc.gz" "$TMP/bad2.warc.gz" <<'EOF'
import gzip, sys, zlib
data = open(sys.argv[1], "rb").read()
records = []
pos = 0
while pos < len(data):
    d = zlib.decompressobj(31)
    records.append(d.decompress(data[pos:]))
    pos = len(data) - len(d.unused_data)
# bad1: one byte of a picture changed (the digests no longer match)
i = next(n for n, r in enumerate(records) if b"image/" in r and b"WARC-Type: response" in r)
good = records[i]
r = bytearray(good); r[-10] ^= 1; records[i] = bytes(r)
open(sys.argv[2], "wb").write(b"".join(gzip.compress(r) for r in records))
records[i] = good
# bad2: two records in one gzip member
open(sys.argv[3], "wb").write(gzip.compress(records[0] + records[1]) +
                              b"".join(gzip.compress(r) for r in records[2:]))
EOF
! "$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/bad1.warc.gz" >"$TMP/bad.out" 2>&1 &&
	grep -q "Digest does not match" "$TMP/bad.out"
ok $? "check-warc.py rejects a changed byte"
! "$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/bad2.warc.gz" >"$TMP/bad.out" 2>&1 &&
	grep -q "two records in one member" "$TMP/bad.out"
ok $? "check-warc.py rejects two records in one gzip member"

faults '[]'
finish
