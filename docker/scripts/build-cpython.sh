#!/bin/sh
# usage: build-cpython.sh VERSION BUILD TARBALL SHA256 URL
# Builds CPython VERSION from its release tarball (already verified by the harness against a
# signed or pinned hash; checked again here) in one of the layouts users really have:
#   shared      --enable-shared into /usr/local, registered with ldconfig: the official
#               python:X.Y images' layout (python.org's build instructions)
#   static      the default configure into its own prefix: only libpython3.X.a, as pyenv installs
#               by default (and manylinux ships)
#   standalone  --enable-shared into a prefix of its own, off the loader's search path and off
#               PATH, the interpreter finding libpython through $ORIGIN: python-build-standalone's
#               layout as uv installs it
# No PGO, LTO or test suite: the layout is what is tested, not the interpreter's speed.
# Installs into DLMATRIX_PYTHON_TREE (the files as they go under /) with python-build.env there.
STAGE=toolchain
. "$(dirname "$0")/common.sh"
version=$1 build=$2 tarball=$3 sha256=$4 url=$5
echo "$sha256  $tarball" | sha256sum -c -
apt_update
apt_install ca-certificates gcc make libc6-dev pkg-config xz-utils libssl-dev zlib1g-dev libffi-dev libbz2-dev liblzma-dev libsqlite3-dev libncurses-dev uuid-dev
trust_host_ca
arch=$(uname -m)
case "$build" in
  shared) prefix=/usr/local; options="--enable-shared"; ldflags="" ;;
  static) prefix=/root/.pyenv/versions/$version; options=""; ldflags="" ;;
  standalone) prefix=/root/.local/share/uv/python/cpython-$version-linux-$arch-gnu; options="--enable-shared"; ldflags='-Wl,-rpath,\$$ORIGIN/../lib' ;;
  *) echo "unknown python build $build" >&2; exit 2 ;;
esac
work=$(mktemp -d)
tar -xf "$tarball" -C "$work"
cd "$work/Python-$version"
# Test modules are not installed where configure can leave them out (3.10+).
./configure --help | grep -q -- --disable-test-modules && options="$options --disable-test-modules"
# Where the build is, for the harness's live status line (build-progress.ts reads "== dlmatrix:").
say() { echo "== dlmatrix: CPython $version ($build): $*"; }
say "configure"
./configure --prefix="$prefix" $options LDFLAGS="$ldflags" --with-ensurepip=install > "$work/configure.log" || { tail -n 40 "$work/configure.log"; exit 1; }
say "make -j$(nproc)"
# make's output goes to its log; every 50 C files compiled, a line says how far it is. (A shell
# loop, not awk: Debian's mawk reads its input in blocks and would say it all at the end.)
{ make -j"$(nproc)" 2>&1; echo "dlmatrix-make-exit=$?"; } | tee "$work/make.log" | {
  compiled=0
  while IFS= read -r line; do
    case "$line" in
      *" -c "*.c*) compiled=$((compiled + 1)); [ $((compiled % 50)) -ne 0 ] || say "make: $compiled C files compiled" ;;
    esac
  done
}
[ "$(tail -n 1 "$work/make.log")" = "dlmatrix-make-exit=0" ] || { tail -n 60 "$work/make.log"; exit 1; }
say "make install"
make install DESTDIR="$DLMATRIX_PYTHON_TREE" > "$work/install.log" 2>&1 || { tail -n 40 "$work/install.log"; exit 1; }
cd /
rm -rf "$work"
major_minor=$(echo "$version" | cut -d. -f1,2)
executable=$prefix/bin/python$major_minor
tree_executable=$DLMATRIX_PYTHON_TREE$executable
# static: pyenv's `global` puts it first on PATH (through its shims); here a link does that.
if [ "$build" = static ]; then
  mkdir -p "$DLMATRIX_PYTHON_TREE/usr/local/bin"
  ln -s "$executable" "$DLMATRIX_PYTHON_TREE/usr/local/bin/python3"
fi

# The distro packages the interpreter and its extension modules load at run time.
libs=$(LD_LIBRARY_PATH="$DLMATRIX_PYTHON_TREE$prefix/lib" ldd "$tree_executable" "$DLMATRIX_PYTHON_TREE$prefix"/lib/python"$major_minor"/lib-dynload/*.so 2>/dev/null \
  | awk '/=> \// {print $3}' | grep -v "^$DLMATRIX_PYTHON_TREE" | sort -u)
packages=$(for lib in $libs; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null; done | cut -d: -f1 | sort -u | tr '\n' ' ')
if [ "$build" = standalone ] && ! readelf -d "$tree_executable" | grep -q 'PATH.*\[\$ORIGIN/\.\./lib\]'; then
  readelf -d "$tree_executable" >&2
  echo "the standalone python has no \$ORIGIN/../lib rpath" >&2
  exit 1
fi
mkdir -p "$DLMATRIX_PYTHON_TREE$DLMATRIX_ROOT"
cat > "$DLMATRIX_PYTHON_TREE$DLMATRIX_PYTHON_BUILD_INFO" <<INFO
PYTHON_EXECUTABLE=$executable
RUNTIME_PACKAGES="$packages"
SOURCE_URL=$url
SOURCE_SHA256=$sha256
INFO
cat "$DLMATRIX_PYTHON_TREE$DLMATRIX_PYTHON_BUILD_INFO"
apt_clean
