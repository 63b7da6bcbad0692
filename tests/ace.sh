#!/bin/sh
# Accessibility: Ace by DAISY finds no critical or serious violation in the
# sample books.  Skipped when Ace (ace-puppeteer) or Chromium is not installed.
. "$(dirname "$0")/lib.sh"

ace=$(command -v ace-puppeteer || true)
chrome=${PUPPETEER_EXECUTABLE_PATH:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$ace" ] || [ -z "$chrome" ]; then
	echo "1..0 # SKIP Ace by DAISY (ace-puppeteer) or Chromium is not installed"
	exit 0
fi
if ! have_python; then
	echo "1..0 # SKIP python3 is needed to read Ace's report"
	exit 0
fi
PUPPETEER_EXECUTABLE_PATH=$chrome
export PUPPETEER_EXECUTABLE_PATH

check() {  # check NAME BOOK
	rm -rf "$TMP/ace-$1"
	"$ace" -f -o "$TMP/ace-$1" "$2" >"$TMP/ace.log" 2>&1
	"$PYTHON3" - "$TMP/ace-$1/report.json" >"$TMP/ace.out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
bad = []
n = 0
for a in r.get("assertions", []):
    for t in a.get("assertions", []):
        n += 1
        imp = t["earl:test"].get("earl:impact")
        if imp in ("critical", "serious"):
            bad.append("%s %s @ %s" % (imp, t["earl:test"].get("dct:title"),
                                       a.get("earl:testSubject", {}).get("url")))
for b in bad:
    print(b)
print("%d violations, %d critical or serious" % (n, len(bad)))
sys.exit(1 if bad else 0)
PY
	st=$?
	ok $st "$1: Ace reports no critical or serious violation ($(tail -n 1 "$TMP/ace.out"))"
	[ $st -eq 0 ] || { diag "$TMP/ace.out"; tail -n 5 "$TMP/ace.log" | diag; }
}

for resp in "$SAMPLES"/*.json; do
	name=$(basename "$resp" .json)
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$resp" -o "$TMP/$name.epub"
	check "$name" "$TMP/$name.epub"
done
# a real article, without its pictures: placeholders and the drawn cover
real=$SHARED/samples/api/opus_detail_933099353259638816_code_blocks_headings.json
if [ -f "$real" ]; then
	"$OPUS_ARCHIVE" -q --offline --cache-dir "$SAMPLES/cache" --from-json "$real" -o "$TMP/real.epub"
	check "real article" "$TMP/real.epub"
else
	skip "real article" "../shared/samples/api is not present"
fi
finish
