#!/usr/bin/env bash
# `make test`: installs what is missing, checks formatting and lints, builds the site, starts a
# throwaway PostgreSQL cluster and an SMTP sink on free loopback ports, and runs every test
# (unit, integration on SQLite and PostgreSQL, browser with axe-core). Services are removed
# afterwards, also when a test fails.
source "$(dirname "$0")/lib.sh"

scripts/setup.sh test

say "formatering (cargo fmt --check)"
cargo fmt --all --check

say "clippy: server och app (ssr)"
cargo clippy -p server -p app --all-targets -- -D warnings
say "clippy: app (hydrate, wasm32)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

scripts/build-site.sh

WORK="$(mktemp -d /tmp/utfall-test.XXXXXX)"
PG_BIN=""
SMTP_PID=""
cleanup() {
  if [ -n "$PG_BIN" ] && [ -f "$WORK/pg/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# initdb refuses to run as root: then run the cluster as the postgres user.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

say "startar en tillfällig PostgreSQL"
PG_BIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
PG_PORT="$(free_port)"
mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK/pg" && chmod 755 "$WORK"
as_postgres "$PG_BIN/initdb" -D "$WORK/pg/data" -A trust -U utfall -E UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -w -l "$WORK/pg/log" \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
  start >/dev/null
export TEST_DATABASE_URL="postgres://utfall@127.0.0.1:$PG_PORT/postgres"

say "startar SMTP-mottagaren (aiosmtpd)"
SMTP_PORT="$(free_port)"
mkdir -p "$WORK/maildir"/{cur,new,tmp}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/maildir" \
  >"$WORK/smtp.log" 2>&1 &
SMTP_PID=$!
for _ in $(seq 50); do
  (echo > "/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null && break
  sleep 0.1
done
(echo > "/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null || { cat "$WORK/smtp.log"; die "SMTP-mottagaren startade inte"; }
export UTFALL_TEST_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export UTFALL_TEST_MAILDIR="$WORK/maildir"

export UTFALL_TEST_AXE="$TOOLS/node_modules/axe-core/axe.min.js"
export UTFALL_TEST_CHROMEDRIVER="$(command -v chromedriver)"
export UTFALL_TEST_CHROMIUM="$(command -v chromium)"
export UTFALL_TEST_STRICT=1
# Panic messages carry the test and line; full backtraces only drown them.
export RUST_BACKTRACE=0

say "kör alla tester"
cargo test --workspace
