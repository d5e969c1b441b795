#!/usr/bin/env bash
# Installs wasm-split-cli, which splits the web app's wasm into the module a first visit
# loads and one per lazy route (frontend/src/pages/lazy.rs), into ROOT (default
# target/tools), unless that version is there already. Prints the binary's path.
# frontend/build.sh calls it; the Dockerfile runs it in a layer of its own.
#
#   frontend/install-split-cli.sh [ROOT]
#
# crates.io's wasm_split_cli_support is the tool behind cargo-leptos's `--split`.
set -euo pipefail
version=0.2.4
root=${1:-$(cd "$(dirname "$0")/.." && pwd)/target/tools}
cli=$root/bin/wasm-split-cli
if ! "$cli" --help >/dev/null 2>&1 || [ "$(cat "$root/wasm-split-version" 2>/dev/null)" != "$version" ]; then
  echo "installing wasm-split-cli $version into $root" >&2
  cargo install --locked --quiet wasm_split_cli_support --version "$version" \
    --features build-binary --root "$root"
  echo "$version" >"$root/wasm-split-version"
fi
echo "$cli"
