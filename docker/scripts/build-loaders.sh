#!/bin/sh
# Builds the loaders that do not depend on the library under test: C (dlopen) and Rust
# (libloading). They need only libc at run time, so the runtime image takes the binaries.
STAGE=toolchain
. "$(dirname "$0")/common.sh"
is_skipped && exit 0
src=$DLMATRIX_SRC/loaders
mkdir -p "$DLMATRIX_BIN"
gcc -O1 -Wall -o "$DLMATRIX_BIN/loader-c" "$src/c/loader.c" -ldl
cargo build --release --locked --manifest-path "$src/rust/Cargo.toml" --target-dir /tmp/loader-target
cp /tmp/loader-target/release/loader-rust "$DLMATRIX_BIN/"
rm -rf /tmp/loader-target "$HOME/.cargo/registry"
manifest ready toolchain
