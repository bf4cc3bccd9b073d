#!/bin/sh
# Builds the PyO3 fixture against this image's Python, then the "linked" loaders that link it.
. /opt/dlmatrix/scripts/common.sh
is_skipped && exit 0
src=/opt/dlmatrix/src
lib=/opt/dlmatrix/lib
bin=/opt/dlmatrix/bin
mkdir -p "$lib"

locked=""
[ -f "$src/fixture/Cargo.lock" ] && locked=--locked
PYO3_PYTHON=$(cat "$FACTS/python_path") cargo build --release $locked \
  --manifest-path "$src/fixture/Cargo.toml" --target-dir /tmp/fixture-target
built=$(find /tmp/fixture-target/release -maxdepth 1 -name 'lib*.so' | head -n 1)
[ -n "$built" ] || { echo "the fixture crate produced no cdylib (crate-type = [\"cdylib\"])" >&2; exit 1; }
cp "$built" "$lib/libdlmatrix_fixture.so"
rm -rf /tmp/fixture-target "$HOME/.cargo/registry"

gcc -O1 -Wall -o "$bin/loader-c-linked" "$src/loaders/c/linked.c" \
  -L"$lib" -ldlmatrix_fixture -Wl,-rpath,"$lib"
rustc -O -o "$bin/loader-rust-linked" "$src/loaders/rust/linked.rs" \
  -L "$lib" -l dylib=dlmatrix_fixture -C link-args=-Wl,-rpath,"$lib"
