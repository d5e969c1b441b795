#!/usr/bin/env bash
# Builds the web app into frontend/dist (or $1): wasm with the size-optimised profile, split
# by wasm-split-cli into the module a first visit loads and one per lazy route
# (frontend/src/pages/lazy.rs), the JS glue from wasm-bindgen, wasm-opt when one of 116 or
# newer is installed (Debian's or npm's binaryen, see below), and gzipped copies that the
# frontend service serves to browsers that accept them. Downloads nothing, except
# wasm-split-cli from crates.io the first time (frontend/install-split-cli.sh, into
# $WASM_SPLIT_ROOT, by default target/tools; the Docker image installs it in a layer of its own).
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

# The lazy routes' split points become wasm imports that only wasm-split-cli resolves: the
# bundle cannot be built without it. It needs the linker's relocations (--emit-relocs).
split_cli=$("$root/frontend/install-split-cli.sh" "${WASM_SPLIT_ROOT:-$target_dir/tools}")

CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Clink-args=--emit-relocs" \
  cargo build --locked -p lifeboat-frontend --target wasm32-unknown-unknown --profile wasm-release
rm -rf "$out" && mkdir -p "$out"
# The main module (lifeboat.wasm), one module per lazy route, the chunks they share, and
# __wasm_split.js, which loads them; then wasm-bindgen's glue for the main module.
"$split_cli" --target web --out-name lifeboat \
  "$target_dir/wasm32-unknown-unknown/wasm-release/lifeboat-frontend.wasm" "$out"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-name lifeboat \
  --out-dir "$out" "$out/lifeboat.wasm"
rm "$out/lifeboat.wasm"
# wasm-opt 116 or newer: $WASM_OPT, else the system's, else binaryen from npm
# (`npm ci --prefix frontend` installs the version in frontend/package-lock.json).
opt_version_of() { "$1" --version 2>/dev/null | awk '{print $3}' || true; }
wasm_opt=""
for candidate in ${WASM_OPT:-} wasm-opt "$root/frontend/node_modules/.bin/wasm-opt"; do
  version=$(opt_version_of "$candidate")
  if [ "${version:-0}" -ge 116 ] 2>/dev/null; then wasm_opt=$candidate; break; fi
done
if [ -n "$wasm_opt" ]; then
  echo "wasm-opt $(opt_version_of "$wasm_opt") ($wasm_opt)"
  # Rust enables these wasm features by default; wasm-opt must be told it may keep them.
  # Each module on its own (their imports and exports, which link them, are kept), as many
  # at a time as there are cores; the shared chunks under 4 KiB (half of them, 80 KiB in all,
  # none loaded by a first visit) are left as they are: npm's wasm-opt takes half a second
  # to start, which would be most of the build.
  optimise() {
    "$wasm_opt" -Oz --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-reference-types --enable-multivalue -o "${1%.wasm}.opt" "$1"
    mv "${1%.wasm}.opt" "$1"
  }
  export wasm_opt && export -f optimise
  find "$out" -name '*.wasm' \( -size +4k -o ! -name 'chunk_*' \) -print0 \
    | xargs -0 -n 1 -P "$(nproc)" bash -c 'optimise "$0"' 2> >(grep -v 'unknown name subsection' >&2)

else
  # Debian bookworm's wasm-opt 108 produces a bundle whose function table the browser
  # rejects; an unoptimised bundle beats a broken one.
  echo "no wasm-opt 116 or newer (system: $(opt_version_of wasm-opt)); skipping it:" \
    "npm ci --prefix frontend installs one" >&2
fi
cp "$root/frontend/index.html" "$root/frontend/style.css" "$root/frontend/boot.js" "$out/"
for f in "$out"/*.wasm "$out"/*.js "$out"/*.css "$out"/*.html; do gzip -9 -k -f "$f"; done
echo "web app built in $out: $(find "$out" -name 'chunk_*.wasm' | wc -l) shared chunks, and"
ls -l "$out" | grep -v ' chunk_'

