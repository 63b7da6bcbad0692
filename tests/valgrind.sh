#!/bin/sh
# valgrind.sh PROGRAM ARGS...: run PROGRAM under memcheck for `make check
# VALGRIND=yes` (the C tests through LOG_COMPILER; the program itself through
# valgrind-opus-archive.sh as $OPUS_ARCHIVE).
#
# Any memory error or "definitely lost" block makes the run exit 86, which
# the tests see as a wrong exit status, and leaves a report in
# $OA_VALGRIND_LOGS/PID.log, which .ci/run checks after the suite: a test that
# does not look at the exit status (a killed run) still cannot hide an error.
logs=${OA_VALGRIND_LOGS:-${TMPDIR:-/tmp}}
mkdir -p "$logs"
exec valgrind -q --error-exitcode=86 --leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --track-origins=no --num-callers=30 \
	--log-file="$logs/%p.log" "$@"
