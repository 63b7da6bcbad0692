#!/bin/sh
# Hostile and broken responses, data-driven: each tests/bad/NAME.json comes
# with NAME.expect, lines of
#     status N          the exit status
#     message TEXT      a piece of what stderr must say
#     output yes|no     whether a book may be written
#     epubcheck yes     the book must pass EPUBCheck (for cases that write one)
# Adding a case is adding the two files.  tests/gen-bad.py writes the cases
# too large or too binary to keep in the tree, in the same form.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to generate cases"
	exit 0
fi
mkdir -p "$TMP/gen"
"$PYTHON3" "$top_srcdir/tests/gen-bad.py" "$TMP/gen" || { echo "Bail out! gen-bad.py failed"; exit 1; }

for input in "$top_srcdir"/tests/bad/*.json "$TMP"/gen/*.json; do
	name=$(basename "$input" .json)
	expect=${input%.json}.expect
	want_status=$(sed -n 's/^status //p' "$expect")
	want_output=$(sed -n 's/^output //p' "$expect")
	want_check=$(sed -n 's/^epubcheck //p' "$expect")
	out=$TMP/out-$name
	mkdir -p "$out"
	timeout 60 "$OPUS_ARCHIVE" --offline --cache-dir "$SAMPLES/cache" --from-json "$input" \
		-o "$out/book.epub" >"$TMP/stdout" 2>"$TMP/stderr"
	st=$?
	ok $([ "$st" = "$want_status" ]; echo $?) "$name: exit status $st (want $want_status)"
	[ "$st" = "$want_status" ] || diag "$TMP/stderr"
	sed -n 's/^message //p' "$expect" | while IFS= read -r msg; do
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
	files=$(find "$out" -mindepth 1 | wc -l)
	if [ "$want_output" = yes ]; then
		ok $([ -f "$out/book.epub" ] && [ "$files" -eq 1 ]; echo $?) "$name: the book and nothing else is written"
		if [ "$want_check" = yes ]; then
			if have_epubcheck; then
				epubcheck_clean "$out/book.epub"
				ok $? "$name: EPUBCheck passes"
			else
				skip "$name: EPUBCheck" "not installed"
			fi
		fi
	else
		ok $([ "$files" -eq 0 ]; echo $?) "$name: nothing is written"
	fi
	# nothing lands outside the output directory
	stray=$(find "$TMP" -maxdepth 1 -newer "$expect" -name '*.epub' | wc -l)
	ok $([ "$stray" -eq 0 ]; echo $?) "$name: nothing written outside the output path"
done
finish
