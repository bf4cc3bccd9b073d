#!/bin/sh
# usage: install-numpy.sh NUMPY   (NUMPY: "system" for the distro's python3-numpy, or a release
# that the harness already checked exists on PyPI with a wheel for this Python)
. /opt/dlmatrix/scripts/common.sh
is_skipped && exit 0
python_bin=$(cat "$FACTS/python_path")
if [ "$1" = system ]; then
  # python3-numpy is built for the distro's default python3: compare interpreters, not paths
  # (/usr/bin/python3.11 is the default python3 on bookworm).
  same=$("$python_bin" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  default=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  [ "$same" = "$default" ] || skip_environment "python3-numpy is built for the distro's default python3 ($default), not Python $(cat "$FACTS/python")"
  apt_update
  apt_install python3-numpy
  apt_clean
else
  # Debian 12+ marks the system Python externally managed; older pip has no such flag.
  bsp=""
  "$python_bin" -m pip install --help | grep -q -- --break-system-packages && bsp=--break-system-packages
  "$python_bin" -m pip install --no-cache-dir --only-binary=:all: --no-warn-script-location $bsp "numpy==$1"
fi
fact numpy "$("$python_bin" -c 'import numpy; print(numpy.__version__)')"
