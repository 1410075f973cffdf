#!/usr/bin/env bash
# Installs what a build, the tests or a release build need and is missing. Idempotent: with
# everything present it only checks and returns at once.
#   scripts/setup.sh build     wasm32 target + wasm-bindgen-cli (version read from Cargo.lock)
#   scripts/setup.sh test      build tools + chromium, chromium-driver, PostgreSQL, SMTP sink, axe-core
#   scripts/setup.sh release   build tools + a wasm-opt that works (binaryen from npm)
source "$(dirname "$0")/lib.sh"

AXE_VERSION=4.14.1
# Debian's binaryen (wasm-opt 108) silently breaks hydration; 132 from npm works.
BINARYEN_VERSION=132.0.0

ensure_build_tools() {
  command -v cargo >/dev/null || die "cargo saknas: installera Rust (rustup) först"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installerar Rust-målet wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  # The half-year reports' Word charts and PDF are drawn with DejaVu Sans (UTFALL_REPORT_FONT_DIR).
  if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then
    apt_install fonts-dejavu-core
  fi
  # The CLI must equal the wasm-bindgen library version in Cargo.lock exactly.
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  [ -n "$want" ] || die "kunde inte läsa wasm-bindgens version ur Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installerar wasm-bindgen-cli $want (några minuter första gången)"
    # Not --locked: its lockfile names a crate version the registry here does not serve.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_test_tools() {
  local pkgs=(chromium chromium-driver python3-aiosmtpd)
  # PostgreSQL: use any installed server binaries, else install Debian's.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then pkgs+=(postgresql); fi
  apt_install "${pkgs[@]}"
  if [ ! -f "$TOOLS/node_modules/axe-core/axe.min.js" ] \
     || ! grep -q "\"version\": \"$AXE_VERSION\"" "$TOOLS/node_modules/axe-core/package.json"; then
    command -v npm >/dev/null || apt_install npm
    say "installerar axe-core $AXE_VERSION"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "axe-core@$AXE_VERSION" >/dev/null
  fi
}

ensure_release_tools() {
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
    command -v npm >/dev/null || apt_install npm
    say "installerar wasm-opt (binaryen $BINARYEN_VERSION från npm)"
    mkdir -p "$TOOLS"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

case "${1:-build}" in
  build) ensure_build_tools ;;
  test) ensure_build_tools; ensure_test_tools ;;
  release) ensure_build_tools; ensure_release_tools ;;
  *) die "okänt läge: $1 (build, test eller release)" ;;
esac
