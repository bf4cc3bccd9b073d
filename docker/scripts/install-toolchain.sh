#!/bin/sh
# usage: install-toolchain.sh PYTHON   (PYTHON: "system" or a version such as 3.12)
# What building needs: the Python headers (PyO3 links libpython), gcc, and Rust (Debian's
# rustc-web where the suite has a newer one, else rustc).
. /opt/dlmatrix/scripts/common.sh
apt_update
apt_install ca-certificates
trust_host_ca
python_pkg=$(python_package "$1")
is_skipped && exit 0
has_candidate "$python_pkg-dev" || skip_environment "this distro has no headers for Python $1 ($python_pkg-dev)"

# Older suites ship a rustc too old for PyO3 but a newer one as rustc-web/cargo-web.
if has_candidate rustc-web && has_candidate cargo-web; then rust_pkgs="rustc-web cargo-web"; else rust_pkgs="rustc cargo"; fi
apt_install "$python_pkg-dev" gcc libc6-dev $rust_pkgs
apt_clean

record_python_facts "$python_pkg"
fact rustc "$(rustc --version)"
# Which NumPy wheels fit (manylinux tags): the C library's version and the CPU.
fact glibc "$(getconf GNU_LIBC_VERSION | sed 's/^glibc //')"
fact arch "$(uname -m)"
