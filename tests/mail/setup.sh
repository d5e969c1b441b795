#!/usr/bin/env bash
# Installs the mail catcher the account-mail tests and the browser suite send to: maildev
# (npm, pinned in package-lock.json), a real SMTP server with a web inbox and a REST API.
# Idempotent; prints its path.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/node_modules/.bin/maildev
if [ ! -x "$bin" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  echo "installing maildev into $here/node_modules" >&2
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
echo "$bin"
