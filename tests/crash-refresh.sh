#!/bin/sh
# Crash safety, part two (tests/crash.sh is part one), against
# tests/bili-server.py with some latency:
# - what a killed run leaves (temporary files of a dead process, in the
#   output directory and in the cache) is cleared by the next run, what a
#   live run writes is kept;
# - SIGKILL while --refresh replaces a book leaves the old book or a complete
#   new one, never a truncated one;
# - a file size limit (a full disk) and a read-only output directory are
#   clear one-line errors, exit 1, the old book intact, no temporary file.
. "$(dirname "$0")/crash-setup.sh"

# what a killed run leaves is cleared by the next, even one with nothing to
# do (every book there already); what a live run writes is not
batch c-kill
wait $PID
dead=999999
while kill -0 $dead 2>/dev/null; do dead=$((dead - 1)); done
# the machine part of temporary names: a pid is only looked up for this machine's
tok=$(temp_token)
: >"$OUT/.$ID.epub.tmp-$tok+$dead-zip.AbC123"
: >"$OUT/.$ID.epub.tmp-$tok+$dead-zip"
: >"$OUT/.$ID.epub.tmp-$tok+$$-zip.XyZ789"
: >"$OUT/.notes.tmp-$tok+$dead-mine"
batch c-kill
wait $PID
ok $([ ! -e "$OUT/.$ID.epub.tmp-$tok+$dead-zip.AbC123" ] && [ ! -e "$OUT/.$ID.epub.tmp-$tok+$dead-zip" ] &&
	[ -e "$OUT/.$ID.epub.tmp-$tok+$$-zip.XyZ789" ]; echo $?) \
	"a dead run's temporary files are removed, a live run's are kept"
ok $([ -e "$OUT/.notes.tmp-$tok+$dead-mine" ]; echo $?) "a file of the user's that looks a little like one is kept"
rm -f "$OUT/.$ID.epub.tmp-$tok+$$-zip.XyZ789" "$OUT/.notes.tmp-$tok+$dead-mine"

# the same in the cache: a picture that must be fetched again, beside a dead
# run's partial download of it and a live run's
pic=$(find "$TMP/c-kill/pictures" -type f ! -name '.*' | head -n 1)
picdir=$(dirname "$pic")
picname=$(basename "$pic")
rm -f "$pic"
: >"$picdir/.$picname.tmp-$tok+$dead-Dd0001"
: >"$picdir/.$picname.tmp-$tok+$$-Ll0001"
rm -rf "$OUT"
batch c-kill
wait $PID
st=$?
ok $([ $st -eq 0 ] && [ -s "$pic" ] && [ ! -e "$picdir/.$picname.tmp-$tok+$dead-Dd0001" ] &&
	[ -e "$picdir/.$picname.tmp-$tok+$$-Ll0001" ]; echo $?) \
	"the cache: a dead run's partial download is removed when its directory is written to, a live run's is kept (exit status $st)"
rm -f "$picdir/.$picname.tmp-$tok+$$-Ll0001"

# --- an existing book is replaced whole or not at all ---------------------------
rm -rf "$OUT"
batch c-kill
wait $PID
BOOK=$OUT/$ID.epub
cp "$BOOK" "$TMP/old.epub"
ok $? "a book to replace"
t0=$(now_ms)
oa c-kill -q --refresh "$ID" -o "$BOOK" 2>"$TMP/err"
span=$(( $(now_ms) - t0 ))
cp "$TMP/old.epub" "$BOOK"
torn=0 replaced=0
run=0
while [ $run -lt $RUNS ]; do
	run=$((run + 1))
	delay=$(random_below "$span")
	(exec "$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
		--cache-dir "$TMP/c-kill" --rate 1000 -q --refresh "$ID" -o "$BOOK" 2>/dev/null) &
	PID=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL $PID 2>/dev/null
	wait $PID 2>/dev/null
	if cmp -s "$BOOK" "$TMP/old.epub"; then
		:
	elif books_ok "$OUT"; then
		replaced=$((replaced + 1))
		cp "$TMP/old.epub" "$BOOK"
	else
		torn=$((torn + 1))
		diag "$TMP/zip.err"
		cp "$TMP/old.epub" "$BOOK"
	fi
