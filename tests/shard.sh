#!/bin/sh
# Many workers, one archive (issue 18), against tests/bili-server.py: --shard
# K/N splits a list by a documented hash of the id; four workers sharing one
# cache and one output directory archive 200 articles, each asked of the API
# once; a worker killed half-way and run again completes the set; two runs
# racing on one article leave one whole book; another host's temporary files
# are left alone until they are old; workers on one host share --rate; and
# --reindex rebuilds a library site that many workers wrote.
. "$(dirname "$0")/lib.sh"

. "$top_srcdir/tests/server.sh"

# 210 articles made from the bundled sample (the same pictures, so workers
# share them in the cache); each links to the next, for the library's links.
# ids.txt holds the first 200, more.txt all 210.
D=$TMP/data
"$PYTHON3" - "$SAMPLES/opus-full.json" "$D" <<'EOF'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
base = json.load(open(src, encoding="utf-8"))
old = base["data"]["item"]["id_str"]
os.makedirs(out + "/opus")
ids = ["92000000000000%05d" % i for i in range(210)]
for i, new in enumerate(ids):
    d = json.loads(json.dumps(base))
    it = d["data"]["item"]
    it["id_str"] = new
    for m in it["modules"]:
        if m["module_type"] == "MODULE_TYPE_TITLE":
            m["module_title"]["text"] = "Shard article %d" % i
        if m["module_type"] == "MODULE_TYPE_AUTHOR":
            m["module_author"]["pub_ts"] = 1700000000 + i * 3600
    text = json.dumps(d, ensure_ascii=False).replace(old, new)
    text = text.replace("1032759148265390081", ids[(i + 1) % 200])
    open("%s/opus/%s.json" % (out, new), "w", encoding="utf-8").write(text)
open(out + "/ids.txt", "w").write("\n".join(ids[:200]) + "\n")
open(out + "/more.txt", "w").write("\n".join(ids) + "\n")
EOF
server_start "$D"
IDS=$D/ids.txt

# The shard of each id by the man page's rule (SHA-256 of the id's decimal
# digits, first 8 bytes big-endian, mod N, plus 1), computed here on its own.
shard_of() {  # FILE N -> "ID K" lines
	"$PYTHON3" -c '
import hashlib, sys
n = int(sys.argv[2])
for line in open(sys.argv[1]):
    i = line.strip()
    if i:
        print(i, int.from_bytes(hashlib.sha256(i.encode()).digest()[:8], "big") % n + 1)
' "$1" "$2"
}
shard_of "$IDS" 4 >"$TMP/want.200"
shard_of "$D/more.txt" 4 >"$TMP/want.210"

# The ids a worker wrote a book for, from its messages.
written() {  # ERRFILE
	sed -n "s/^opus-archive: opus \([0-9]*\): .* -> .*/\1/p" "$1" | sort
}

# Temporary files anywhere under the directories given.
leftovers() {
	find "$@" -name '.*.tmp-*' | wc -l
}

# Is every book whole: a zip whose first entry is a stored mimetype, every
# entry's CRC right?  Prints the bad ones.
whole_books() {  # DIR
	"$PYTHON3" - "$1" <<'EOF'
import os, sys, zipfile
d = sys.argv[1]
bad = 0
for f in sorted(os.listdir(d)):
    if not f.endswith(".epub"):
        continue
    try:
        z = zipfile.ZipFile(os.path.join(d, f))
        first = z.infolist()[0]
        if first.filename != "mimetype" or first.compress_type != 0 or z.testzip() is not None:
            raise ValueError("bad zip")
    except Exception as e:
        print("# bad book:", f, e)
        bad += 1
sys.exit(1 if bad else 0)
EOF
}

# Does the manifest hold whole lines only (7 tab-separated fields), and which ids?
manifest_ids() {  # DIR -> sorted unique ids, exit 1 on a bad line
	"$PYTHON3" - "$1/.opus-archive.tsv" <<'EOF'
import sys
data = open(sys.argv[1], encoding="utf-8").read()
bad = [l for l in data.split("\n") if l and len(l.split("\t")) != 7]
print("\n".join(sorted({l.split("\t")[0] for l in data.split("\n") if l})))
sys.exit(1 if bad or not data.endswith("\n") else 0)
EOF
}

