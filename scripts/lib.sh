# Shared by the scripts in this folder: paths, logging, small helpers. Source it; don't run it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Build output. CI points CARGO_TARGET_DIR at a cache outside its throwaway clone.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
# The built site (wasm, JS, CSS, favicon) that the server serves.
export UTFALL_SITE_ROOT="${UTFALL_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
# Tools the scripts install outside cargo (npm packages), kept between clones.
TOOLS="${UTFALL_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/utfall/tools}"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'fel: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
# Installs Debian packages that are not installed yet (one apt-get update per run, only if needed).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installerar Debian-paket: ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
