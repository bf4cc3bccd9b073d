#!/bin/sh
# usage: install-runtime.sh PYTHON BUILD
# What running cells needs, and nothing to build with: the interpreter, its shared libpython
# (the library under test links it), pip for NumPy wheels, and Node.js for the koffi loader.
STAGE=environment
. "$(dirname "$0")/common.sh"
apt_update
apt_install ca-certificates
trust_host_ca
if [ "$2" = distro ]; then
  python_pkg=$(python_package "$1")
  is_skipped && exit 0
  apt_install "$python_pkg"
  version=$("$python_pkg" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  has_candidate "libpython$version" || skip_environment "this distro has no shared libpython$version"
  apt_install "libpython$version" python3-pip nodejs
  python_bin=$(command -v "$python_pkg")
  require_release "$1" "$python_bin"
else
  source_python
  apt_install $RUNTIME_PACKAGES nodejs
  python_bin=$PYTHON_EXECUTABLE
fi
apt_clean
ldconfig
use_python "$python_bin" "$2" "$1"
# The harness compares it with koffi's minimum: too old makes the node cells `skipped`.
if command -v node >/dev/null; then manifest set node "$(node --version)"; else manifest set node null --json; fi
manifest set loaders "{\"node\": \"$DLMATRIX_NODE_LOADER\"}" --json
