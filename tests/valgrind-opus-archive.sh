#!/bin/sh
# $OPUS_ARCHIVE under `make check VALGRIND=yes`: the program under memcheck.
exec "$top_srcdir/tests/valgrind.sh" "$top_builddir/src/opus-archive" "$@"
