#!/bin/sh
# usage: install-toolchain.sh PYTHON BUILD   (PYTHON: "system", X.Y or X.Y.Z; BUILD: the
# python-build axis: distro, or shared/static/standalone for a CPython built from source)
# What building needs: the Python headers (PyO3 links libpython), gcc, and Rust (Debian's
# rustc-web where the suite has a newer one, else rustc).
STAGE=toolchain
. "$(dirname "$0")/common.sh"
apt_update
apt_install ca-certificates
trust_host_ca
if [ "$2" = distro ]; then
  python_pkg=$(python_package "$1")
  is_skipped && exit 0
  has_candidate "$python_pkg-dev" || skip_environment "this distro has no headers for Python $1 ($python_pkg-dev)"
  python_pkgs="$python_pkg-dev"
else
  source_python
  python_pkgs="$RUNTIME_PACKAGES"
fi

# Older suites ship a rustc too old for PyO3 but a newer one as rustc-web/cargo-web.
if has_candidate rustc-web && has_candidate cargo-web; then rust_pkgs="rustc-web cargo-web"; else rust_pkgs="rustc cargo"; fi
# binutils: nm reads the built library's exports for the manifest.
apt_install $python_pkgs gcc libc6-dev binutils $rust_pkgs
apt_clean
[ "$2" = distro ] && python_bin=$(command -v "$python_pkg") || python_bin=$PYTHON_EXECUTABLE
ldconfig
[ "$2" = distro ] && require_release "$1" "$python_bin"

use_python "$python_bin" "$2" "$1"
manifest set rustc "$(rustc --version)"
manifest set cargo "$(cargo --version)"
