#!/usr/bin/env bash
# `make run`: installs what is missing, builds, and serves Utfall on embedded SQLite with demo
# data at http://127.0.0.1:3000 (settings: utfall.toml or environment, see .env.example).
source "$(dirname "$0")/lib.sh"

scripts/setup.sh build
scripts/build-site.sh
say "bygger servern"
cargo build -p server
export UTFALL_DEMO="${UTFALL_DEMO:-true}"
if [ "$UTFALL_DEMO" = true ]; then
  cat >&2 <<'TXT'
Demokonton (lösenord: utfall-demo), skapas när databasen är tom:
  admin@exempel.se           processledare (admin)
  utvarderare@exempel.se     utvärderare
  beredning@exempel.se       beredningsgrupp
  projektledare@exempel.se   projektledare
  lasare@exempel.se          läsare
TXT
fi
# Panel surveys need a secret that only the server holds. A local run keeps its own in data/
# (made once, never committed) unless the environment or utfall.toml gives one.
if [ -z "${UTFALL_SURVEY_PANEL_SECRET:-}" ] && ! grep -qs '^survey_panel_secret' utfall.toml; then
  mkdir -p data
  [ -s data/panel-secret ] || (umask 077 && head -c 32 /dev/urandom | base64 > data/panel-secret)
  UTFALL_SURVEY_PANEL_SECRET="$(cat data/panel-secret)"
  export UTFALL_SURVEY_PANEL_SECRET
fi
say "startar Utfall (avsluta med Ctrl-C)"
exec "$CARGO_TARGET_DIR/debug/server" serve
