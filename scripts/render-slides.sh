#!/usr/bin/env bash
# Renders the Markdown decks in docs/slides/ (Marp) to HTML in target/slides/, with the Marp
# CLI from npm (pinned; no browser needed for HTML). Usage: scripts/render-slides.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/target/slides
mkdir -p "$out"
for deck in "$root"/docs/slides/*.md; do
  npx --yes @marp-team/marp-cli@4.5.1 --html "$deck" -o "$out/$(basename "${deck%.md}").html"
done
ls -l "$out"
