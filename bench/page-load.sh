#!/usr/bin/env bash
# The web app's first load: compressed bytes of wasm/JS/CSS and the time from navigation
# to an interactive calculator, in headless Chromium (Performance API), over a few cold
# loads. Needs the e2e suite's npm packages (scripts/setup-test-env.sh installs them).
#
#   bench/page-load.sh [BASE_URL]      (default http://localhost:8080; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e"
exec node page-load.mjs "${1:-http://localhost:8080}"
