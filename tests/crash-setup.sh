# Shared by tests/crash.sh and tests/crash-refresh.sh, the two parts of the
# crash-safety tests that make check runs in parallel: the test server with
# three articles and some latency, and the helpers.  Sourced, not run; each
# part has its own server, output directory and caches.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/server.sh"
SERVER_ARGS="--latency 0.03" serve_samples
OUT=$TMP/out
RUNS=20
[ "${OA_VALGRIND:-}" = yes ] && RUNS=6

now_ms() { date +%s%3N; }
random_below() {  # random_below N: 0..N-1
	echo $(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' ') % $1 ))
}
temps_in() {  # temps_in DIR: the temporary files in DIR
	find "$1" \( -name '.*tmp*' -o -name '*.part*' \) 2>/dev/null
}
books_ok() {  # books_ok DIR: every book in DIR is a complete EPUB container
	set -- "$1"/*.epub
	[ -e "$1" ] || return 0
	"$PYTHON3" "$top_srcdir/tests/check-zip.py" "$@" >"$TMP/zip.err" 2>&1
}
# batch CACHE: the batch into $OUT/, in the background, as the program itself
batch() {
	(exec "$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
		--cache-dir "$TMP/$1" --retry-delay 0.05 --rate 1000 -q \
		"$ID" "$LEGACY" "$BLOCKED" -o "$OUT/" >/dev/null 2>"$TMP/err") &
	PID=$!
}
