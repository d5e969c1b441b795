#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, every crate's tests on real
# PostgreSQL, the wasm build, and the browser suite against the services running natively.
# Prerequisites are installed first (scripts/setup-test-env.sh; LIFEBOAT_SKIP_SETUP=1 skips).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DATABASE_URL=${DATABASE_URL:-postgres://lifeboat:lifeboat@localhost:5432/lifeboat}
export LIFEBOAT_DATASET_PATH=${LIFEBOAT_DATASET_PATH:-$root/../shared/data/titanic.csv}
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

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

browser_suite() {
  cargo build --locked --bins
  scripts/local-stack.sh start
  local status=0
  (cd tests/e2e && LIFEBOAT_BASE_URL=http://127.0.0.1:${FRONTEND_PORT:-18080} npx playwright test) || status=$?
  scripts/local-stack.sh stop
  return $status
}
stage "browser suite" browser_suite
