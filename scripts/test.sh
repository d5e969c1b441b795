#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, every crate's tests on real
# PostgreSQL, the wasm build, then against the services running natively: the JWT
# interoperability check (PyJWT) and the browser suite (Playwright + Chromium).
# Prerequisites are installed first (scripts/setup-test-env.sh; LIFEBOAT_SKIP_SETUP=1 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DATABASE_URL=${DATABASE_URL:-postgres://lifeboat:lifeboat@localhost:5432/lifeboat}
export LIFEBOAT_DATASET_PATH=${LIFEBOAT_DATASET_PATH:-$root/../shared/data/titanic.csv}
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
if [ ! -f "$LIFEBOAT_DATASET_PATH" ]; then
  echo "The Titanic data set is needed at $LIFEBOAT_DATASET_PATH (set LIFEBOAT_DATASET_PATH)." >&2
  exit 1
fi

stage "fmt" cargo fmt --all --check
stage "clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
stage "cargo test" cargo test --workspace --locked
stage "wasm build" frontend/build.sh

against_local_stack() {
  # The same feature set as `cargo test`, so nothing is compiled again.
  cargo build --locked --workspace --bins --tests
  scripts/local-stack.sh start
  local status=0 base=http://127.0.0.1:${FRONTEND_PORT:-18080}
  echo "--- JWT interoperability (PyJWT)"
  python3 tests/interop/verify_jwt.py "$base" "${LIFEBOAT_STACK_DIR:-$root/target/local-stack}/jwt_secret" || status=$?
  echo "--- observability: request ids across the logs, /metrics, the Grafana dashboard"
  python3 tests/observability/check_stack.py || status=$?
  echo "--- prometheus/prometheus.yml passes promtool's check"
  promtool check config prometheus/prometheus.yml || status=$?
  echo "--- browser suite (Playwright, Chromium)"
  (cd tests/e2e && LIFEBOAT_BASE_URL=$base npx playwright test) || status=$?
  scripts/local-stack.sh stop
  return $status
}
stage "against the local stack" against_local_stack
