# Shared by tests/series.sh, tests/series-batch.sh, tests/series-md.sh and
# tests/series-update.sh, the 文集 (readlist) tests that make check runs in parallel:
# the test data (tests/series-data.py) and the test server serving it, and
# series_of.  Sourced, not run; each part makes its own data, server and caches.
. "$(dirname "$0")/lib.sh"

. "$top_srcdir/tests/server.sh"

D=$TMP/data
"$PYTHON3" "$top_srcdir/tests/series-data.py" "$SAMPLES" "$D" || {
	echo "Bail out! the test data could not be made"
	exit 1
}
server_start "$D"

# series_of BOOK: what calibre reads as the book's series ("" when none)
series_of() {
	ebook-meta "$1" 2>/dev/null | sed -n 's/^Series *: //p'
}
