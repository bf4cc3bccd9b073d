#!/bin/sh
# usage: install-numpy.sh NUMPY REQUEST   (NUMPY: "system" for the distro's python3-numpy, or a
# release that the harness already checked exists on PyPI with a wheel for this Python; REQUEST:
# the numpy axis value it was resolved from)
STAGE=environment
. "$(dirname "$0")/common.sh"
is_skipped && exit 0
if [ "$1" = system ]; then
  # python3-numpy is built for the distro's default python3: compare interpreters, not paths
  # (/usr/bin/python3.11 is the default python3 on bookworm).
  same=$("$DLMATRIX_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  default=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)
  [ "$same" = "$default" ] || skip_environment "python3-numpy is built for the distro's default python3 ($default), not Python $("$DLMATRIX_PYTHON" -c 'import platform; print(platform.python_version())')"
  apt_update
  apt_install python3-numpy
  apt_clean
  source=distro
else
  # Debian 12+ marks the system Python externally managed; older pip has no such flag.
  bsp=""
  "$DLMATRIX_PYTHON" -m pip install --help | grep -q -- --break-system-packages && bsp=--break-system-packages
  # pip from python.org's ensurepip trusts its own CA bundle, not the system's (with the host's CA).
  [ -f /etc/ssl/certs/ca-certificates.crt ] && export PIP_CERT=/etc/ssl/certs/ca-certificates.crt
  "$DLMATRIX_PYTHON" -m pip install --no-cache-dir --only-binary=:all: --no-warn-script-location --disable-pip-version-check $bsp "numpy==$1"
  source=pypi
fi
version=$("$DLMATRIX_PYTHON" -c 'import numpy; print(numpy.__version__)')
manifest set numpy "{\"request\": \"$2\", \"version\": \"$version\", \"source\": \"$source\"}" --json
