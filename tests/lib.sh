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

# epub_ok BOOK DESCRIPTION: a test that EPUBCheck reports nothing on BOOK
# (its messages shown on failure), or a skip without EPUBCheck.
epub_ok() {
	if have_epubcheck; then
		epubcheck_clean "$1"
		st=$?
		ok $st "$2: EPUBCheck reports 0 errors and 0 warnings"
		[ $st -eq 0 ] || grep -E 'ERROR|WARNING|FATAL' "$TMP/epubcheck.out" | head -20 | sed 's/^/# /'
	else
		skip "$2: EPUBCheck" "EPUBCheck (java, epubcheck.jar) is not installed"
	fi
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
