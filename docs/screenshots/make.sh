#!/bin/sh
# Remake the README's screenshots: pages of the sample book drawn by MuPDF at
# an e-reader's size in greyscale, the folder site in headless Chromium at a
# phone's size, and a drawn cover.  Needs mutool, chromium and optipng; run
# from the build directory (where src/opus-archive is) or set OPUS_ARCHIVE.
#   usage: docs/screenshots/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
oa=${OPUS_ARCHIVE:-./src/opus-archive}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$oa" -q --offline --cache-dir "$top/samples/cache" --from-json "$top/samples/opus-full.json" -o "$tmp/full.epub"
"$oa" -q --offline --cache-dir "$top/samples/cache" --from-json "$top/samples/opus-full.json" -o "$tmp/site/"
# a 6-inch e-reader: 1072 x 1448 pixels at 300 dpi is 257 x 348 points; drawn at half that
mutool draw -q -W 257 -H 348 -S 10 -r 150 -c gray -o "$tmp/e-%d.png" "$tmp/full.epub" 4 2>/dev/null
cp "$tmp/e-4.png" "$here/ereader-figure.png"
mutool draw -q -W 257 -H 348 -S 10 -r 150 -c gray -o "$tmp/e-%d.png" "$tmp/full.epub" 9 2>/dev/null
cp "$tmp/e-9.png" "$here/ereader-code.png"
udd=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
	--user-data-dir="$udd" --window-size=390,844 --screenshot="$here/phone-site.png" \
	"file://$tmp/site/1047362918573064199.html" >/dev/null 2>&1
rm -rf "$udd"
# the bundled sample with no picture cached: the book gets a drawn cover (our own
# sample only: the screenshots in the repository show no one else's article)
mkdir "$tmp/empty-cache"
"$oa" -q --offline --cache-dir "$tmp/empty-cache" --from-json "$top/samples/opus-full.json" \
	-o "$tmp/drawn.epub" || true
(cd "$tmp" && unzip -q -o drawn.epub OEBPS/cover.svg)
mutool draw -q -r 24 -c gray -o "$here/drawn-cover.png" "$tmp/OEBPS/cover.svg" 2>/dev/null
optipng -quiet -o5 "$here"/*.png
ls -l "$here"/*.png
