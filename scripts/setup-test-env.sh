#!/usr/bin/env bash
# Installs and starts what the test suite needs on a Debian machine, idempotently:
# PostgreSQL (running, with the test role), Chromium, binaryen, the wasm target, shap (PyPI),
# wasm-bindgen-cli at the version in Cargo.lock, cargo-llvm-cov with llvm-tools, cargo-deny, PyJWT,
# promtool, ffmpeg (videos of failed browser tests), the e2e suite's npm packages, and
# Docker with Compose (running) and the base images the Dockerfile and compose file name.
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
need_apt dockerd docker.io  # the engine: a docker CLI alone is not enough
need_apt ffmpeg ffmpeg

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

# Coverage: cargo-llvm-cov and the LLVM tools of our toolchain.
rustup component add llvm-tools-preview >/dev/null
if ! cargo llvm-cov --version >/dev/null 2>&1; then
  log "installing cargo-llvm-cov"
  cargo install -q --locked cargo-llvm-cov --version 0.9.1
fi

# cargo-deny, for the licences, bans and sources of our Rust dependencies (deny.toml).
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny 0.20.2" ]; then
  log "installing cargo-deny"
  cargo install -q --locked cargo-deny --version 0.20.2
fi

# PyJWT, for the check that our tokens verify with an independent library (pinned, as every
# Python package we install: scripts/check-dependencies.py).
python3 -c 'import jwt' 2>/dev/null || {
  log "installing PyJWT"
  python3 -m pip install -q --disable-pip-version-check PyJWT==2.15.1 2>&1 | grep -v 'as the .root. user' || true
}

# Virtual environments, for schemathesis (tests/api-fuzz installs it into target/): Debian's
# own python3 needs python3-venv for that.
python3 -c 'import ensurepip, venv' 2>/dev/null || {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  log "installing python3-venv"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
}

# The reference implementations our explanations are checked against (shap, from PyPI),
# in a virtual environment under target/ (the model service's tests find it there).
tests/reference/setup.sh >/dev/null

# The S3-compatible server the model storage's bucket tests run against (moto, from PyPI).
tests/s3/setup.sh >/dev/null

# The mail catcher (maildev, from npm) the account-mail tests send to.
tests/mail/setup.sh >/dev/null

# The browser suite's npm packages, and Debian's ffmpeg for its videos.
tests/e2e/setup.sh

# Docker and Compose for the compose stage. Where no container registry is reachable (this
# project's build machines), the shared offline-images tool builds local stand-ins for the
# base images; it also starts dockerd and installs the Compose plugin.
offline_images=$root/../shared/offline-images/build.sh
if ! docker info >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1 ||
  ! docker image inspect rust:1.95-slim-trixie >/dev/null 2>&1; then
  if [ -x "$offline_images" ]; then
    log "preparing Docker and the base images ($offline_images)"
    # It also tries our own images (not there yet) and says so; that is not a failure.
    "$offline_images" >/tmp/offline-images.log 2>&1 || true
    docker image inspect rust:1.95-slim-trixie debian:trixie-slim postgres:17-trixie >/dev/null \
      || { tail -n 20 /tmp/offline-images.log >&2; exit 1; }
  elif ! docker info >/dev/null 2>&1; then
    log "starting dockerd"
    (dockerd >/var/log/dockerd.log 2>&1 &)
    for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
fi
docker compose version >/dev/null
log "ready"
