#!/usr/bin/env bash
# `make release`: optimised server and browser bundle; prints the gzipped wasm size.
source "$(dirname "$0")/lib.sh"

scripts/setup.sh release
scripts/build-site.sh --release
say "bygger servern (release)"
cargo build -p server --release
wasm="$UTFALL_SITE_ROOT/pkg/utfall.wasm"
say "klart: $CARGO_TARGET_DIR/release/server, webbplats i $UTFALL_SITE_ROOT"
printf 'wasm: %s byte, gzip: %s byte\n' "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)"
