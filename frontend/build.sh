#!/usr/bin/env bash
# Builds the web app into frontend/dist (or $1): wasm with the size-optimised profile,
# the JS glue from wasm-bindgen, wasm-opt when it is installed, and gzipped copies that the
# frontend service serves to browsers that accept them. Downloads nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/frontend/dist}
target_dir=${CARGO_TARGET_DIR:-$root/target}

want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' "$root/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "wasm-bindgen $want is needed (found '${have:-none}'): cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi

cargo build --locked -p lifeboat-frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-name lifeboat --out-dir "$out" \
  "$target_dir/wasm32-unknown-unknown/wasm-release/lifeboat-frontend.wasm"
opt_version=$(wasm-opt --version 2>/dev/null | awk '{print $3}' || true)
if [ "${opt_version:-0}" -ge 116 ] 2>/dev/null; then
  # Rust enables these wasm features by default; wasm-opt must be told it may keep them.
  wasm-opt -Oz --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue \
    -o "$out/lifeboat_bg.opt.wasm" "$out/lifeboat_bg.wasm"
  mv "$out/lifeboat_bg.opt.wasm" "$out/lifeboat_bg.wasm"
else
  # Debian bookworm's wasm-opt 108 produces a bundle whose function table the browser
  # rejects; an unoptimised bundle beats a broken one.
  echo "wasm-opt ${opt_version:-not found} is missing or older than 116; skipping it" >&2
fi
cp "$root/frontend/index.html" "$root/frontend/style.css" "$root/frontend/boot.js" "$out/"
for f in "$out"/*.wasm "$out"/*.js "$out"/*.css "$out"/*.html; do gzip -9 -k -f "$f"; done
echo "web app built in $out:"
ls -l "$out"
