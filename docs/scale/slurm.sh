#!/bin/sh
# A Slurm job array: 4 tasks, each archiving its --shard of one list into a
# shared directory (NFS, or a cluster file system with fcntl locks).
# Task ids 1 to 4 are the shards; keep --array and the N below in step.
#   sbatch docs/scale/slurm.sh
#   sbatch --dependency=afterok:JOBID --wrap 'opus-archive --reindex /shared/archive/library'
#SBATCH --job-name=opus-archive
#SBATCH --array=1-4
#SBATCH --cpus-per-task=1
#SBATCH --time=24:00:00
#SBATCH --output=opus-archive-%a.log
set -eu
: "${SLURM_ARRAY_TASK_ID:?run this as a job array (sbatch --array=1-4)}"
N=${SLURM_ARRAY_TASK_COUNT:-4}
ARCHIVE=${ARCHIVE:-/shared/archive}
exec opus-archive --shard "$SLURM_ARRAY_TASK_ID/$N" \
	--batch "$ARCHIVE/ids.txt" --format site -o "$ARCHIVE/library/" \
	--cache-dir "$ARCHIVE/cache" --warc-dir "$ARCHIVE/warc/" -q
