#!/bin/sh
# The command line: help, version, usage errors and their exit status.
. "$(dirname "$0")/lib.sh"

"$OPUS_ARCHIVE" --help >"$TMP/help" 2>&1
ok $? "--help exits 0"
grep -q -- '--from-json' "$TMP/help" && grep -q -- '--offline' "$TMP/help" && grep -q 'Exit status' "$TMP/help"
ok $? "--help lists the options and the exit status"
"$OPUS_ARCHIVE" --version >"$TMP/ver" 2>&1
ok $? "--version exits 0"
grep -Eq '^opus-archive [0-9]+\.[0-9]+' "$TMP/ver"
ok $? "--version prints the version"

usage() {  # usage DESCRIPTION EXPECTED-TEXT ARGS...
	desc=$1 want=$2
	shift 2
	"$OPUS_ARCHIVE" "$@" >"$TMP/out" 2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq 2 ]; echo $?) "$desc: exit status 2 (got $st)"
	grep -qF -- "$want" "$TMP/err"
	ok $? "$desc: says '$want'"
	[ $? -eq 0 ] || diag "$TMP/err"
}

usage "no input" "nothing to archive"
usage "no output" "no output" --from-json x.json
usage "unknown option" "unknown option '--frobnicate'" --frobnicate
usage "missing value" "needs a value" --from-json
usage "bad format" "unknown format 'pdf'" --from-json x.json -o x --format pdf
usage "bad language" "is not a language tag" --from-json x.json -o x --lang 'zh CN<'
usage "both inputs" "either --from-json or ids" --from-json x.json -o x 123
usage "missing templates" "no article.xhtml" --from-json x.json -o x --templates "$TMP"
# A single-valued option given twice used to keep only the last value.
usage "two --from-json" "--from-json given twice ('a.json' and 'b.json')" --from-json a.json --from-json b.json -o x
usage "two --output" "--output given twice" -o a.epub --output b.epub 123
usage "two -f" "--format given twice" -f epub -f site -o x 123
usage "two --batch" "--batch given twice" --batch a --batch b -o x/
usage "two --cache-dir" "--cache-dir given twice" --cache-dir a --cache-dir b -o x 123
usage "two --rate" "--rate given twice" --rate 1 --rate 2 -o x 123
SOURCE_DATE_EPOCH=soon "$OPUS_ARCHIVE" --from-json x.json -o x >/dev/null 2>"$TMP/err"
ok $([ $? -eq 2 ] && grep -q SOURCE_DATE_EPOCH "$TMP/err"; echo $?) "a bad SOURCE_DATE_EPOCH is a usage error"

"$OPUS_ARCHIVE" --from-json "$TMP/nope.json" -o "$TMP/x.epub" 2>"$TMP/err"
st=$?
ok $([ $st -eq 1 ]; echo $?) "a missing input file: exit status 1 (got $st)"
grep -q "cannot open '$TMP/nope.json'" "$TMP/err"
ok $? "a missing input file is named"
ok $([ ! -e "$TMP/x.epub" ]; echo $?) "nothing written for a failed article"
[ "$(wc -l <"$TMP/err")" -eq 1 ]
ok $? "the error is one line"

# The templates option: a copy with a changed stylesheet is used.
mkdir -p "$TMP/tpl"
cp "$top_srcdir"/templates/* "$TMP/tpl/"
echo '/* custom-marker */' >>"$TMP/tpl/style.css"
first=$(ls "$SAMPLES"/*.json 2>/dev/null | head -n 1)
if [ -n "$first" ]; then
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --templates "$TMP/tpl" \
		--from-json "$first" -o "$TMP/t.epub"
	unzip -p "$TMP/t.epub" OEBPS/style.css | grep -q custom-marker
	ok $? "--templates DIR is used"
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --lang en --from-json "$first" -o "$TMP/en.epub"
	unzip -p "$TMP/en.epub" OEBPS/content.opf | grep -q '<dc:language>en</dc:language>'
	ok $? "--lang sets the book's language"
	"$OPUS_ARCHIVE" --offline --cache-dir "$SAMPLES/cache" -v --from-json "$first" -o "$TMP/v.epub" 2>"$TMP/err"
	grep -q "wrote '$TMP/v.epub'" "$TMP/err"
	ok $? "-v says what was written"
	"$OPUS_ARCHIVE" --offline --cache-dir "$TMP/empty-cache" -q --from-json "$first" -o "$TMP/q.epub" 2>"$TMP/err"
	st=$?
	ok $([ $st -eq 3 ] && [ ! -s "$TMP/err" ]; echo $?) "-q silences warnings; missing pictures still exit 3 (got $st)"
	ok $([ -f "$TMP/q.epub" ]; echo $?) "a book with missing pictures is still written"
fi
finish
