#!/usr/bin/env bash
# Fuzzes the running backend from its own OpenAPI document with schemathesis (PyPI), signed
# in as an admin: every operation gets schema-valid and schema-breaking requests (examples,
# coverage, fuzzing and stateful phases), and every answer is checked: no 5xx, status codes,
# content types, headers and bodies as the document says, schema-breaking input refused,
# operations that need a token refuse a request without one, undocumented methods get 405.
#
#   tests/api-fuzz/run.sh BACKEND_URL ADMIN_EMAIL ADMIN_PASSWORD
#
# Not checked: `positive_data_acceptance` (that every schema-valid request is accepted). Some
# rules cannot be written in JSON Schema and stay in the API's 422: a password's 72-byte
# bcrypt limit, an e-mail's shape, `params` that must suit `algorithm`, integers sent as
# `2.0`. Logout runs last, on its own token, because it ends the session it is called with.
# Settings: FUZZ_MAX_EXAMPLES (50 per operation), FUZZ_SEED (random; printed for replay),
# SCHEMATHESIS_VENV (target/schemathesis-venv), FUZZ_REPORT_DIR (tests/e2e/artifacts/api-fuzz).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -ne 3 ]; then
  echo "usage: $0 BACKEND_URL ADMIN_EMAIL ADMIN_PASSWORD" >&2
  exit 2
fi
base=${1%/} email=$2 password=$3
version=4.32.5
venv=${SCHEMATHESIS_VENV:-$root/target/schemathesis-venv}
reports=${FUZZ_REPORT_DIR:-$root/tests/e2e/artifacts/api-fuzz}

if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  echo "installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$version"
fi

token() {
  EMAIL=$email PASSWORD=$password python3 - "$base" <<'PY'
import json, os, sys, urllib.request
body = json.dumps({"email": os.environ["EMAIL"], "password": os.environ["PASSWORD"]}).encode()
request = urllib.request.Request(sys.argv[1] + "/api/auth/login", body, {"content-type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["access_token"])
PY
}

seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
mkdir -p "$reports"
common=(--checks all --exclude-checks positive_data_acceptance --seed "$seed"
  --max-examples "${FUZZ_MAX_EXAMPLES:-50}" --request-timeout 30 --wait-for-schema 30
  --report junit,ndjson --report-dir "$reports")

# Both sessions are opened before any fuzzing: the fuzzer's wrong-password logins throttle the
# admin's logins for a while after. A login that fails stops the run here (set -e), rather
# than fuzzing with an empty token.
operations_token=$(token)
logout_token=$(token)

echo "--- every operation but logout (seed $seed)"
"$venv/bin/st" run "$base/api/openapi.json" -H "Authorization: Bearer $operations_token" \
  --exclude-operation-id logout "${common[@]}" \
  --report-junit-path "$reports/operations.xml" --report-ndjson-path "$reports/operations.ndjson"

echo "--- logout, on a session of its own"
"$venv/bin/st" run "$base/api/openapi.json" -H "Authorization: Bearer $logout_token" \
  --include-operation-id logout "${common[@]}" \
  --report-junit-path "$reports/logout.xml" --report-ndjson-path "$reports/logout.ndjson"

