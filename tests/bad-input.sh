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
#
# make check runs the cases in parts, in parallel: tests/bad-input-cases-K.sh
# and tests/bad-input-fields-K.sh set BAD_PART (cases: tests/bad/ and the
# generated cases but the field-* ones; fields: the field-* cases) and
# BAD_SHARD=K/N (every Nth case of the part, from the Kth), then source this
# script.  Run alone, it runs every case.
. "$(dirname "$0")/lib.sh"

part=${BAD_PART:-all}
shard=${BAD_SHARD:-1/1}
shard_k=${shard%/*}
shard_n=${shard#*/}
case $part in
cases) gen=others ;;
fields) gen=fields ;;
*) gen=all ;;
esac

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to generate cases"
	exit 0
fi
mkdir -p "$TMP/gen"
"$PYTHON3" "$top_srcdir/tests/gen-bad.py" "$TMP/gen" "$SAMPLES" "$gen" ||
	{ echo "Bail out! gen-bad.py failed"; exit 1; }

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

if [ "$part" = fields ]; then
	set -- "$TMP"/gen/*.json
else
	set -- "$top_srcdir"/tests/bad/*.json "$TMP"/gen/*.json
fi
n_field=0
i=0
mkdir -p "$RUN/out"
for input in "$@"; do
	i=$((i + 1))
	[ $(((i - 1) % shard_n)) -eq $((shard_k - 1)) ] || continue
	name=${input##*/}
	name=${name%.json}
	expect=${input%.json}.expect
	out=$RUN/out/book.epub

	case $name in field-*)
		# one line per generated field case, checked with as few processes
		# as the shell allows: the expect file is read by the shell itself
		n_field=$((n_field + 1))
		if [ "${OA_VALGRIND:-}" = yes ] && [ $((n_field % 25)) -ne 1 ]; then
			continue
		fi
		want_status= msg= field=
		while IFS= read -r line; do
			case $line in
			"status "*) want_status=${line#status } ;;
			"message-if-1 "*) msg=${line#message-if-1 } ;;
			"field "*) field=${line#field } ;;
			esac
		done <"$expect"
		[ ! -e "$out" ] || rm -f "$out"
		run "$input" "$out"
		st=$?
		why=
		status_ok "$st" "$want_status" || why="exit status $st"
		if [ "$st" = 1 ]; then
			[ -z "$msg" ] || grep -qF -- "$msg" "$TMP/stderr" || why="$why; the message does not name $msg"
			[ ! -e "$out" ] || why="$why; a book was written"
		else
			[ -f "$out" ] || why="$why; no book"
		fi
		if [ -z "$why" ]; then
			ok 0 "$name: $field exit $st"
		else
			ok 1 "$name: $field exit $st ($why)"
			diag "$TMP/stderr"
		fi
		continue
	esac

	want_status=$(sed -n 's/^status //p' "$expect")
	want_output=$(sed -n 's/^output //p' "$expect")
	rm -rf "$RUN/out"
	mkdir -p "$RUN/out"

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
			epub_check "$out" "$name: EPUBCheck passes"
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
if [ "$part" != cases ]; then
	# samples/opus-full.json makes about 800: a sudden drop means gen-bad.py lost them
	ok $([ "$n_field" -gt $((100 / shard_n)) ]; echo $?) "$n_field generated wrong-type and null field cases"
fi
finish
