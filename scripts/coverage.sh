#!/usr/bin/env bash
# Runs every crate's unit and integration tests (real PostgreSQL, the real services) once,
# instrumented by cargo llvm-cov, prints line and branch coverage per crate, and fails
# when a crate has less than 80 % of its lines covered or a branch of backend/src/auth/ is
# never taken (scripts/coverage-gate.py).
#
# Branch coverage needs an unstable compiler option (`-Z coverage-options=branch`, which
# cargo llvm-cov --branch passes): RUSTC_BOOTSTRAP=1 lets the one stable toolchain take it,
# for this instrumented build only. `--cfg coverage_nightly` turns on `coverage(off)` on
# the inline `#[cfg(test)]` modules, so test code counts toward no figure.
#
# Left out of the count, on purpose:
# - test code itself (`tests/` and `benches/` folders, the cross-service test crate);
# - the thin `main.rs` of each binary (each only calls its library's `run`);
# - the web app's views and browser glue (frontend/src/{lib,auth,toast}.rs, pages/,
#   components/): they run only in a browser, as wasm, and the Playwright suite covers
#   them. The app's logic (form rules, session and token expiry, API error mapping) is
#   plain Rust in frontend/src/{form,session,api}.rs and counts.
set -euo pipefail
cd "$(dirname "$0")/.."
ignore='(^|/)(tests|benches)/|/src/main\.rs$|frontend/src/(lib|auth|toast)\.rs$|frontend/src/(pages|components)/'
# Profiles of earlier runs would be merged into this one's numbers: start clean (the
# dependencies' builds are kept).
export RUSTC_BOOTSTRAP=1 RUSTFLAGS="${RUSTFLAGS:-} --cfg coverage_nightly"
cargo llvm-cov clean --workspace
cargo llvm-cov --workspace --locked --branch --no-report
cargo llvm-cov report --branch --json --summary-only --ignore-filename-regex "$ignore" >target/coverage-summary.json
# The same numbers per line, in the format GitLab shows in merge request diffs.
cargo llvm-cov report --branch --cobertura --output-path target/coverage.xml --ignore-filename-regex "$ignore"
python3 scripts/coverage-gate.py <target/coverage-summary.json
