#!/bin/sh
# usage: build-project.sh CACHE_KEY   Builds the project in the toolchain image (build-project.py
# does the work on the environment's Python). A skipped environment builds nothing.
. /opt/dlmatrix/scripts/common.sh
mkdir -p /opt/dlmatrix/out/facts /opt/dlmatrix/out/bin
is_skipped && exit 0
cp /opt/dlmatrix/bin/* /opt/dlmatrix/out/bin/
cp "$FACTS/rustc" /opt/dlmatrix/out/facts/
exec "$(cat "$FACTS/python_path")" -u /opt/dlmatrix/src/build-project.py "$1"
