#!/bin/sh
# Generated responses (tests/gen/, see tests/gen/README.md): a few hundred
# opus/detail and article/view (HTML and Quill delta) responses from fixed
# seeds, each checked for the invariants every book keeps (no crash or hang,
# the exit status, well-formed documents, unique ids, links that resolve,
# a valid nav and NCX, valid dates, every visible string once and in order,
# the same text in the site, the same bytes twice), EPUBCheck on a handful,
# then every regression case of tests/gen/regress/.
#
# One TAP line per range of seeds; a failure names the seed and the command
# that replays it.  OA_GEN_COUNT, OA_GEN_SEED, OA_GEN_JOBS and
# OA_GEN_EPUBCHECK change the amounts; under valgrind (OA_VALGRIND=yes) and
# in sanitizer builds far fewer responses are checked.
. "$(dirname "$0")/lib.sh"

if ! have_python; then
	echo "1..0 # SKIP python3 is needed to generate and check responses"
	exit 0
fi
if [ ! -x "${OPUS_ARCHIVE%% *}" ]; then
	echo "Bail out! no program at $OPUS_ARCHIVE"
	exit 1
fi

count=300
epubcheck=6
group=50
if [ "${OA_VALGRIND:-}" = yes ]; then
	count=20
	epubcheck=2
	group=10
elif grep -q -a -e __asan_init -e __ubsan_handle "$top_builddir/src/opus-archive" 2>/dev/null; then
	count=100
	group=25
fi
count=${OA_GEN_COUNT:-$count}
seed=${OA_GEN_SEED:-1}
jobs=${OA_GEN_JOBS:-2}
# make check runs this in two halves, in parallel, one job each:
# tests/gen-1.sh (GEN_PART=1: the first half of the seeds) and tests/gen-2.sh
# (GEN_PART=2: the second half, then the regression cases).  EPUBCheck looks
# at every (count / epubcheck)th seed either way.  Run alone, it does all.
case ${GEN_PART:-all} in
1)
	count=$((count / 2))
	epubcheck=$((epubcheck / 2))
	jobs=${OA_GEN_JOBS:-1}
	;;
2)
	seed=$((seed + count / 2))
	count=$((count - count / 2))
	epubcheck=$((epubcheck - epubcheck / 2))
	jobs=${OA_GEN_JOBS:-1}
	;;
esac
why="EPUBCheck (java, epubcheck.jar) is not installed"
have_epubcheck || epubcheck=0
[ -n "${OA_GEN_EPUBCHECK:-}" ] && have_epubcheck && why="OA_GEN_EPUBCHECK=0" && epubcheck=$OA_GEN_EPUBCHECK
timeout=60
[ "${OA_VALGRIND:-}" = yes ] && timeout=600

RUN="$PYTHON3 $top_srcdir/tests/gen/run --program $OPUS_ARCHIVE --templates $top_srcdir/templates --timeout $timeout --out $TMP/failures --tap"

# 1. generated responses, with EPUBCheck on some of their books
$RUN --count "$count" --seed "$seed" --jobs "$jobs" --epubcheck "$epubcheck" \
	--tap-group "$group" --tap-start 1 >"$TMP/gen.out" 2>"$TMP/gen.err"
st=$?
grep -v '^# tap-count ' "$TMP/gen.out"
n=$(sed -n 's/^# tap-count //p' "$TMP/gen.out")
if [ -z "$n" ]; then
	echo "Bail out! tests/gen/run stopped (exit $st)"
	sed 's/^/# /' "$TMP/gen.err" | tail -20
	exit 1
fi
tap_n=$n
tap_failed=$(grep -c '^not ok' "$TMP/gen.out")
if [ "$epubcheck" -eq 0 ]; then
	skip "EPUBCheck on generated books" "$why"
fi

# 2. the regression cases: each a response that once broke an invariant
set -- "$top_srcdir"/tests/gen/regress/*.json
if [ -f "$1" ] && [ "${GEN_PART:-all}" != 1 ]; then
	$RUN --jobs "$jobs" --tap-start $((tap_n + 1)) --replay "$@" >"$TMP/reg.out" 2>"$TMP/reg.err"
	grep -v '^# tap-count ' "$TMP/reg.out"
	n=$(sed -n 's/^# tap-count //p' "$TMP/reg.out")
	if [ -z "$n" ]; then
		echo "Bail out! tests/gen/run --replay stopped"
		sed 's/^/# /' "$TMP/reg.err" | tail -20
		exit 1
	fi
	tap_n=$n
	tap_failed=$((tap_failed + $(grep -c '^not ok' "$TMP/reg.out")))
fi
finish
