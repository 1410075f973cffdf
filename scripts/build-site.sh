#!/usr/bin/env bash
# Builds the browser bundle into $UTFALL_SITE_ROOT/pkg (wasm + JS + CSS) and copies public/.
#   scripts/build-site.sh            debug bundle (fast to build)
#   scripts/build-site.sh --release  size-optimised bundle, run through wasm-opt -Oz
# The same thing cargo-leptos does, without needing cargo-leptos.
source "$(dirname "$0")/lib.sh"

profile=dev; profile_dir=debug
if [ "${1:-}" = "--release" ]; then profile=wasm-release; profile_dir=wasm-release; fi

say "bygger webbläsardelen (wasm, profil $profile)"
cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features \
  --features hydrate --profile "$profile"

pkg="$UTFALL_SITE_ROOT/pkg"
staging="$UTFALL_SITE_ROOT/.pkg-new"
rm -rf "$staging"; mkdir -p "$staging"
wasm-bindgen --target web --no-typescript --out-dir "$staging" --out-name utfall \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile_dir/app.wasm"
# LEPTOS_OUTPUT_NAME is set at compile time (.cargo/config.toml), so the page asks for
# utfall.wasm, not utfall_bg.wasm.
mv "$staging/utfall_bg.wasm" "$staging/utfall.wasm"
if [ "$profile" = wasm-release ]; then
  "$TOOLS/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$staging/utfall.wasm" -o "$staging/utfall.wasm"
fi
cp style/main.css "$staging/utfall.css"
# Swap in the new bundle in one step so a running server never serves half of it.
rm -rf "$pkg"; mv "$staging" "$pkg"
cp -r public/. "$UTFALL_SITE_ROOT/"