# Run the four workers of a list at once, with GNU parallel when it is
# there (one job slot a shard), else as background jobs.
workers() {  # CACHE OUT LIST EXTRA-ARGS...
	wc_cache=$1 wc_out=$2 wc_list=$3
	shift 3
	if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
		parallel --will-cite -j4 "$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" \
			--cacert "$S/ca.pem" --cache-dir "$TMP/$wc_cache" --retry-delay 0.05 \
			"$@" --batch "$wc_list" -o "$wc_out" --shard '{}/4' "2>$TMP/w{}.err" ::: 1 2 3 4
		wc_status=$?
	else
		for k in 1 2 3 4; do
			oa "$wc_cache" "$@" --batch "$wc_list" -o "$wc_out" --shard "$k/4" 2>"$TMP/w$k.err" &
			eval "wpid$k=\$!"
		done
		wc_status=0
		for k in 1 2 3 4; do
			eval "wait \$wpid$k" || wc_status=1
		done
	fi
}

# --- usage --------------------------------------------------------------------
mark
bad_usage=0
for arg in 0/4 5/4 4/0 x/4 1/4/2 '' 4 -1/4 2/3x ' 1/4' 1/1000001; do
	oa u --shard "$arg" --batch "$IDS" -o "$TMP/u/" 2>"$TMP/err"
	st=$?
	if [ $st -ne 2 ] || [ -e "$TMP/u" ] || ! grep -q -- "--shard" "$TMP/err"; then
		echo "# --shard '$arg': exit $st"
		bad_usage=1
	fi
done
ok $bad_usage "--shard K/N out of range or malformed: exit 2, one line naming it, nothing made"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "and no request at all"
oa u --shard 1/2 --from-json "$SAMPLES/opus-full.json" -o "$TMP/u.epub" 2>"$TMP/err"
ok $([ $? -eq 2 ] && [ ! -e "$TMP/u.epub" ]; echo $?) "--shard with --from-json is a usage error"

# --- four workers, one cache, one output directory --------------------------------
mark
start=$(date +%s)
workers c "$TMP/books" "$IDS" --rate 1000
ok $wc_status "four workers (--shard 1/4 ... 4/4) finish with exit status 0 ($(($(date +%s) - start)) s)"
since | "$PYTHON3" -c '
import json, sys, collections
c = collections.Counter()
for l in sys.stdin:
    r = json.loads(l)
    if r["path"].endswith("/opus/detail"):
        c[dict(p.split("=", 1) for p in r["query"].split("&"))["id"]] += 1
want = set(open(sys.argv[1]).read().split())
print("# %d ids asked, %d asked more than once, %d of the list never" % (
    len(c), sum(1 for v in c.values() if v > 1), len(want - set(c))))
sys.exit(0 if set(c) == want and all(v == 1 for v in c.values()) else 1)
' "$IDS" >"$TMP/asked" 2>&1
ok $? "every article's API answer is asked exactly once over the four workers"
cat "$TMP/asked"
n=$(ls "$TMP/books" | grep -c '\.epub$')
ok $([ "$n" -eq 200 ]; echo $?) "200 books in the shared directory ($n)"
whole_books "$TMP/books"
ok $? "every book is whole (a zip with its mimetype first, every CRC right)"
manifest_ids "$TMP/books" >"$TMP/man.ids"
ok $? "the shared manifest holds whole lines only"
sort "$IDS" | cmp -s - "$TMP/man.ids"
ok $? "and names every one of the 200 articles"
ok $([ "$(leftovers "$TMP/books" "$TMP/c")" -eq 0 ]; echo $?) "no temporary file left in the output or the cache"
epub_check "$TMP/books/$(sed -n 17p "$IDS").epub" "a worker's book passes EPUBCheck"
# the partition: each worker wrote exactly its shard by the documented rule
part=0
for k in 1 2 3 4; do
	written "$TMP/w$k.err" >"$TMP/got.$k"
	awk -v k=$k '$2 == k { print $1 }' "$TMP/want.200" | sort >"$TMP/exp.$k"
	cmp -s "$TMP/got.$k" "$TMP/exp.$k" || { part=1; echo "# shard $k/4 differs from the rule"; }
