#!/bin/sh
# usage: install-runtime.sh PYTHON
# What running cells needs, and nothing to build with: the interpreter, its shared libpython
# (the library under test links it), pip for NumPy wheels, and Node.js for the koffi loader.
. /opt/dlmatrix/scripts/common.sh
apt_update
apt_install ca-certificates
trust_host_ca
python_pkg=$(python_package "$1")
is_skipped && exit 0
apt_install "$python_pkg"
version=$("$python_pkg" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
has_candidate "libpython$version" || skip_environment "this distro has no shared libpython$version"
apt_install "libpython$version" python3-pip nodejs
apt_clean

record_python_facts "$python_pkg"
libpython=$("$python_pkg" -c 'import sysconfig, os; print(os.path.join(sysconfig.get_config_var("LIBDIR"), sysconfig.get_config_var("INSTSONAME")))')
[ -e "$libpython" ] || libpython=$(find /usr/lib -name "libpython$version*.so.1*" | head -n 1)
fact libpython "$libpython"

# The harness compares it with koffi's minimum: too old makes the node cells `skipped`.
fact node "$(node --version 2>/dev/null || echo none)"
