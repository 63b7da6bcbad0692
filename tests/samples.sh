#!/bin/sh
# End to end: every full opus detail response in samples/ (and, when present,
# in ../shared/samples/api/) becomes an EPUB that EPUBCheck passes with no
# error or warning, whose container is right, and which holds every visible
# string of the response.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to check the books"
	exit 0
fi

check_book() {  # check_book RESPONSE WANT_STATUS NAME
	resp=$1 want=$2 name=$3
	book=$TMP/$name.epub
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$book" \
		>"$TMP/out" 2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq "$want" ]; echo $?) "$name: exit status $st (want $want)"
	[ "$st" -eq "$want" ] || diag "$TMP/err"
	if [ ! -f "$book" ]; then
		ok 1 "$name: book written"
		return
	fi
	epub_ok "$book" "$name"
	"$PYTHON3" "$top_srcdir/tests/check-epub.py" "$book" >"$TMP/check" 2>&1
	st=$?
	ok $st "$name: container layout"
	[ $st -eq 0 ] || diag "$TMP/check"
	"$PYTHON3" "$top_srcdir/tests/visible-text.py" "$resp" "$book" >"$TMP/vis" 2>&1
	st=$?
	ok $st "$name: every visible string of the response is in the book ($(tail -n 1 "$TMP/vis"))"
	[ $st -eq 0 ] || head -20 "$TMP/vis" | sed 's/^/# /'
}

found=0
for resp in "$SAMPLES"/*.json; do
	[ -f "$resp" ] || continue
	found=1
	check_book "$resp" 0 "$(basename "$resp" .json)"
	# every picture the response names is in the book (the samples' cache is complete)
	n=$("$PYTHON3" -c 'import zipfile,sys; print(sum(1 for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("OEBPS/images/")))' "$TMP/$(basename "$resp" .json).epub" 2>/dev/null || echo 0)
	ok $([ "$n" -gt 0 ]; echo $?) "$(basename "$resp" .json): pictures are in the book ($n)"
	# the response is kept byte for byte (the article takes the bytes it was read from)
	book=$TMP/$(basename "$resp" .json).epub
	member=$(unzip -Z1 "$book" 2>/dev/null | grep '^META-INF/opus-archive/.*\.json$')
	unzip -p "$book" "$member" 2>/dev/null | cmp -s - "$resp"
	ok $? "$(basename "$resp" .json): the response is kept exactly as $member"
done
ok $([ $found -eq 1 ]; echo $?) "samples/ holds responses"

if ls "$SHARED"/samples/api/opus_detail_*.json >/dev/null 2>&1; then
	for resp in "$SHARED"/samples/api/opus_detail_*.json; do
		# offline and with none of its pictures cached: written, but incomplete
		check_book "$resp" 3 "shared-$(basename "$resp" .json)"
	done
else
	skip "real responses from ../shared" "../shared/samples/api is not present"
fi

# Reproducible: with SOURCE_DATE_EPOCH two runs give the same bytes.
first=$(ls "$SAMPLES"/*.json 2>/dev/null | head -n 1)
if [ -n "$first" ]; then
	SOURCE_DATE_EPOCH=1700000000 "$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
		--from-json "$first" -o "$TMP/r1.epub"
	sleep 1
	SOURCE_DATE_EPOCH=1700000000 "$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" \
		--from-json "$first" -o "$TMP/r2.epub"
	cmp -s "$TMP/r1.epub" "$TMP/r2.epub"
	ok $? "SOURCE_DATE_EPOCH makes byte-identical books"
	unzip -p "$TMP/r1.epub" OEBPS/content.opf 2>/dev/null | grep -q '<meta property="dcterms:modified">2023-11-14T22:13:20Z</meta>'
	ok $? "dcterms:modified follows SOURCE_DATE_EPOCH"
fi

# The same response read from standard input.
if [ -n "$first" ]; then
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json - -o "$TMP/stdin.epub" <"$first"
	ok $? "--from-json - reads standard input"
fi

# Leftovers: nothing but the books in the output directory.
left=$(find "$TMP" -maxdepth 1 -name '.*tmp*' | wc -l)
ok $([ "$left" -eq 0 ]; echo $?) "no temporary files left behind"
finish
