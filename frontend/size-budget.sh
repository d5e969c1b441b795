#!/usr/bin/env bash
# The web app's size budget: what a first visit downloads to start the app (the wasm module
# and the JS, gzipped as the frontend service serves them) must stay within BUDGET_BYTES.
#
#   frontend/size-budget.sh          builds the production bundle (frontend/build.sh with
#                                    wasm-opt 116 or newer, as in the Docker image) into
#                                    target/size-budget/dist, then measures it
#   frontend/size-budget.sh DIST     measures a bundle already built (the Docker build's
#                                    /out/dist, say)
#
# Prints the figure and exits 1 above the budget. Needs npm when the system's wasm-opt is older
# than 116 (binaryen from frontend/package-lock.json is installed then).
#
# The budget is the RC-2 issue's 350 kB (350,000 bytes). The first visit fits because the
# pages it does not need (the explorer, history, batch, account and admin pages) are lazy
# routes in wasm modules of their own (frontend/src/pages/lazy.rs), fetched when first
# opened: 312 KiB on 2026-11-30 where one module with every page was 599 KiB. A page added
# to the first visit's module, or code moved into it, counts here; docs/performance.md
# ("Size budget of the web app") has the figures.
set -euo pipefail
BUDGET_BYTES=${BUDGET_BYTES:-350000}
root=$(cd "$(dirname "$0")/.." && pwd)

if [ $# -ge 1 ]; then
  dist=$1
else
  dist=$root/target/size-budget/dist
  version=$(wasm-opt --version 2>/dev/null | awk '{print $3}' || true)
  if ! [ "${version:-0}" -ge 116 ] 2>/dev/null \
    && ! [ -x "$root/frontend/node_modules/.bin/wasm-opt" ]; then
    echo "[size budget] installing binaryen's wasm-opt from npm (the system's is ${version:-missing})"
    (cd "$root/frontend" && npm ci --no-audit --no-fund --silent)
  fi
  log=$root/target/size-budget/build.log
  mkdir -p "$(dirname "$log")"
  "$root/frontend/build.sh" "$dist" >"$log" 2>&1 || { cat "$log" >&2; exit 2; }
  # Measured without wasm-opt the figure would say nothing about what the image serves.
  grep '^wasm-opt ' "$log" || { cat "$log" >&2; echo "[size budget] the bundle was built without wasm-opt" >&2; exit 2; }
fi

# What a first visit fetches before the app runs: the JS (boot.js, wasm-bindgen's glue and
# __wasm_split.js, which it imports) and the main wasm module; not the stylesheet, and not
# the lazy routes' modules, fetched when their page is opened.
[ -f "$dist/lifeboat_bg.wasm.gz" ] || { echo "[size budget] $dist/lifeboat_bg.wasm.gz is missing: is $dist a built bundle?" >&2; exit 2; }
bytes=0
for gz in "$dist"/*.js.gz "$dist/lifeboat_bg.wasm.gz"; do
  size=$(stat -c %s "$gz")
  printf '[size budget] %-20s %8d bytes gzipped\n' "$(basename "$gz" .gz)" "$size"
  bytes=$((bytes + size))
done
largest=$(find "$dist" -name 'split_*.wasm.gz' -printf '%s %f\n' | sort -n | tail -1)
[ -z "$largest" ] || echo "[size budget] largest lazy route module: ${largest#* } (${largest%% *} bytes gzipped, and its shared chunks)"
figure="$(awk -v b="$bytes" 'BEGIN { printf "%.1f kB (%.1f KiB)", b / 1000, b / 1024 }')"
if [ "$bytes" -gt "$BUDGET_BYTES" ]; then
  echo "[size budget] first visit: $figure of wasm and JS, gzipped: over the budget of $BUDGET_BYTES bytes" >&2
  exit 1
fi
echo "[size budget] first visit: $figure of wasm and JS, gzipped: within the budget of $BUDGET_BYTES bytes"