done
ok $part "each worker archived exactly its shard by the man page's rule (SHA-256, first 8 bytes mod N)"
cat "$TMP/got.1" "$TMP/got.2" "$TMP/got.3" "$TMP/got.4" | sort | uniq -d >"$TMP/dup"
cat "$TMP/got.1" "$TMP/got.2" "$TMP/got.3" "$TMP/got.4" | sort -u | cmp -s - "$TMP/man.ids"
ok $([ $? -eq 0 ] && [ ! -s "$TMP/dup" ]; echo $?) \
	"the shards are disjoint and together hold every article ($(wc -l <"$TMP/got.1") $(wc -l <"$TMP/got.2") $(wc -l <"$TMP/got.3") $(wc -l <"$TMP/got.4"))"
# stable when ids are added: shard 1/4 of 210 ids keeps shard 1/4 of the 200
oa c --offline --shard 1/4 --batch "$D/more.txt" -o "$TMP/more" 2>"$TMP/err"
written "$TMP/err" >"$TMP/more.got"
grep -o 'opus 92[0-9]*: no saved response' "$TMP/err" | sed 's/opus \([0-9]*\).*/\1/' | sort -u >"$TMP/more.new"
sort "$TMP/more.got" "$TMP/more.new" >"$TMP/more.all"
awk '$2 == 1 { print $1 }' "$TMP/want.210" | sort >"$TMP/more.exp"
cmp -s "$TMP/more.got" "$TMP/exp.1" && cmp -s "$TMP/more.all" "$TMP/more.exp"
ok $? "adding 10 ids moves none of the others between shards ($(wc -l <"$TMP/more.new") new in shard 1)"
grep -q "shard 1/4: $(wc -l <"$TMP/more.exp") of the 210 articles named" "$TMP/err"
ok $? "a worker says how much of the list is its share"
# one id on the command line, not in this shard: nothing to do, exit 0
other=$(awk '$2 == 2 { print $1; exit }' "$TMP/want.200")
oa c --offline --shard 1/4 "$other" -o "$TMP/one.epub" 2>"$TMP/err"
ok $([ $? -eq 0 ] && [ ! -e "$TMP/one.epub" ] && grep -q "shard 2/4" "$TMP/err"; echo $?) \
	"one article of another shard: nothing written, exit status 0"

# names from a template many articles share: no two articles get one name
head -n 40 "$IDS" >"$TMP/forty.txt"
workers c "$TMP/named" "$TMP/forty.txt" --offline --name '{author}'
n=$(ls "$TMP/named" | grep -c '\.epub$')
names=$(cut -f2 "$TMP/named/.opus-archive.tsv" | sort -u | wc -l)
ids=$(cut -f1 "$TMP/named/.opus-archive.tsv" | sort -u | wc -l)
ok $([ $wc_status -eq 0 ] && [ "$n" -eq 40 ] && [ "$names" -eq 40 ] && [ "$ids" -eq 40 ]; echo $?) \
	"four workers naming 40 articles of one writer '{author}', '{author}-2' ... give 40 books 40 names ($n books)"

# --- a worker killed half-way, then run again ----------------------------------
faults '[{"host": "api.bilibili.com", "path": "/opus/detail", "fault": "latency", "delay": 0.4}]'
for k in 1 2 3 4; do
	# the program itself in the background (not the oa function's subshell), to be killed
	"$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" --cache-dir "$TMP/c2" \
		--rate 1000 --batch "$IDS" -o "$TMP/books2" --shard "$k/4" 2>"$TMP/k$k.err" &
	eval "kpid$k=\$!"
