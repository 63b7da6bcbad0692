#!/bin/sh
# Part of tests/gen.sh, run in parallel with the other half: the second half of the generated responses, then the regression cases.
GEN_PART=2
. "$(dirname "$0")/gen.sh"