done
ok $torn "killed during --refresh: the book is the old one or a complete new one ($replaced of $RUNS replaced)"

# --- a full disk ---------------------------------------------------------------
cp "$TMP/old.epub" "$BOOK"
# 8 blocks (4 or 8 KB, by shell) is less than any book here
# program needs to start
(ulimit -f 8 && exec "$OPUS_ARCHIVE" --offline --cache-dir "$TMP/c-kill" "$ID" -o "$BOOK") \
	>/dev/null 2>"$TMP/err"
st=$?
ok $([ $st -eq 1 ]; echo $?) "a file size limit: exit status $st (want 1)"
[ $st -eq 1 ] || diag "$TMP/err"
ok $([ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "File too large" "$TMP/err" && grep -qF "$BOOK" "$TMP/err"; echo $?) \
	"a file size limit: one line naming the book and the reason"
diag "$TMP/err"
ok $(cmp -s "$BOOK" "$TMP/old.epub"; echo $?) "a file size limit: the old book is intact"
ok $([ -z "$(temps_in "$OUT")" ]; echo $?) "a file size limit: no temporary file left"

# --- a read-only output directory ------------------------------------------------
RO=$TMP/ro
mkdir -p "$RO"
chmod 555 "$RO"
as_user=
if [ "$(id -u)" -eq 0 ]; then
	# root writes anywhere: run as nobody when that is possible
	if command -v setpriv >/dev/null 2>&1 &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
		chmod 755 "$TMP" "$TMP/c-kill" 2>/dev/null
		chmod -R a+rX "$TMP/c-kill"
		# nobody's own scratch space: valgrind's log and its temporary files
		# (valgrind creates them in $TMPDIR, which may be root's alone)
		NOBODY_TMP=$TMP/nobody
		mkdir -p "$NOBODY_TMP"
		chmod 777 "$NOBODY_TMP"
		if [ -n "${OA_VALGRIND_LOGS:-}" ]; then
			OA_VALGRIND_LOGS=$NOBODY_TMP
			export OA_VALGRIND_LOGS
		fi
		as_user="env TMPDIR=$NOBODY_TMP $as_user"
		# the test is about the program's message, so first make sure the
		# unprivileged user can run the program at all from this build tree
		if ! $as_user "$OPUS_ARCHIVE" --version >/dev/null 2>"$TMP/err"; then
			diag "$TMP/err"
			for f in "$NOBODY_TMP"/*.log; do [ -s "$f" ] && diag "$f"; done
			as_user="none:user nobody cannot run the program from this build tree"
		fi
	else
		as_user="none:running as root without setpriv"
	fi
fi
case $as_user in
none:*)
	skip "a read-only output directory" "${as_user#none:}"
	skip "a read-only output directory: the message" "${as_user#none:}"
	;;
*)
	HOME=$TMP $as_user "$OPUS_ARCHIVE" --offline --cache-dir "$TMP/c-kill" "$ID" -o "$RO/book.epub" \
		>/dev/null 2>"$TMP/err"
	st=$?
	ok $([ $st -eq 1 ]; echo $?) "a read-only output directory: exit status $st (want 1)"
	ok $([ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "Permission denied" "$TMP/err" && grep -qF "$RO/book.epub" "$TMP/err"; echo $?) \
		"a read-only output directory: one line naming the path and the reason"
	diag "$TMP/err"
	# an empty message under valgrind: valgrind's own complaint is in its log
	[ -s "$TMP/err" ] || for f in "${NOBODY_TMP:-/nonexistent}"/*.log; do [ -s "$f" ] && diag "$f"; done
	;;
esac
chmod 755 "$RO"
finish