done
i=0
while ! grep -q ' -> ' "$TMP/k2.err" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $kpid2 2>/dev/null
wait $kpid1 $kpid2 $kpid3 $kpid4
faults '[]'
had=$(ls "$TMP/books2" | grep -c '\.epub$')
grep -q "articles:.*done" "$TMP/k2.err"
ok $([ $? -ne 0 ] && [ "$had" -lt 200 ]; echo $?) "worker 2 was killed half-way ($had books, $(written "$TMP/k2.err" | wc -l) of its own)"
oa c2 --batch "$IDS" -o "$TMP/books2" --shard 2/4 2>"$TMP/err"
expect_status $? 0 "worker 2 run again"
n=$(ls "$TMP/books2" | grep -c '\.epub$')
whole_books "$TMP/books2"
ok $([ $? -eq 0 ] && [ "$n" -eq 200 ]; echo $?) "the set is complete and whole ($n books)"
skipped=$(sed -n 's/.* articles: [0-9]* done, \([0-9]*\) skipped.*/\1/p' "$TMP/err")
killed_done=$(written "$TMP/k2.err" | wc -l)
ok $([ "${skipped:-0}" -ge "$killed_done" ]; echo $?) \
	"the run again skips what the killed worker had finished ($skipped skipped, $killed_done written before the kill)"
ok $([ "$(leftovers "$TMP/books2" "$TMP/c2")" -eq 0 ]; echo $?) "and nothing the killed worker was writing is left"
manifest_ids "$TMP/books2" >/dev/null
ok $? "the manifest has whole lines only"

# --- two runs racing on one article -------------------------------------------
faults '[{"host": "api.bilibili.com", "path": "/opus/detail", "fault": "latency", "delay": 0.3}]'
RID=$(sed -n 5p "$IDS")
race=0
for round in 1 2 3; do
	rm -rf "$TMP/race"
	oa c3 --refresh -f epub "$RID" -o "$TMP/race/" 2>"$TMP/r1.err" & r1=$!
	oa c3 --refresh -f epub "$RID" -o "$TMP/race/" 2>"$TMP/r2.err" & r2=$!
	wait $r1; s1=$?
	wait $r2; s2=$?
	files=$(ls -A "$TMP/race" | tr '\n' ' ')
	if [ $s1 -ne 0 ] || [ $s2 -ne 0 ] || [ "$files" != ".opus-archive.tsv $RID.epub " ] ||
		! whole_books "$TMP/race"; then
		race=1
		echo "# round $round: exit $s1 $s2, files: $files"
	fi
done
faults '[]'
ok $race "two runs racing on one article into one directory leave one whole book, three times over"
epub_check "$TMP/race/$RID.epub" "and it passes EPUBCheck"

# --- another host's temporary files --------------------------------------------
mkdir -p "$TMP/host"
fresh="$TMP/host/.$RID.epub.tmp-otherhost+0badf00d+4026531836+1-AbC123"
old="$TMP/host/.x.epub.tmp-otherhost+0badf00d+4026531836+1-zip"
dead=999999
while kill -0 $dead 2>/dev/null; do dead=$((dead - 1)); done
mine="$TMP/host/.y.epub.tmp-$(temp_token)+$dead-XyZ789"
: >"$fresh"
: >"$old"
: >"$mine"
touch -d '3 hours ago' "$old"
oa c --offline -f epub "$RID" -o "$TMP/host/" 2>"$TMP/err"
ok $([ -e "$fresh" ] && [ -s "$TMP/host/$RID.epub" ]; echo $?) \
	"another host's fresh temporary file is left alone, though its pid (1) is not its writer here"
ok $([ ! -e "$old" ] && [ ! -e "$mine" ]; echo $?) \
	"another host's file older than the age limit is swept, and this host's of a dead pid"

