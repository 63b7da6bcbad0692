#!/bin/sh
# README's "Archiving at scale" recipes (docs/scale/): the Kubernetes
# indexed Job parses and its command maps JOB_COMPLETION_INDEX to --shard;
# the Slurm array script maps SLURM_ARRAY_TASK_ID; the GNU parallel script
# runs each shard once.  A stand-in opus-archive on PATH records the command
# lines; the shard arguments they make are then checked by the real program.
. "$(dirname "$0")/lib.sh"

SCALE=$top_srcdir/docs/scale
mkdir -p "$TMP/bin"
cat >"$TMP/bin/opus-archive" <<EOF
#!/bin/sh
echo "\$*" >>"$TMP/calls"
# a WARC asked for is made (empty), as the real program would
while [ \$# -gt 1 ]; do
	[ "\$1" = --warc ] && : >"\$2"
	shift
done
exit 0
EOF
chmod +x "$TMP/bin/opus-archive"
PATH=$TMP/bin:$PATH
export PATH

# The --shard values of the recorded calls, one a line.
shards() {
	sed -n 's/.*--shard \([^ ]*\).*/\1/p' "$TMP/calls"
}

# Are these --shard values ones the real program takes?  (It stops at the
# missing list, after reading its options: exit 1, not 2.)
accepted() {
	for v in $(shards); do
		"$OPUS_ARCHIVE" --offline --shard "$v" --batch "$TMP/none.txt" -o "$TMP/o/" 2>/dev/null
		[ $? -eq 2 ] && return 1
	done
	return 0
}

# --- Kubernetes ------------------------------------------------------------------
if "$PYTHON3" -c 'import yaml' 2>/dev/null; then
	"$PYTHON3" - "$SCALE/job.yaml" >"$TMP/k8s.cmd" <<'EOF'
import re, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
spec = job["spec"]
assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job", "not a batch/v1 Job"
assert spec["completionMode"] == "Indexed", "not an indexed Job"
c = spec["template"]["spec"]["containers"][0]
cmd = c["command"]
assert cmd[:2] == ["/bin/sh", "-c"], cmd
n = re.search(r"--shard .*?/(\d+)", cmd[2])
assert n and int(n.group(1)) == spec["completions"], "--shard N is not completions"
assert spec["parallelism"] <= spec["completions"]
print(spec["completions"])
print(cmd[2])
EOF
	ok $? "docs/scale/job.yaml parses as an indexed batch/v1 Job whose --shard N is its completions"
	n=$(sed -n 1p "$TMP/k8s.cmd")
	sed -n '2,$p' "$TMP/k8s.cmd" >"$TMP/k8s.sh"
	: >"$TMP/calls"
	i=0
	while [ $i -lt "${n:-0}" ]; do
		JOB_COMPLETION_INDEX=$i sh -c "$(cat "$TMP/k8s.sh")"
		i=$((i + 1))
	done
	printf '%s\n' 1/4 2/4 3/4 4/4 | cmp -s - "$(shards >"$TMP/got"; echo "$TMP/got")"
	ok $? "its command gives JOB_COMPLETION_INDEX 0..3 the shards 1/4..4/4 ($(tr '\n' ' ' <"$TMP/got"))"
	accepted
	ok $? "and the real program takes those --shard values"
else
	skip "docs/scale/job.yaml parses" "python3 has no yaml module"
	skip "the Job's index to --shard mapping" "python3 has no yaml module"
	skip "the real program takes them" "python3 has no yaml module"
fi

# --- Slurm ------------------------------------------------------------------------
: >"$TMP/calls"
for k in 1 2 3 4; do
	SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=4 ARCHIVE=$TMP/a sh "$SCALE/slurm.sh"
done
shards >"$TMP/got"
printf '%s\n' 1/4 2/4 3/4 4/4 | cmp -s - "$TMP/got"
ok $? "docs/scale/slurm.sh gives SLURM_ARRAY_TASK_ID 1..4 the shards 1/4..4/4"
grep -q '^#SBATCH --array=1-4$' "$SCALE/slurm.sh"
ok $? "and asks for the array 1-4"
accepted
ok $? "and the real program takes those --shard values"
: >"$TMP/calls"
env -u SLURM_ARRAY_TASK_ID sh "$SCALE/slurm.sh" 2>"$TMP/err"
ok $([ $? -ne 0 ] && [ ! -s "$TMP/calls" ]; echo $?) "outside a job array it stops before running anything"

# --- GNU parallel -------------------------------------------------------------
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	: >"$TMP/calls"
	mkdir -p "$TMP/p"
	HOSTS=: N=4 ARCHIVE=$TMP/p sh "$SCALE/parallel.sh" >/dev/null 2>"$TMP/err"
	st=$?
	shards | sort >"$TMP/got"
	printf '%s\n' 1/4 2/4 3/4 4/4 | cmp -s - "$TMP/got"
	ok $([ $? -eq 0 ] && [ $st -eq 0 ]; echo $?) "docs/scale/parallel.sh runs each of the 4 shards once ($(tr '\n' ' ' <"$TMP/got"))"
	grep -q "^--reindex $TMP/p/library$" "$TMP/calls" &&
		[ "$(grep -c warc/shard-[1-4].warc.gz "$TMP/calls")" -eq 4 ]
	ok $? "then rebuilds the site's index once; each shard has a WARC of its own"
else
	skip "docs/scale/parallel.sh" "GNU parallel is not installed"
	skip "docs/scale/parallel.sh reindexes" "GNU parallel is not installed"
fi

finish
