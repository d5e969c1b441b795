#!/usr/bin/env bash
# Installs and starts what the test suite needs on a Debian machine, idempotently:
# PostgreSQL (running, with the test role), Chromium, binaryen, the wasm target,
# wasm-bindgen-cli at the version in Cargo.lock, PyJWT, promtool, and the e2e suite's npm
# packages.
# Needs root for apt-get and for starting PostgreSQL; skips whatever is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[setup] %s\n' "$*"; }

apt_updated=
need_apt() {  # need_apt COMMAND PACKAGE...
  command -v "$1" >/dev/null && return
  shift
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_apt chromium chromium
need_apt wasm-opt binaryen
need_apt pg_ctlcluster postgresql
need_apt npm npm
need_apt promtool prometheus

# PostgreSQL: the Debian cluster, running, with a role that may create test databases.
if ! pg_lsclusters -h | awk '$4 == "online" {found=1} END {exit !found}'; then
  cluster=$(pg_lsclusters -h | awk 'NR == 1 {print $1 " " $2}')
  log "starting PostgreSQL $cluster"
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start
fi
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'lifeboat'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"CREATE ROLE lifeboat LOGIN CREATEDB PASSWORD 'lifeboat'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'lifeboat'\"" | grep -q 1 \
  || su postgres -c "createdb -O lifeboat lifeboat"

# Rust: the wasm target and the wasm-bindgen CLI that matches Cargo.lock.
rustup component add clippy rustfmt >/dev/null 2>&1 || true
rustup target add wasm32-unknown-unknown >/dev/null
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  log "installing wasm-bindgen-cli $want"
  cargo install -q wasm-bindgen-cli --version "$want"
fi

# PyJWT, for the check that our tokens verify with an independent library.
python3 -c 'import jwt' 2>/dev/null || {
  log "installing PyJWT"
  python3 -m pip install -q --disable-pip-version-check PyJWT 2>&1 | grep -v 'as the .root. user' || true
}

# The browser suite's packages; Playwright's own browser download is never used.
if [ ! -d tests/e2e/node_modules/@playwright/test ]; then
  log "installing the e2e suite's npm packages"
  (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
log "ready"
