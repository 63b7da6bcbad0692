#!/bin/sh
# GNU parallel, on this machine or over ssh: N workers, each archiving its
# --shard of one list into a directory every host mounts at the same path
# (NFS), sharing one cache; then the site's index is rebuilt once.
#   HOSTS=2/host1,2/host2 ARCHIVE=/nfs/archive N=4 docs/scale/parallel.sh
# HOSTS is parallel's --sshlogin: ':' is this machine, "2/host1" runs two
# jobs at a time on host1.  Each job's number ({}, 1 to N) is its shard:
# not the job slot ({%}), which a later job reuses, so that one shard can be
# run again alone (seq 3 3 | parallel ...).
set -eu
HOSTS=${HOSTS:-:}
N=${N:-4}
ARCHIVE=${ARCHIVE:-$PWD}
mkdir -p "$ARCHIVE/warc"
seq 1 "$N" | parallel --will-cite --sshlogin "$HOSTS" --line-buffer \
	opus-archive --shard "{}/$N" --batch "$ARCHIVE/ids.txt" --format site \
	-o "$ARCHIVE/library/" --cache-dir "$ARCHIVE/cache" \
	--warc "$ARCHIVE/warc/shard-{}.warc.gz" -q
opus-archive --reindex "$ARCHIVE/library"
# one WARC of the whole run: gzip members concatenate into a valid .warc.gz
cat "$ARCHIVE"/warc/shard-*.warc.gz >"$ARCHIVE/warc/all.warc.gz"
