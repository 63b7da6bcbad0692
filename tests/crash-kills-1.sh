#!/bin/sh
# Part of tests/crash.sh, run in parallel with the other half: the kills
# during a batch, runs 1 to RUNS/2 of RUNS.
CRASH_HALF=1
. "$(dirname "$0")/crash.sh"
