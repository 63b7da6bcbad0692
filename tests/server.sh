# Shared by the tests that run the program against tests/bili-server.py, the
# local HTTPS stand-in for Bilibili.  Sourced after lib.sh, not run.
#
#   server_start DATA   start it on a free port serving DATA; sets S (its state
#                       directory), PORT and SPID, and stops it on exit
#   serve_samples       start it on the three sample articles ID, LEGACY and
#                       BLOCKED (set here) in $TMP/data
#   faults JSON         replace its fault rules
#   mark / since / count PATTERN
#                       the requests since the last mark (JSON lines)
#   oa CACHE ARGS...    run the program against it with its own cache
#   expect_status GOT WANT DESCRIPTION

# Sourcing this file is asking for the server: without what it needs, the
# whole script is skipped here.
if ! have_python || ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 and openssl are needed for the test server"
	exit 0
fi

server_start() {
	S=$TMP/server
	mkdir -p "$S"
	"$PYTHON3" "$top_srcdir/tests/bili-server.py" --state-dir "$S" --data-dir "$1" --parent $$ \
		--max-seconds 900 ${SERVER_ARGS:-} 2>"$TMP/server.err" &
	SPID=$!
	trap 'kill $SPID 2>/dev/null; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
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
	MARK=0
}

serve_samples() {
	ID=1047362918573064199
	LEGACY=862917305341329408
	BLOCKED=1051873296410247189
	mkdir -p "$TMP/data/opus"
	cp "$SAMPLES/opus-full.json" "$TMP/data/opus/$ID.json"
	cp "$SAMPLES/opus-legacy.json" "$TMP/data/opus/$LEGACY.json"
	cp "$SAMPLES/opus-blocked.json" "$TMP/data/opus/$BLOCKED.json"
	server_start "$TMP/data"
}

faults() {
	printf '%s\n' "$1" >"$S/faults.tmp" && mv "$S/faults.tmp" "$S/faults.json"
}

oa() {
	cache=$1
	shift
	"$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
		--cache-dir "$TMP/$cache" --retry-delay 0.05 --rate 1000 "$@"
}

mark() {
	MARK=$(wc -l <"$S/requests.log" 2>/dev/null || echo 0)
}

since() {
	tail -n +"$((MARK + 1))" "$S/requests.log"
}

count() {
	since | grep -c -- "$1"
}

expect_status() {
	ok $([ "$1" -eq "$2" ]; echo $?) "$3: exit status $1 (want $2)"
	[ "$1" -eq "$2" ] || diag "$TMP/err"
}
