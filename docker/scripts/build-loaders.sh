#!/bin/sh
# Builds the loaders that do not depend on the library under test: C (dlopen) and Rust
# (libloading). They need only libc at run time, so the runtime image takes the binaries.
. /opt/dlmatrix/scripts/common.sh
is_skipped && exit 0
src=/opt/dlmatrix/src/loaders
bin=/opt/dlmatrix/bin
mkdir -p "$bin"
gcc -O1 -Wall -o "$bin/loader-c" "$src/c/loader.c" -ldl
cargo build --release --locked --manifest-path "$src/rust/Cargo.toml" --target-dir /tmp/loader-target
cp /tmp/loader-target/release/loader-rust "$bin/"
rm -rf /tmp/loader-target "$HOME/.cargo/registry"
