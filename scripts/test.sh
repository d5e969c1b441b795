#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, the dependencies' licences and
# sources (cargo-deny and scripts/check-dependencies.py), no circles of module imports,
# every crate's tests on real PostgreSQL under the 80 % line-coverage gate, the wasm
# build, then the compose stack built and started from scratch: smoke test, the JWT
# interoperability check (PyJWT), the observability checks and the browser suite
# (Playwright + Chromium); on the way, the tests of the pipeline's registry retention script.
# Prints where the time went. Prerequisites are installed first (scripts/setup-test-env.sh;
# LIFEBOAT_SKIP_SETUP=1 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DATABASE_URL=${DATABASE_URL:-postgres://lifeboat:lifeboat@localhost:5432/lifeboat}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# Compile-checked queries are checked against the committed .sqlx/ data, so a query changed
# without `cargo sqlx prepare` fails the build here as it would in Docker.
export SQLX_OFFLINE=${SQLX_OFFLINE:-true}

timings=()
stage() {  # stage NAME COMMAND...
  local name=$1 started=$SECONDS
  shift
  printf '\n=== %s\n' "$name"
  "$@"
  timings+=("$(printf '%-28s %5d s' "$name" $((SECONDS - started)))")
}
report() {
  printf '\n=== where the time went\n'
  printf '%s\n' "${timings[@]}"
  printf '%-28s %5d s\n' "total" "$SECONDS"
}
trap report EXIT

if [ "${LIFEBOAT_SKIP_SETUP:-0}" != 1 ]; then
  stage "setup" scripts/setup-test-env.sh
fi

stage "fmt" cargo fmt --all --check
stage "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
# Licences, bans and sources of the Rust crates (deny.toml), and the npm and Python pins held
# to the same rules: offline.
stage "dependencies" bash -c 'cargo fetch --locked --quiet &&
  cargo deny --offline --log-level error check licenses bans sources && scripts/check-dependencies.py'
# No module of a crate imports another that imports it back (docs/architecture.md, "The
# house rules").
stage "module circles" scripts/check-module-cycles.py
stage "tests + coverage gate" scripts/coverage.sh
stage "promtool check config" promtool check config prometheus/prometheus.yml prometheus/swarm.yml
stage "promtool test rules" promtool test rules prometheus/alerts.test.yml
stage "release tooling tests" python3 -m unittest discover -s tests/release
stage "house check tests" python3 -m unittest discover -s tests/tooling
# The swarm stack file checked against the compose schema, deploy keys included (the deploy
# itself: bench/swarm-drill.sh).
stage "swarm stack config" docker compose -f deploy/swarm/stack.yml config --quiet
stage "compose stack + e2e" scripts/compose-e2e.sh
