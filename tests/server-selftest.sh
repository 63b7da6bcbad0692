#!/bin/sh
# TAP self-test of tests/bili-server.py, the local HTTPS stand-in for
# api.bilibili.com and the image CDN.  Uses curl as the client; never
# touches the network beyond 127.0.0.1.
LC_ALL=C
export LC_ALL
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY CURL_HOME
here=$(cd "$(dirname "$0")" && pwd)
SERVER=$here/bili-server.py
PLAN=71

PYTHON3=${PYTHON3:-/usr/bin/python3}
[ -x "$PYTHON3" ] || PYTHON3=$(command -v python3 2>/dev/null)
if [ -z "$PYTHON3" ] || ! "$PYTHON3" -c 'import ssl, http.server' 2>/dev/null; then
	echo "1..0 # SKIP python3 with ssl not found"; exit 0
fi
for tool in openssl curl od; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not found"; exit 0
	fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bili-selftest.XXXXXX") || exit 1
SPID=
SPID2=
BGPID=
cleanup() {
	for p in $BGPID $SPID2 $SPID; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

STATE=$TMP/state
DATA=$TMP/data
OUT=$TMP/out
mkdir -p "$STATE" "$DATA/opus" "$DATA/article" "$DATA/feed/42" \
	"$DATA/cv-redirect" "$DATA/b23" "$DATA/images/bfs/own" "$OUT"

# --- a small hand-made data set ---------------------------------------------
cat >"$DATA/opus/1001.json" <<'EOF'
{"code":0,"message":"0","ttl":1,"data":{"item":{"basic":{"comment_id_str":"1001","comment_type":11,"rid_str":"1001","title":"selftest - 哔哩哔哩","uid":42},"id_str":"1001","modules":[{"module_type":"MODULE_TYPE_TITLE","module_title":{"text":"自测"}},{"module_type":"MODULE_TYPE_CONTENT","module_content":{"paragraphs":[{"para_type":1,"text":{"nodes":[{"type":"TEXT_NODE_TYPE_WORD","word":{"words":"hello","font_size":17}}]}}]}}],"type":1}}}
EOF
cat >"$DATA/article/7.json" <<'EOF'
{"code":0,"message":"0","ttl":1,"data":{"id":7,"title":"cv7","type":0,"content":"<p>hi</p>"}}
EOF
cat >"$DATA/feed/42/first.json" <<'EOF'
{"code":0,"message":"0","ttl":1,"data":{"has_more":true,"items":[{"content":"a","jump_url":"//www.bilibili.com/opus/1001","opus_id":"1001"}],"offset":"1001","update_num":0}}
EOF
cat >"$DATA/feed/42/1001.json" <<'EOF'
{"code":0,"message":"0","ttl":1,"data":{"has_more":false,"items":[{"content":"b","jump_url":"//www.bilibili.com/opus/1000","opus_id":"1000"}],"offset":"1000","update_num":0}}
EOF
echo 1001 >"$DATA/cv-redirect/7"
echo //www.bilibili.com/opus/1001 >"$DATA/b23/AbC12"
printf 'not really a picture\n' >"$DATA/images/bfs/own/file.png"

# --- TAP helpers ------------------------------------------------------------
n=0
failed=0
echo "1..$PLAN"
t() {  # t DESCRIPTION COMMAND...
	desc=$1; shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}
eq() {  # eq GOT WANT
	[ "$1" = "$2" ] && return 0
	echo "#   got:  '$1'"; echo "#   want: '$2'"; return 1
}
oneof() {  # oneof GOT WANT...
	got=$1; shift
	for w in "$@"; do [ "$got" = "$w" ] && return 0; done
	echo "#   got: '$got', want one of: $*"; return 1
}
ge() {  # ge X Y: float X >= Y
	awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 >= y + 0) }' && return 0
	echo "#   $1 < $2"; return 1
}
magic() {  # magic FILE [COUNT [SKIP]]: leading bytes as hex
	od -An -tx1 -N"${2:-8}" -j"${3:-0}" "$1" | tr -d ' \n'
}
jget() {  # jget FILE EXPR: evaluate EXPR on the parsed JSON "d"
	"$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1],encoding="utf-8")); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}
C() { curl -sS --connect-to "::127.0.0.1:$PORT" --cacert "$STATE/ca.pem" "$@"; }
faults() {  # faults JSON: install rules atomically
	printf '%s\n' "$1" >"$STATE/faults.json.tmp" && mv -f "$STATE/faults.json.tmp" "$STATE/faults.json"
}
nofaults() { rm -f "$STATE/faults.json"; }
API=https://api.bilibili.com
DETAIL=$API/x/polymer/web-dynamic/v1/opus/detail
IMG=https://i0.hdslb.com/bfs/new_dyn

wait_port() {  # wait_port STATEDIR: up to 10 s
	i=0
	while [ ! -s "$1/port" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -s "$1/port" ]
}

# --- start -----------------------------------------------------------------
"$PYTHON3" "$SERVER" --state-dir "$STATE" --data-dir "$DATA" --port 0 \
	--max-seconds 120 --parent $$ 2>"$TMP/server.err" &
SPID=$!
if ! wait_port "$STATE"; then
	echo "not ok 1 - server writes its port file"
	sed 's/^/# /' "$TMP/server.err"
	echo "Bail out! server did not start"
	exit 1
fi
PORT=$(cat "$STATE/port")
t "server writes its port file" eq "$(echo "$PORT" | tr -cd 0-9)" "$PORT"
t "pid file names the server" eq "$(cat "$STATE/pid")" "$SPID"
t "server certificate verifies against ca.pem" \
	eval 'openssl verify -CAfile "$STATE/ca.pem" "$STATE/server.pem" >/dev/null'
openssl x509 -in "$STATE/server.pem" -noout -text >"$OUT/cert.txt" 2>&1
san_ok() {
	for s in DNS:api.bilibili.com DNS:www.bilibili.com DNS:b23.tv 'DNS:\*.hdslb.com' \
		DNS:i0.hdslb.com 'DNS:\*.biliimg.com' DNS:album.biliimg.com \
		DNS:localhost 'IP Address:127.0.0.1'; do
		grep -q "$s" "$OUT/cert.txt" || { echo "# missing $s"; return 1; }
	done
}
t "subjectAltName covers the Bilibili hosts" san_ok

# --- API -------------------------------------------------------------------
code=$(C -o "$OUT/d1" -w '%{http_code}' -b 'buvid3=selftest' "$DETAIL?id=1001&features=htmlNewStyle")
t "opus detail: HTTP 200" eq "$code" 200
t "opus detail: body is DATA/opus/1001.json" cmp -s "$OUT/d1" "$DATA/opus/1001.json"
ct=$(C -o /dev/null -w '%{content_type}' -b 'buvid3=selftest' "$DETAIL?id=1001")
t "opus detail: JSON content type" eq "$ct" "application/json; charset=utf-8"
code=$(C -o "$OUT/d2" -w '%{http_code}' "$DETAIL?id=1001")
t "opus detail without buvid3: -352 with HTTP 200" eq "$code $(jget "$OUT/d2" 'd["code"]')" "200 -352"
C -o "$OUT/d3" -b 'SESSDATA=x; buvid3=' "$DETAIL?id=1001"
t "opus detail with empty buvid3: -352" eq "$(jget "$OUT/d3" 'd["code"]')" -352
code=$(C -o "$OUT/d4" -w '%{http_code}' -b 'a=b; buvid3=x' "$DETAIL?id=999")
t "unknown opus: -404 envelope with HTTP 200" \
	eq "$code $(jget "$OUT/d4" '(d["code"], d["message"], d["data"])')" "200 (-404, '啥都木有', None)"
C -o "$OUT/spi" "$API/x/frontend/finger/spi"
t "finger/spi: b_3 ends in infoc, b_4 present" \
	eq "$(jget "$OUT/spi" 'd["code"]==0 and d["data"]["b_3"].endswith("infoc") and len(d["data"]["b_4"])>10')" True
C -o "$OUT/a7" "$API/x/article/view?id=7"
t "article/view serves DATA/article/7.json" cmp -s "$OUT/a7" "$DATA/article/7.json"
C -o "$OUT/a8" "$API/x/article/view?id=8"
t "article/view unknown: -404" eq "$(jget "$OUT/a8" 'd["code"]')" -404
C -o "$OUT/f1" "$API/x/polymer/web-dynamic/v1/opus/feed/space?host_mid=42&offset="
C -o "$OUT/f2" "$API/x/polymer/web-dynamic/v1/opus/feed/space?host_mid=42&offset=1001"
C -o "$OUT/f3" "$API/x/polymer/web-dynamic/v1/opus/feed/space?host_mid=43"
t "feed/space: first page and offset page" \
	eq "$(cmp -s "$OUT/f1" "$DATA/feed/42/first.json" && cmp -s "$OUT/f2" "$DATA/feed/42/1001.json" && echo same)" same
t "feed/space: unknown user gives an empty page" \
	eq "$(jget "$OUT/f3" '(d["code"], d["data"]["has_more"], d["data"]["items"])')" "(0, False, [])"
t "unknown API path: 404" eq "$(C -o /dev/null -w '%{http_code}' "$API/x/nothing")" 404
t "no picture from the API host" eq "$(C -o /dev/null -w '%{http_code}' "$API/bfs/new_dyn/a.png")" 404
t "unknown host (localhost): 404" eq "$(C -o /dev/null -w '%{http_code}' "https://localhost/bfs/a.png")" 404

# --- redirects ---------------------------------------------------------------
C -o /dev/null -D "$OUT/h-cv" https://www.bilibili.com/read/cv7
t "read/cv7: 302" eq "$(head -n1 "$OUT/h-cv" | cut -d' ' -f2)" 302
t "read/cv7: protocol-relative Location" \
	eq "$(grep -i '^location:' "$OUT/h-cv" | tr -d '\r')" "Location: //www.bilibili.com/opus/1001"
t "read/cv8 without data: 404" eq "$(C -o /dev/null -w '%{http_code}' https://www.bilibili.com/read/cv8)" 404
t "b23.tv short link: 302 to the file's URL" \
	eq "$(C -o /dev/null -w '%{http_code} %{redirect_url}' https://b23.tv/AbC12)" "302 https://www.bilibili.com/opus/1001"

# --- pictures ----------------------------------------------------------------
C -o "$OUT/p.png" -w '%{content_type}' "$IMG/abc.png" >"$OUT/ct"
t "generated PNG: magic and content type" eq "$(magic "$OUT/p.png") $(cat "$OUT/ct")" "89504e470d0a1a0a image/png"
C -o "$OUT/p.jpg" -w '%{content_type}' "https://i1.hdslb.com/bfs/article/abc.jpg" >"$OUT/ct"
t "generated JPEG: magic and content type" eq "$(magic "$OUT/p.jpg" 3) $(cat "$OUT/ct")" "ffd8ff image/jpeg"
t "generated JPEG ends with EOI" eq "$(tail -c 2 "$OUT/p.jpg" | od -An -tx1 | tr -d ' \n')" ffd9
C -o "$OUT/p.gif" -w '%{content_type}' "https://album.biliimg.com/bfs/new_dyn/abc.gif" >"$OUT/ct"
t "generated GIF: magic and content type" eq "$(magic "$OUT/p.gif" 6) $(cat "$OUT/ct")" "474946383961 image/gif"
C -o "$OUT/p.webp" "$IMG/abc.webp"
t "generated WebP: RIFF....WEBPVP8L" eq "$(magic "$OUT/p.webp" 4) $(magic "$OUT/p.webp" 8 8)" "52494646 574542505650384c"
C -o "$OUT/p.avif" "$IMG/abc.avif"
t "generated AVIF: ftypavif" eq "$(magic "$OUT/p.avif" 8 4)" 6674797061766966
C -o "$OUT/s1" -w '%{content_type}' "$IMG/ab.jpg@1192w_1e.png" >"$OUT/ct"
t "@suffix: ab.jpg@1192w_1e.png is a PNG" eq "$(magic "$OUT/s1") $(cat "$OUT/ct")" "89504e470d0a1a0a image/png"
C -o "$OUT/s2" "$IMG/ab.jpg@100w"
t "@suffix without format keeps JPEG" eq "$(magic "$OUT/s2" 3)" ffd8ff
C -o "$OUT/s3" "$IMG/ab.jpg@1q.webp"
t "@suffix .webp gives WebP" eq "$(magic "$OUT/s3" 4 8)" 57454250
C -o "$OUT/s4" "$IMG/ab.png@.avif"
t "@suffix .avif gives AVIF" eq "$(magic "$OUT/s4" 8 4)" 6674797061766966
C -o "$OUT/own" "https://i2.hdslb.com/bfs/own/file.png"
t "DATA/images file served as is" cmp -s "$OUT/own" "$DATA/images/bfs/own/file.png"
t "image host path without picture extension: 404" \
	eq "$(C -o /dev/null -w '%{http_code}' "$IMG/readme.txt")" 404
C -o "$OUT/q1" "$IMG/x1.png"; C -o "$OUT/q2" "$IMG/x2.png"
t "different URLs give different pictures" eval '! cmp -s "$OUT/q1" "$OUT/q2"'

# --- keep-alive --------------------------------------------------------------
t "keep-alive: second request reuses the connection" \
	eq "$(C -o /dev/null -o /dev/null -w '%{num_connects},' "$IMG/k1.png" "$IMG/k2.png")" "1,0,"

# --- faults ------------------------------------------------------------------
faults '[{"host":"api.bilibili.com","path":"/x/article/view","fault":"status","code":503}]'
t "fault status 503" eq "$(C -o /dev/null -w '%{http_code}' "$API/x/article/view?id=7")" 503
t "fault limited to its path" eq "$(C -o /dev/null -w '%{http_code}' "$API/x/frontend/finger/spi")" 200

faults '[{"fault":"429","retry_after":7}]'
code=$(C -o /dev/null -D "$OUT/h429" -w '%{http_code}' "$IMG/a.png")
t "fault 429 with Retry-After" eq "$code $(grep -i '^retry-after:' "$OUT/h429" | tr -d '\r')" "429 Retry-After: 7"

faults '[{"fault":"api_code","code":-412,"path":"opus/detail"}]'
code=$(C -o "$OUT/f412" -w '%{http_code}' -b buvid3=x "$DETAIL?id=1001")
t "fault api_code -412 (HTTP 200, default message)" \
	eq "$code $(jget "$OUT/f412" '(d["code"], d["message"], d["ttl"], d["data"])')" "200 (-412, '请求被拦截', 1, None)"

faults '[{"fault":"reset"}]'
C -o /dev/null "$IMG/a.png" 2>/dev/null; rc=$?
t "fault reset: curl sees a reset (exit $rc)" oneof "$rc" 56 52 35

faults '[{"fault":"truncate","bytes":10}]'
C -o "$OUT/tr" "$IMG/a.png" 2>/dev/null; rc=$?
t "fault truncate: curl exit 18, 10 bytes" eq "$rc $(wc -c <"$OUT/tr" | tr -d ' ')" "18 10"

faults '[{"fault":"slow","delay":1.0}]'
tt=$(C -o "$OUT/slow" -w '%{time_total}' -b buvid3=x "$DETAIL?id=1001")
t "fault slow: takes >= 1 s ($tt)" ge "$tt" 1.0
t "fault slow: answer still correct" cmp -s "$OUT/slow" "$DATA/opus/1001.json"

faults '[{"fault":"latency","delay":0.4,"host":"i0.hdslb.com"}]'
tt=$(C -o /dev/null -w '%{time_total}' "$IMG/a.png")
tt2=$(C -o /dev/null -w '%{time_total}' "$IMG/b.png")
t "fault latency applies to every matching request ($tt, $tt2)" eval 'ge "$tt" 0.4 && ge "$tt2" 0.4'

faults '[{"fault":"webp"}]'
C -o "$OUT/lie" -w '%{content_type}' "$IMG/a.png" >"$OUT/ct"
t "fault webp: WebP bytes labelled image/png" eq "$(magic "$OUT/lie" 4 8) $(cat "$OUT/ct")" "57454250 image/png"

faults '[{"fault":"avif"}]'
C -o "$OUT/lie2" -w '%{content_type}' "$IMG/a.jpg" >"$OUT/ct"
t "fault avif: AVIF bytes labelled image/png" eq "$(magic "$OUT/lie2" 8 4) $(cat "$OUT/ct")" "6674797061766966 image/png"

faults '[{"fault":"notimage"}]'
C -o "$OUT/ni" -w '%{http_code} %{content_type}' "$IMG/a.png" >"$OUT/ct"
t "fault notimage: 200 text/html" eq "$(cat "$OUT/ct") $(cat "$OUT/ni")" "200 text/html; charset=utf-8 <html>not an image</html>"

faults '[{"fault":"empty"}]'
t "fault empty: 200 with 0 bytes" eq "$(C -o /dev/null -w '%{http_code} %{size_download}' "$IMG/a.png")" "200 0"

faults '[{"fault":"oversize"}]'
C -o /dev/null --max-filesize 1000000 "$IMG/big.png" 2>/dev/null; rc=$?
t "fault oversize (50 MiB) refused by --max-filesize: exit 63" eq "$rc" 63
faults '[{"fault":"oversize","size":300000}]'
C -o "$OUT/big" -w '%{size_download}' "$IMG/big.jpg" >"$OUT/sz"
t "fault oversize size=300000: streamed in full, JPEG magic" eq "$(cat "$OUT/sz") $(magic "$OUT/big" 3)" "300000 ffd8ff"
faults '[{"fault":"oversize","size":20000000}]'
C "$IMG/big.png" 2>/dev/null | head -c 100 >/dev/null
t "client hanging up mid-body does not hurt the server" \
	eq "$(C -o /dev/null -w '%{http_code}' "$API/x/frontend/finger/spi")" 200

faults '[{"fault":"hang","host":"i0.hdslb.com","times":1}]'
start=$(date +%s)
C -o /dev/null -m 2 "$IMG/hang.png" 2>/dev/null &
BGPID=$!
sleep 0.3
t "while one request hangs, others are served" \
	eq "$(C -o /dev/null -w '%{http_code}' "$API/x/frontend/finger/spi")" 200
wait $BGPID; rc=$?
BGPID=
t "fault hang: curl -m 2 times out (exit 28)" eq "$rc" 28
t "fault hang: took about 2 s" eval '[ $(( $(date +%s) - start )) -ge 1 ] && [ $(( $(date +%s) - start )) -le 5 ]'

faults '[{"fault":"redirect","location":"javascript:alert(1)"}]'
C -o /dev/null -D "$OUT/hr" "$IMG/a.png"
t "fault redirect: 302 with the odd Location" \
	eq "$(head -n1 "$OUT/hr" | cut -d' ' -f2) $(grep -i '^location:' "$OUT/hr" | tr -d '\r')" "302 Location: javascript:alert(1)"
faults '[{"fault":"redirect","location":"file:///etc/passwd","code":301}]'
t "fault redirect: code and file:// location" \
	eq "$(C -o /dev/null -w '%{http_code} %{redirect_url}' "$IMG/a.png")" "301 file:///etc/passwd"

faults '[{"fault":"garbage_json"}]'
C -o "$OUT/gj" -w '%{content_type}' -b buvid3=x "$DETAIL?id=1001" >"$OUT/ct"
t "fault garbage_json: JSON type, unparsable body" \
	eval '[ "$(cat "$OUT/ct")" = "application/json; charset=utf-8" ] && [ -s "$OUT/gj" ] && [ -z "$(jget "$OUT/gj" 1)" ]'

faults '[{"fault":"status","code":500,"times":2}]'
codes=
for i in 1 2 3; do codes="$codes$(C -o /dev/null -w '%{http_code}' "$IMG/a.png") "; done
t "times: 2 failures, then normal" eq "$codes" "500 500 200 "
faults '[{"fault":"status","code":500,"times":2}]'
t "rewriting faults.json restarts the counters" eq "$(C -o /dev/null -w '%{http_code}' "$IMG/a.png")" 500

faults '[{"fault":"status","code":502,"after":1,"times":1,"path":"re:^/bfs/new_dyn/t[0-9]+\\.png$"}]'
codes=
for u in t1.png tx.png t2.png t3.png; do codes="$codes$(C -o /dev/null -w '%{http_code}' "$IMG/$u") "; done
t "after + times + re: path" eq "$codes" "200 200 502 200 "

faults '[{"fault":"latency","delay":0.3},{"fault":"status","code":404,"host":"i0.hdslb.com"}]'
out=$(C -o /dev/null -w '%{http_code} %{time_total}' "$IMG/a.png")
t "latency rule combines with a status rule ($out)" eval 'eq "${out% *}" 404 && ge "${out#* }" 0.3'
nofaults
t "removing faults.json clears the faults" eq "$(C -o /dev/null -w '%{http_code}' "$IMG/a.png")" 200

# --- requests.log ------------------------------------------------------------
before=$(wc -l <"$STATE/requests.log")
C -o /dev/null -b 'buvid3=logcheck' "$DETAIL?id=1001&x=1"
C -o /dev/null "https://i1.hdslb.com/bfs/log/check.png"
C -o /dev/null "https://b23.tv/none"
after=$(wc -l <"$STATE/requests.log")
t "requests.log: one line per request" eq "$((after - before))" 3
cat >"$TMP/logcheck.py" <<'EOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
entries = [json.loads(l) for l in lines]
for e in entries:
    assert set(("t", "method", "host", "path", "query", "headers")) <= set(e), e
    assert isinstance(e["t"], float) and isinstance(e["headers"], dict), e
d, i, b = entries[-3:]
assert (d["method"], d["host"], d["path"], d["query"]) == (
    "GET", "api.bilibili.com", "/x/polymer/web-dynamic/v1/opus/detail", "id=1001&x=1"), d
assert d["headers"]["cookie"] == "buvid3=logcheck", d
assert (i["host"], i["path"], i["query"]) == ("i1.hdslb.com", "/bfs/log/check.png", ""), i
assert (b["host"], b["path"]) == ("b23.tv", "/none"), b
assert any(e.get("fault") == "hang" and e["path"] == "/bfs/new_dyn/hang.png" for e in entries)
assert any(e.get("fault") == "reset" for e in entries)
print("ok")
EOF
t "requests.log: valid JSON lines with the request details" \
	eq "$("$PYTHON3" "$TMP/logcheck.py" "$STATE/requests.log" 2>&1 | tail -n 3)" ok

# --- a second server: --latency and --max-seconds ---------------------------
STATE2=$TMP/state2
mkdir -p "$STATE2"
"$PYTHON3" "$SERVER" --state-dir "$STATE2" --data-dir "$DATA" --latency 0.5 \
	--max-seconds 3 --http2-not-needed 2>"$TMP/server2.err" &
SPID2=$!
if wait_port "$STATE2"; then
	P2=$(cat "$STATE2/port")
	tt=$(curl -sS --connect-to "::127.0.0.1:$P2" --cacert "$STATE2/ca.pem" \
		-o /dev/null -w '%{time_total}' "$API/x/frontend/finger/spi")
	t "--latency 0.5 delays answers ($tt)" ge "$tt" 0.5
	t "second server has its own CA (first CA rejected)" eval \
		'! curl -sS --connect-to "::127.0.0.1:$P2" --cacert "$STATE/ca.pem" -o /dev/null "$API/x/frontend/finger/spi" 2>/dev/null'
	i=0
	while kill -0 "$SPID2" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
	t "--max-seconds 3: server exits by itself" eval '! kill -0 "$SPID2" 2>/dev/null'
	wait "$SPID2" 2>/dev/null
	SPID2=
else
	t "--latency 0.5 delays answers" false
	t "second server has its own CA" false
	t "--max-seconds 3: server exits by itself" false
fi

# --- SIGTERM ---------------------------------------------------------------
kill -TERM "$SPID"
i=0
while kill -0 "$SPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t "SIGTERM stops the server" eval '! kill -0 "$SPID" 2>/dev/null'
wait "$SPID" 2>/dev/null; rc=$?
SPID=
t "clean exit status, port file removed" eq "$rc $([ -e "$STATE/port" ] && echo port-left)" "0 "
if [ -s "$TMP/server.err" ]; then
	echo "# server stderr:"; sed 's/^/#   /' "$TMP/server.err"
fi
t "server wrote nothing to stderr" eval '[ ! -s "$TMP/server.err" ]'

if [ "$n" -ne "$PLAN" ]; then
	echo "# planned $PLAN tests but ran $n"
	exit 1
fi
[ "$failed" -eq 0 ]
