#!/bin/sh
# usage: build-project.sh CACHE_KEY CARGO_TARGET_CACHE   Builds the project in the toolchain
# image (build-project.py does the work on the environment's Python). A skipped environment
# builds nothing.
STAGE=environment
. "$(dirname "$0")/common.sh"
mkdir -p "$DLMATRIX_OUT"
is_skipped && exit 0
cp -r "$DLMATRIX_BIN" "$DLMATRIX_OUT/"
exec "$DLMATRIX_PYTHON" -u "$DLMATRIX_SCRIPTS/build-project.py" "$1" "$2"
