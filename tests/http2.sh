#!/bin/sh
# HTTP/2, which the real API and CDN speak: nghttpx (nghttp2's proxy) answers
# in HTTP/2 over TLS in front of tests/bili-server.py, and the program runs
# against it.  The book is whole, a fault (503 then a good answer) is retried
# over HTTP/2, and the WARC of the run, whose records then hold HTTP/2
# exchanges ("HTTP/2 200", lower-case header names), parses and verifies
# record by record (tests/check-warc.py) and in warcio when installed.
# Skipped without nghttpx (Debian's nghttp2-proxy, which .ci/run installs).
. "$(dirname "$0")/lib.sh"

if ! have_python || ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 and openssl are needed for the test server"
	exit 0
fi
NGHTTPX=$(command -v nghttpx || { [ -x /usr/sbin/nghttpx ] && echo /usr/sbin/nghttpx; })
if [ -z "$NGHTTPX" ]; then
	echo "1..0 # SKIP nghttpx is not installed (Debian: nghttp2-proxy)"
	exit 0
fi
. "$top_srcdir/tests/server.sh"

ID=1047362918573064199
mkdir -p "$TMP/data/opus"
cp "$SAMPLES/opus-full.json" "$TMP/data/opus/$ID.json"
server_start "$TMP/data"

# nghttpx on a free port, HTTP/2 (and HTTP/1.1) with TLS in front, TLS to the server behind.
# nghttpx cannot bind port 0 and say which it got: a free port is picked and
# handed to it, and another is tried when a test running beside this one took
# it in between.
h2_start() {  # h2_start: 0 once nghttpx accepts connections, 1 if it exited
	H2PORT=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$NGHTTPX" --conf=/dev/null -f"127.0.0.1,$H2PORT" -b"127.0.0.1,$PORT;;tls" --insecure --no-ocsp \
		--workers=1 --errorlog-file="$TMP/nghttpx.err" --accesslog-file="$TMP/nghttpx.access" \
		"$S/server.key" "$S/server.pem" >/dev/null 2>&1 &
	NPID=$!
	i=0
	until "$PYTHON3" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
		"$H2PORT" 2>/dev/null; do
		i=$((i + 1))
		kill -0 $NPID 2>/dev/null || return 1
		if [ $i -ge 100 ]; then
			kill $NPID 2>/dev/null
			return 1
		fi
		sleep 0.1
	done
}
trap 'kill $SPID ${NPID:-} 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
tries=0
until h2_start; do
	tries=$((tries + 1))
	if [ $tries -ge 5 ]; then
		echo "Bail out! nghttpx did not start"
		cat "$TMP/nghttpx.err"
		exit 1
	fi
done
PORT=$H2PORT  # oa() now goes through nghttpx

# the server sees how the client spoke to the proxy: "via: 2 nghttpx" for HTTP/2
faults '[{"path":"re:^/bfs/new_dyn/.*\\.jpg$","fault":"status","code":503,"times":1}]'
mark
oa c1 "$ID" -o "$TMP/book.epub" --warc "$TMP/run.warc.gz" 2>"$TMP/err"
expect_status $? 0 "a run over HTTP/2 with one picture answering 503 once"
faults '[]'
n=$(since | wc -l)
n2=$(since | grep -c '"via": *"2 nghttpx"')
ok $([ "$n" -gt 5 ] && [ "$n2" -eq "$n" ]; echo $?) "every request came over HTTP/2 ($n2 of $n)"
ok $([ "$(since | grep -c '"fault": *"status"')" -eq 1 ]; echo $?) "the 503 fault was served once"
pics=$(since | grep -vc '"host": *"api.bilibili.com"')
inbook=$(unzip -Z1 "$TMP/book.epub" | grep -c '^OEBPS/images/')
ok $([ "$inbook" -gt 0 ] && [ "$pics" -eq $((inbook + 1)) ]; echo $?) \
	"every picture is in the book ($inbook), the failed one asked twice ($pics picture requests)"
epub_check "$TMP/book.epub" "the book passes EPUBCheck with no error or warning"

"$PYTHON3" "$top_srcdir/tests/check-warc.py" "$TMP/run.warc.gz" --index "$TMP/idx" >"$TMP/check.out" 2>&1
ok $? "the WARC of an HTTP/2 run parses and its digests verify"
diag "$TMP/check.out"
ok $([ "$(zcat "$TMP/run.warc.gz" | grep -ac '^HTTP/2 200')" -eq $((n - 1)) ] &&
	[ "$(zcat "$TMP/run.warc.gz" | grep -ac '^HTTP/2 503')" -eq 1 ]; echo $?) \
	"its response records are HTTP/2 exchanges, the 503 among them ($n answers in all)"
zcat "$TMP/run.warc.gz" | grep -aq 'buvid3=[0-9A-F]'
ok $([ $? -ne 0 ]; echo $?) "no cookie value in it"
if command -v warcio >/dev/null 2>&1; then
	warcio index "$TMP/run.warc.gz" >"$TMP/warcio.out" 2>&1
	ok $([ $? -eq 0 ] && [ "$(grep -c '"warc-type":"response"' "$TMP/warcio.out")" -eq "$n" ]; echo $?) \
		"warcio indexes it, every response"
else
	skip "warcio indexes it" "warcio is not installed"
fi
finish
