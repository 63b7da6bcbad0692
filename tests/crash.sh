#!/bin/sh
# Crash safety, against tests/bili-server.py with some latency: SIGKILL at
# random moments of a batch into an output directory leaves only complete
# books there, and the next normal run completes and leaves no temporary
# file (it clears what the killed run left), in the output directory and in
# the cache.  tests/crash-refresh.sh has the rest (run in parallel with this
# one): a dead run's temporary files, SIGKILL during --refresh, a full disk
# and a read-only output directory.
#
# make check runs the kills in two halves, in parallel:
# tests/crash-kills-1.sh and tests/crash-kills-2.sh set CRASH_HALF=1 (runs 1
# to RUNS/2) or 2 (the rest), then source this script.  Run alone, it makes
# every run.
. "$(dirname "$0")/crash-setup.sh"

case ${CRASH_HALF:-all} in
1) first=1 last=$((RUNS / 2)) ;;
2) first=$((RUNS / 2 + 1)) last=$RUNS ;;
*) first=1 last=$RUNS ;;
esac
kills=$((last - first + 1))

faults '[]'
# how long a batch takes from an empty cache: the kills land inside it
t0=$(now_ms)
batch cold
wait $PID
st=$?
span=$(( $(now_ms) - t0 ))
ok $([ $st -eq 0 ]; echo $?) "a whole batch from an empty cache: exit status $st in $span ms"
[ $st -eq 0 ] || diag "$TMP/err"
# and from a warm cache, where a kill lands in rendering and writing more often
t0=$(now_ms)
batch cold
wait $PID
warm=$(( $(now_ms) - t0 ))
rm -rf "$OUT"

bad_books=0 bad_after=0 left=0 killed_writing=0 cache_left=0 killed_fetching=0
run=$((first - 1))
while [ $run -lt $last ]; do
	run=$((run + 1))
	# odd runs start from an empty cache (kills land in downloads), even runs
	# from a warm one (kills land in rendering and writing)
	[ $((run % 2)) -eq 1 ] && rm -rf "$TMP/c-kill"
	if [ $((run % 2)) -eq 1 ]; then delay=$(random_below "$span"); else delay=$(random_below "$warm"); fi
	batch c-kill
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -KILL $PID 2>/dev/null
	wait $PID 2>/dev/null
	[ -n "$(temps_in "$OUT")" ] && killed_writing=$((killed_writing + 1))
	[ -n "$(temps_in "$TMP/c-kill")" ] && killed_fetching=$((killed_fetching + 1))
	if ! books_ok "$OUT"; then
		bad_books=$((bad_books + 1))
		echo "# run $run, killed after $delay ms:"
		diag "$TMP/zip.err"
	fi
	batch c-kill
	wait $PID
	st=$?
	if [ $st -ne 0 ] || ! books_ok "$OUT" || [ "$(ls "$OUT"/*.epub | wc -l)" -ne 3 ]; then
		bad_after=$((bad_after + 1))
		echo "# run $run: the run after the kill: exit status $st"
		diag "$TMP/err" "$TMP/zip.err"
	fi
	if [ -n "$(temps_in "$OUT")" ]; then
		left=$((left + 1))
		temps_in "$OUT" | sed 's/^/# left: /'
	fi
	# a download the kill cut off is in a directory the next run writes its
	# picture to, so that run sweeps it
	if [ -n "$(temps_in "$TMP/c-kill")" ]; then
		cache_left=$((cache_left + 1))
		temps_in "$TMP/c-kill" | sed 's/^/# left in the cache: /'
	fi
	# every other run starts from an empty output directory too
	[ $((run % 4)) -eq 0 ] && rm -rf "$OUT"
done
ok $bad_books "after $kills kills (runs $first to $last) at random moments every book in the directory is complete"
ok $bad_after "after each kill, a normal run completes and writes the three books"
ok $left "the run after a kill leaves no temporary file ($killed_writing kills had left some)"
ok $cache_left "the run after a kill leaves no partial download in the cache ($killed_fetching kills had left some)"

finish
