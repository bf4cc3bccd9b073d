#!/bin/sh
# usage: install-toolchain.sh PYTHON   (PYTHON: "system" or a version such as 3.12)
. /opt/dlmatrix/scripts/common.sh
python_request=$1

# Some mirrors serve a stale Release file for development suites (forky, sid).
echo 'Acquire::Check-Valid-Until "false";' > /etc/apt/apt.conf.d/99dlmatrix
apt-get update
apt_install ca-certificates
# The host's CA bundle, so HTTPS through an intercepting proxy works (cargo, pip).
if ls /opt/dlmatrix/ca-certificates/*.crt >/dev/null 2>&1; then
  cp /opt/dlmatrix/ca-certificates/*.crt /usr/local/share/ca-certificates/
  update-ca-certificates >/dev/null 2>&1 || update-ca-certificates
fi

if [ "$python_request" = system ]; then
  python_pkg=python3
else
  python_pkg=python$python_request
  if ! has_candidate "$python_pkg-dev"; then
    skip_environment "this distro has no Python $python_request package ($python_pkg-dev)"
  fi
fi

# Older suites ship a rustc too old for PyO3 but a newer one as rustc-web/cargo-web.
if has_candidate rustc-web && has_candidate cargo-web; then rust_pkgs="rustc-web cargo-web"; else rust_pkgs="rustc cargo"; fi
apt_install "$python_pkg-dev" python3-pip gcc libc6-dev $rust_pkgs nodejs

python_bin=$(command -v "python$python_request" 2>/dev/null || command -v python3)
[ "$python_request" = system ] && python_bin=$(command -v python3)
fact python_path "$python_bin"
fact python "$("$python_bin" -c 'import platform; print(platform.python_version())')"
fact rustc "$(rustc --version)"
fact node "$(node --version 2>/dev/null || echo none)"
fact distro "$(. /etc/os-release; echo "${PRETTY_NAME:-unknown}")"
