#!/bin/sh
# The folder site: every page parses, every local reference resolves, no
# picture comes from the web, and it holds the response's visible text.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to check the site"
	exit 0
fi

run_site() {  # run_site RESPONSE DIR WANT NAME [ARGS...]
	resp=$1 dir=$2 want=$3 name=$4
	shift 4
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$dir" "$@" \
		2>"$TMP/err"
	st=$?
	ok $([ "$st" -eq "$want" ]; echo $?) "$name: exit status $st (want $want)"
	[ "$st" -eq "$want" ] || diag "$TMP/err"
	"$PYTHON3" "$top_srcdir/tests/check-site.py" "$dir" >"$TMP/check" 2>&1
	st=$?
	ok $st "$name: pages parse and every local reference resolves"
	[ $st -eq 0 ] || diag "$TMP/check"
	"$PYTHON3" "$top_srcdir/tests/visible-text.py" "$resp" "$dir" >"$TMP/vis" 2>&1
	st=$?
	ok $st "$name: visible text is on the page"
	[ $st -eq 0 ] || head -20 "$TMP/vis" | sed 's/^/# /'
}

first=$(ls "$SAMPLES"/*.json 2>/dev/null | head -n 1)
if [ -n "$first" ]; then
	run_site "$first" "$TMP/site/" 0 "sample site (trailing slash picks the format)"
	ok $([ -f "$TMP/site/index.html" ] && ls "$TMP"/site/images/* >/dev/null 2>&1; echo $?) "index.html and pictures written"
	st=0
	for page in "$TMP"/site/*.html; do
		[ "$(basename "$page")" = index.html ] && continue
		grep -q '<a href="index.html">' "$page" || st=1
	done
	ok $st "every article page links back to the front page"
	mkdir -p "$TMP/existing"
	run_site "$first" "$TMP/existing" 0 "an existing directory picks the site format"
	run_site "$first" "$TMP/explicit" 0 "--format site" --format site
	# A second run into the same directory rewrites pages and keeps pictures.
	before=$(ls "$TMP/site/images" | wc -l)
	run_site "$first" "$TMP/site/" 0 "second run into the same site"
	after=$(ls "$TMP/site/images" | wc -l)
	ok $([ "$before" -eq "$after" ]; echo $?) "pictures are not duplicated ($before, $after)"
	left=$(find "$TMP/site" -name '*.part' -o -name '.*tmp*' | wc -l)
	ok $([ "$left" -eq 0 ]; echo $?) "no temporary files left in the site"
else
	skip "sample site" "samples/ holds no response"
fi
if ls "$SHARED"/samples/api/opus_detail_*.json >/dev/null 2>&1; then
	for resp in "$SHARED"/samples/api/opus_detail_*.json; do
		run_site "$resp" "$TMP/shared-site/" 3 "real response site (pictures missing)"
	done
else
	skip "real response site" "../shared/samples/api is not present"
fi
finish
