#!/bin/sh
# Part of tests/crash.sh, run in parallel with the other half: the kills
# during a batch, runs RUNS/2+1 to RUNS of RUNS.
CRASH_HALF=2
. "$(dirname "$0")/crash.sh"
