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
say "startar Utfall (avsluta med Ctrl-C)"
exec "$CARGO_TARGET_DIR/debug/server" serve
