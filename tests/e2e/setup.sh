#!/usr/bin/env bash
# Prepares the browser suite on a Debian machine that has npm, python3, ffmpeg and Chromium
# (/usr/bin/chromium): its npm packages, and Debian's ffmpeg for the videos of failed tests.
# Used by scripts/setup-test-env.sh and the pipeline's nightly e2e job; idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The browser suite's packages (Playwright, axe-core), exactly as package-lock.json pins
# them; installed again whenever the lock file changed since the last install. Playwright's
# own browser download is never used.
if [ ! -d tests/e2e/node_modules/@playwright/test ] || [ ! -d tests/e2e/node_modules/@axe-core/playwright ] \
  || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  echo "[e2e setup] installing the e2e suite's npm packages"
  (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
# Videos of failed tests: Playwright records with an ffmpeg it would download; Debian's
# does the same job, put where Playwright looks for its own.
ffmpeg_rev=$(python3 -c 'import json, sys
browsers = json.load(open("tests/e2e/node_modules/playwright-core/browsers.json"))["browsers"]
print(next(b["revision"] for b in browsers if b["name"] == "ffmpeg"))')
ffmpeg_dir=${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}/ffmpeg-$ffmpeg_rev
if [ ! -e "$ffmpeg_dir/ffmpeg-linux" ]; then
  echo "[e2e setup] using Debian's ffmpeg for Playwright's videos"
  mkdir -p "$ffmpeg_dir"
  ln -sf "$(command -v ffmpeg)" "$ffmpeg_dir/ffmpeg-linux"
fi
