#!/bin/sh
# Hostile and broken responses, data-driven: each tests/bad/NAME.json comes
# with NAME.expect, lines of
#     status N|M...     the exit status (or one of several)
#     message TEXT      a piece of what stderr must say
#     message-if-1 TEXT the same, required only when the status is 1
#     output yes|no     whether a book may be written (default: unless the status is 1)
#     epubcheck yes     the book must pass EPUBCheck (for cases that write one)
#     site yes          also make a folder site of it, with the same status
#     absent PATH       a path that must not exist afterwards
# Adding a case is adding the two files.  tests/gen-bad.py writes the cases
# too large or too binary to keep in the tree, in the same form, and one case
# per field of samples/opus-full.json of the wrong type and null (field-*:
# one result line each; under valgrind only every 25th).
#
# Every run starts in a scratch directory and writes to an output path in it;
# afterwards nothing but the output path may have changed there, in $HOME,
# in $XDG_CACHE_HOME or in the picture cache the runs read.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to generate cases"
	exit 0
fi
mkdir -p "$TMP/gen"
"$PYTHON3" "$top_srcdir/tests/gen-bad.py" "$TMP/gen" "$SAMPLES" || { echo "Bail out! gen-bad.py failed"; exit 1; }

RUN=$TMP/run
listing() {  # everything a run could touch, but the output path
	find "$RUN" "$HOME" "$XDG_CACHE_HOME" "$SAMPLES/cache" -path "$RUN/out" -prune -o -print 2>/dev/null | sort
}
mkdir -p "$RUN/cwd"

# run INPUT OUTPUT: the program on one case, from the scratch directory
run() {
	(cd "$RUN/cwd" && exec timeout 120 "$OPUS_ARCHIVE" --offline --cache-dir "$SAMPLES/cache" \
		--from-json "$1" -o "$2") >"$TMP/stdout" 2>"$TMP/stderr"
}

status_ok() {  # status_ok GOT WANT: WANT is N or N|M|...
	case "|$2|" in *"|$1|"*) return 0 ;; esac
	return 1
}

n_field=0
for input in "$top_srcdir"/tests/bad/*.json "$TMP"/gen/*.json; do
	name=$(basename "$input" .json)
	expect=${input%.json}.expect
	want_status=$(sed -n 's/^status //p' "$expect")
	want_output=$(sed -n 's/^output //p' "$expect")
	rm -rf "$RUN/out"
	mkdir -p "$RUN/out"
	out=$RUN/out/book.epub

	case $name in field-*)
		# one line per generated field case, checked with few processes
		n_field=$((n_field + 1))
		if [ "${OA_VALGRIND:-}" = yes ] && [ $((n_field % 25)) -ne 1 ]; then
			continue
		fi
		run "$input" "$out"
		st=$?
		why=
		status_ok "$st" "$want_status" || why="exit status $st"
		if [ "$st" = 1 ]; then
			msg=$(sed -n 's/^message-if-1 //p' "$expect")
			[ -z "$msg" ] || grep -qF -- "$msg" "$TMP/stderr" || why="$why; the message does not name $msg"
			[ -e "$out" ] && why="$why; a book was written"
		else
			[ -f "$out" ] || why="$why; no book"
		fi
		ok $([ -z "$why" ]; echo $?) "$name: $(sed -n 's/^field //p' "$expect") exit $st${why:+ ($why)}"
		[ -z "$why" ] || diag "$TMP/stderr"
		continue
	esac

	before=$(listing)
	run "$input" "$out"
	st=$?
	ok $(status_ok "$st" "$want_status"; echo $?) "$name: exit status $st (want $want_status)"
	status_ok "$st" "$want_status" || diag "$TMP/stderr"
	{
		sed -n 's/^message //p' "$expect"
		[ "$st" = 1 ] && sed -n 's/^message-if-1 //p' "$expect"
	} | while IFS= read -r msg; do
		grep -qF -- "$msg" "$TMP/stderr" || { echo "missing: $msg"; exit 1; }
	done >"$TMP/missing"
	ok $? "$name: the message says $(sed -n 's/^message //p' "$expect" | sed "s/.*/'&'/" | tr '\n' ' ')"
	[ -s "$TMP/missing" ] && diag "$TMP/stderr"
	if [ "$st" = 1 ]; then
		# the one error line names the input file
		errs=$(grep -cv 'warning:' "$TMP/stderr")
		ok $([ "$errs" -eq 1 ] && grep -qF "$(basename "$input")" "$TMP/stderr"; echo $?) \
			"$name: one error line naming the file"
	fi
	[ -n "$want_output" ] || { [ "$st" = 1 ] && want_output=no || want_output=yes; }
	files=$(find "$RUN/out" -mindepth 1 | wc -l)
	if [ "$want_output" = yes ]; then
		ok $([ -f "$out" ] && [ "$files" -eq 1 ]; echo $?) "$name: the book and nothing else is written"
		if grep -q '^epubcheck yes' "$expect"; then
			if have_epubcheck; then
				epubcheck_clean "$out"
				ok $? "$name: EPUBCheck passes"
			else
				skip "$name: EPUBCheck" "not installed"
			fi
		fi
	else
		ok $([ "$files" -eq 0 ]; echo $?) "$name: nothing is written"
	fi
	if grep -q '^site yes' "$expect"; then
		rm -rf "$RUN/out"
		mkdir -p "$RUN/out"
		run "$input" "$RUN/out/site/"
		st2=$?
		ok $([ "$st2" = "$st" ] && [ -f "$RUN/out/site/index.html" ]; echo $?) \
			"$name: as a folder site, exit status $st2 and an index"
		stray=$(find "$RUN/out" -mindepth 1 ! -path "$RUN/out/site" ! -path "$RUN/out/site/*" | wc -l)
		ok $([ "$stray" -eq 0 ]; echo $?) "$name: the site stays inside its directory"
	fi
	after=$(listing)
	ok $([ "$before" = "$after" ]; echo $?) "$name: nothing written outside the output path"
	[ "$before" = "$after" ] || { printf '%s\n' "$before" >"$TMP/l0"; printf '%s\n' "$after" >"$TMP/l1"; diff "$TMP/l0" "$TMP/l1" | diag; }
	sed -n 's/^absent //p' "$expect" | while IFS= read -r path; do
		[ ! -e "$path" ] || { echo "# $path exists"; exit 1; }
	done
	ok $? "$name: no file at the paths the response names"
done
ok $([ "$n_field" -gt 100 ]; echo $?) "$n_field generated wrong-type and null field cases"
finish
