#!/bin/sh
# Builds the loaders that do not depend on the fixture: C (dlopen), Rust (libloading), Node (koffi).
. /opt/dlmatrix/scripts/common.sh
is_skipped && exit 0
src=/opt/dlmatrix/src/loaders
bin=/opt/dlmatrix/bin
mkdir -p "$bin"

gcc -O1 -Wall -o "$bin/loader-c" "$src/c/loader.c" -ldl

cargo build --release --locked --manifest-path "$src/rust/Cargo.toml" --target-dir /tmp/loader-target
cp /tmp/loader-target/release/loader-rust "$bin/"
rm -rf /tmp/loader-target "$HOME/.cargo/registry"

# koffi needs a minimum Node.js; an older one makes the node cells `skipped`, not failures.
node_min=$(cat /opt/dlmatrix/loaders/node/node_modules/koffi/.dlmatrix-node-min 2>/dev/null || echo 16)
node_major=$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/')
if [ -z "$node_major" ]; then
  fact unavailable_node "Node.js is not installed"
elif [ "$node_major" -lt "$node_min" ]; then
  fact unavailable_node "Node.js $(node --version) is too old for koffi (needs >= $node_min)"
else
  cp "$src/node/loader.mjs" /opt/dlmatrix/loaders/node/
fi