# --- one API rate for the workers of a host ------------------------------------
head -n 8 "$IDS" >"$TMP/rate.txt"
rate_check() {  # MAX-PER-SECOND -> prints "R requests in T s", exit 1 above the rate
	since | grep '"host": *"api.bilibili.com"' | "$PYTHON3" -c '
import json, sys
t = sorted(json.loads(l)["t"] for l in sys.stdin)
span = t[-1] - t[0]
rate = (len(t) - 1) / span if span > 0 else float("inf")
burst = max(sum(1 for u in t if x <= u < x + 1.0) for x in t)
print("%d API requests in %.2f s: %.2f a second, at most %d within 1 s" % (len(t), span, rate, burst))
# the requests leave at most R a second; a loaded machine can delay one on its
# way to the server log and bunch it with the next, hence the room in burst
sys.exit(0 if rate <= float(sys.argv[1]) * 1.1 and burst <= 2 * float(sys.argv[1]) else 1)
' "$1"
}
# three workers at --rate 2 over the same 8 articles, each into its own
# directory, with the caches given (the same one three times, or one each)
rate_workers() {  # CACHE-FOR-WORKER-1 CACHE-FOR-WORKER-2 CACHE-FOR-WORKER-3
	mark
	k=0
	for cache in "$@"; do
		k=$((k + 1))
		"$OPUS_ARCHIVE" --connect-to "::127.0.0.1:$PORT" --cacert "$S/ca.pem" \
			--cache-dir "$TMP/$cache" --rate 2 --batch "$TMP/rate.txt" -o "$TMP/rate-$cache-$k" -q &
		eval "rpid$k=\$!"
	done
	wait $rpid1 $rpid2 $rpid3
}
if [ "${OA_VALGRIND:-}" = yes ]; then
	# under valgrind the workers crawl and their requests bunch: no timing to read
	skip "three workers with --rate 2 and one cache share the rate" "timing under valgrind"
	skip "the control, a cache each: the rate is not shared" "timing under valgrind"
	rate_workers c5 c5 c5
else
	rate_workers c5 c5 c5
	msg=$(rate_check 2)
	ok $? "three workers with --rate 2 and one cache: at most about 2 API requests a second overall ($msg)"
	# the control: with a cache each, each worker has its own rate
	rate_workers c61 c62 c63
	msg=$(rate_check 2)
	ok $([ $? -ne 0 ]; echo $?) "the control, a cache each: the rate is not shared ($msg)"
fi
ls "$TMP/c5/rate/" | grep -q '^api-'
ok $? "the shared bucket is a file in the cache (rate/api-HOST)"
# a cache where the bucket cannot be made: the run keeps to its own rate, and says so
mkdir -p "$TMP/c7"
: >"$TMP/c7/rate"
oa c7 -f epub "$RID" -o "$TMP/rate7/" 2>"$TMP/err"
st=$?
ok $([ $st -eq 0 ] && [ -s "$TMP/rate7/$RID.epub" ] &&
	[ "$(grep -c 'rate cannot be shared' "$TMP/err")" -eq 1 ]; echo $?) \
	"no bucket possible in the cache: one warning, and the run goes on alone (exit status $st)"

# --- a library site from four workers, reindexed -----------------------------
workers c "$TMP/site" "$IDS" --rate 1000 -f site
ok $wc_status "four workers build one library site"
mark
"$OPUS_ARCHIVE" --reindex "$TMP/site" 2>"$TMP/err"
expect_status $? 0 "--reindex DIR"
ok $([ "$(since | wc -l)" -eq 0 ]; echo $?) "--reindex makes no request"
"$PYTHON3" - "$TMP/site" "$IDS" <<'EOF'
import os, re, sys
d, ids = sys.argv[1], open(sys.argv[2]).read().split()
index = open(os.path.join(d, "index.html"), encoding="utf-8").read()
listed = set(re.findall(r'href="(\d+)\.html"', index))
if listed != set(ids):
    print("# index lists %d of %d" % (len(listed & set(ids)), len(ids)))
    sys.exit(1)
bad = 0
for i, a in enumerate(ids):
    page = open(os.path.join(d, a + ".html"), encoding="utf-8").read()
    nxt = ids[(i + 1) % len(ids)]
    if ('href="%s.html"' % nxt) not in page or ("bilibili.com/opus/%s\"" % nxt) in page:
        bad += 1
if bad:
    print("# %d pages do not link to the next article's local page" % bad)
sys.exit(1 if bad else 0)
EOF
ok $? "the index lists all 200 pages and every page links to the next article's local page"
"$OPUS_ARCHIVE" --reindex "$TMP/books" 2>"$TMP/err"
ok $([ $? -eq 1 ] && grep -q "no library site" "$TMP/err"; echo $?) "--reindex of a directory of books says there is no site there"
"$OPUS_ARCHIVE" --reindex "$TMP/site" "$RID" 2>"$TMP/err"
ok $([ $? -eq 2 ]; echo $?) "--reindex with ids is a usage error"

finish
