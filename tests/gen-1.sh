#!/bin/sh
# Part of tests/gen.sh, run in parallel with the other half: the first half of the generated responses.
GEN_PART=1
. "$(dirname "$0")/gen.sh"
