#!/bin/sh
# Part of tests/bad-input.sh, run in parallel with the others: the generated
# field-* cases (a field of the wrong type, or null), every third from the second.
BAD_PART=fields BAD_SHARD=2/3
. "$(dirname "$0")/bad-input.sh"
