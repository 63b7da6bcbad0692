# Shared set-up for the shell tests: a private scratch directory removed on
# exit, no user configuration, and small TAP helpers.  Sourced, not run.
set -u
LC_ALL=${LC_ALL:-C.UTF-8}
export LC_ALL
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
OPUS_ARCHIVE=${OPUS_ARCHIVE:-$top_builddir/src/opus-archive}
PYTHON3=${PYTHON3:-python3}
SHARED=$top_srcdir/../shared
SAMPLES=$top_srcdir/samples

mkdir -p "$top_builddir/tests/tmp"
TMP=$(mktemp -d "$top_builddir/tests/tmp/$(basename "$0" .sh).XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
# No user configuration or cache leaks in, and nothing leaks out.
HOME=$TMP/home
XDG_CACHE_HOME=$TMP/cache
export HOME XDG_CACHE_HOME
unset SOURCE_DATE_EPOCH OPUS_ARCHIVE_TEMPLATES
mkdir -p "$HOME"

tap_n=0
tap_failed=0
epubq_n=0

ok() {  # ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

skip() {  # skip DESCRIPTION REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

diag() {
	sed 's/^/# /' "$@"
}

finish() {
	epub_flush
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

# The machine part of the program's temporary names (file_temp_name in
# src/file.c): host name's first label, boot id's first 8 hex digits, pid
# namespace inode.  A temporary name is ".NAME.tmp-$(temp_token)+PID-TAG".
temp_token() {
	_h=$(hostname 2>/dev/null | cut -d. -f1 | tr -cd 'A-Za-z0-9_-' | cut -c1-32)
	_b=$(tr -cd '0-9a-f' </proc/sys/kernel/random/boot_id 2>/dev/null | cut -c1-8)
	_n=$(readlink /proc/self/ns/pid 2>/dev/null | tr -cd 0-9)
	echo "${_h:-host}+${_b:-0}+${_n:-0}"
}

have_python() {
	"$PYTHON3" -c 'import sys' >/dev/null 2>&1
}

EPUBCHECK_JAR=${EPUBCHECK_JAR:-/usr/share/java/epubcheck.jar}
have_epubcheck() {
	[ -f "$EPUBCHECK_JAR" ] && command -v java >/dev/null 2>&1
}

# epubcheck_clean BOOK: succeeds when EPUBCheck reports no fatal, error or warning.
# A check is a short run: the JVM's client compiler only and its serial
# collector halve the CPU it takes (about 30 checks in a make check).
epubcheck_clean() {
	java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$EPUBCHECK_JAR" "$1" \
		>"$TMP/epubcheck.out" 2>&1
	grep -q 'Messages: 0 fatals / 0 errors / 0 warnings' "$TMP/epubcheck.out"
}

# epub_check BOOK NAME: a test named NAME that EPUBCheck reports no fatal,
# error or warning on BOOK as it is now (its messages shown on failure), or a
# skip without EPUBCheck.  The check itself waits for finish(): a copy of
# BOOK is queued, and finish() checks every queued book in one JVM
# (tests/gen/EpubBatch.java, EPUBCheck's own API), so that a script pays for
# one JVM start and one load of EPUBCheck's schemas (about 5 s of CPU) instead
# of one per book (each further book costs about 0.5 s).  The results come
# last in the script's output, under their names.
epub_check() {
	if ! have_epubcheck; then
		skip "$2" "EPUBCheck (java, epubcheck.jar) is not installed"
		return
	fi
	mkdir -p "$TMP/epubq"
	epubq_n=$((epubq_n + 1))
	if ! cp "$1" "$TMP/epubq/$epubq_n.epub"; then
		epubq_n=$((epubq_n - 1))
		ok 1 "$2 (no book to check)"
		return
	fi
	printf '%s\n' "$2" >"$TMP/epubq/$epubq_n.name"
	printf '%s\n' "$TMP/epubq/$epubq_n.epub" >>"$TMP/epubq/list"
}

# epub_ok BOOK DESCRIPTION: epub_check named "DESCRIPTION: EPUBCheck reports 0
# errors and 0 warnings".
epub_ok() {
	epub_check "$1" "$2: EPUBCheck reports 0 errors and 0 warnings"
}

# epub_flush: check the books epub_check queued and report on each (finish()
# calls it).  Without a JDK's compiler (EpubBatch.java runs in source-file
# mode) or when the batch run gives no result for a book, that book is
# checked alone with epubcheck_clean.
epub_flush() {
	[ -s "$TMP/epubq/list" ] || return 0
	if java --list-modules 2>/dev/null | grep -q '^jdk\.compiler@'; then
		java -Xss1024k -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$EPUBCHECK_JAR" \
			"$top_srcdir/tests/gen/EpubBatch.java" <"$TMP/epubq/list" >"$TMP/epubq/out" 2>&1
	fi
	: >>"$TMP/epubq/out"
	_i=0
	while [ $_i -lt "$epubq_n" ]; do
		_i=$((_i + 1))
		_book=$TMP/epubq/$_i.epub
		_name=$(cat "$TMP/epubq/$_i.name")
		# the messages of book i: the lines after the result of book i - 1, up to its own
		awk -v want="$_book" -v prev="$TMP/epubq/$((_i - 1)).epub" '
			/^RESULT / { p = $0; sub(/^RESULT [^ ]* [^ ]* [^ ]* /, "", p)
				if (p == want) { print > "/dev/stderr"; exit }
				if (p == prev) { n = 0; delete m; next } }
			{ m[++n] = $0 }
			END { for (k = 1; k <= n; k++) print m[k] }' "$TMP/epubq/out" \
			>"$TMP/epubcheck.out" 2>"$TMP/epubq/result"
		if [ -s "$TMP/epubq/result" ]; then
			grep -q '^RESULT 0 0 0 ' "$TMP/epubq/result"
			_st=$?
		else
			epubcheck_clean "$_book"
			_st=$?
		fi
		ok $_st "$_name"
		[ $_st -eq 0 ] || { cat "$TMP/epubq/result"; grep -E 'ERROR|WARNING|FATAL' "$TMP/epubcheck.out"; } |
			head -20 | sed 's/^/# /'
	done
	rm -rf "$TMP/epubq"
	epubq_n=0
}

# opf BOOK: the package document; spine BOOK: its documents in reading order
opf() {
	unzip -p "$1" OEBPS/content.opf
}
spine() {
	opf "$1" | "$PYTHON3" -c '
import re, sys
opf = sys.stdin.read()
href = dict(re.findall(r"<item id=\"([^\"]+)\" href=\"([^\"]+)\"", opf))
print("\n".join(href[i] for i in re.findall(r"<itemref idref=\"([^\"]+)\"", opf)))'
}
