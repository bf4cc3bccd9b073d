#!/bin/sh
# The environment image is complete: the project stage's facts (its toolchain, the library
# variants) join the runtime's in the manifest.
STAGE=environment
. "$(dirname "$0")/common.sh"
is_skipped && exit 0
manifest merge "$DLMATRIX_ROOT/project-manifest.json"
rm "$DLMATRIX_ROOT/project-manifest.json"
manifest ready environment
