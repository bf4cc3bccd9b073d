#!/bin/sh
# usage: install-numpy.sh NUMPY   (NUMPY: "system" for the distro's python3-numpy, or a PyPI version)
. /opt/dlmatrix/scripts/common.sh
is_skipped && exit 0
numpy_request=$1
python_bin=$(cat "$FACTS/python_path")
python_version=$(cat "$FACTS/python")

if [ "$numpy_request" = system ]; then
  if [ "$python_bin" != "$(command -v python3)" ]; then
    skip_environment "python3-numpy is built for the distro's default python3 only, not Python $python_version"
  fi
  apt_install python3-numpy
else
  # Debian 12+ marks the system Python externally managed; older pip has no such flag.
  bsp=""
  "$python_bin" -m pip install --help | grep -q -- --break-system-packages && bsp=--break-system-packages
  if ! "$python_bin" -m pip install --no-cache-dir --only-binary=:all: $bsp "numpy==$numpy_request" > /tmp/pip.log 2>&1; then
    cat /tmp/pip.log
    # "(from versions: none)" means the index was not reached: a real build error, not a skip.
    if grep -q 'No matching distribution found' /tmp/pip.log && ! grep -q 'from versions: none' /tmp/pip.log; then
      skip_environment "PyPI has no NumPy $numpy_request wheel for Python $python_version on this platform"
    fi
    exit 1
  fi
fi
fact numpy "$("$python_bin" -c 'import numpy; print(numpy.__version__)')"
