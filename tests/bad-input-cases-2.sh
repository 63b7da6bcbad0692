#!/bin/sh
# Part of tests/bad-input.sh, run in parallel with the others: the cases of
# tests/bad/ and the generated ones but field-*, every second from the second.
BAD_PART=cases BAD_SHARD=2/2
. "$(dirname "$0")/bad-input.sh"
