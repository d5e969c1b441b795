#!/usr/bin/env bash
# Installs the S3-compatible test server the model service's bucket tests run against:
# moto in server mode (PyPI), in a virtual environment. Idempotent; prints the server's
# path. Settings: S3_TEST_VENV (default target/s3-venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${S3_TEST_VENV:-$root/target/s3-venv}
version=5.2.5
if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$version')" 2>/dev/null; then
  echo "installing moto[server]==$version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$version" >&2
fi
echo "$venv/bin/moto_server"
