#!/usr/bin/env bash
# Fuzzes the running backend from its own OpenAPI document with schemathesis (PyPI), signed
# in as an admin: every operation gets schema-valid and schema-breaking requests (examples,
# coverage, fuzzing and stateful phases), and every answer is checked: no 5xx, status codes,
# content types, headers and bodies as the document says, schema-breaking input refused,
# operations that need a token refuse a request without one, undocumented methods get 405.
#
#   tests/api-fuzz/run.sh BACKEND_URL ADMIN_EMAIL ADMIN_PASSWORD
#
# Every check runs on every operation, `positive_data_acceptance` (every schema-valid request
# is accepted) included, but for the operations whose rules a JSON Schema cannot say,
# which run every other check:
# - signup: a password's limit is 72 bytes of UTF-8 (bcrypt's), and a schema counts
#   characters;
# - change_password and delete_account: the current password is right or wrong, which no
#   schema can know (and the new password's 72 bytes, as for signup);
# - predict_file (and its deprecated alias predict_file_deprecated): the body is a CSV file,
#   whose columns and rows a schema of `text/csv` cannot describe.
# - reset_password and verify_email: the token is a live link's or not, which no schema can
#   know (and reset's password has signup's 72 bytes);
# - resend_verification: the caller's address is verified already or not.
# Logout runs last, on its own token, because it ends the session it is called with.
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
common=(--checks all --seed "$seed"
  --max-examples "${FUZZ_MAX_EXAMPLES:-50}" --request-timeout 30 --wait-for-schema 30
  --report junit,ndjson --report-dir "$reports")

# Both sessions are opened before any fuzzing: the fuzzer's wrong-password logins throttle the
# admin's logins for a while after. A login that fails stops the run here (set -e), rather
# than fuzzing with an empty token.
operations_token=$(token)
logout_token=$(token)

echo "--- every operation but logout (seed $seed)"
unsayable=(signup change_password delete_account predict_file predict_file_deprecated
  reset_password verify_email resend_verification)
"$venv/bin/st" run "$base/api/openapi.json" -H "Authorization: Bearer $operations_token" \
  --exclude-operation-id logout ${unsayable[@]/#/--exclude-operation-id=} "${common[@]}" \
  --report-junit-path "$reports/operations.xml" --report-ndjson-path "$reports/operations.ndjson"

echo "--- ${unsayable[*]}: every check but positive_data_acceptance (see above)"
"$venv/bin/st" run "$base/api/openapi.json" -H "Authorization: Bearer $operations_token" \
  ${unsayable[@]/#/--include-operation-id=} "${common[@]}" --exclude-checks positive_data_acceptance \
  --report-junit-path "$reports/unsayable.xml" --report-ndjson-path "$reports/unsayable.ndjson"

echo "--- logout, on a session of its own"
"$venv/bin/st" run "$base/api/openapi.json" -H "Authorization: Bearer $logout_token" \
  --include-operation-id logout "${common[@]}" \
  --report-junit-path "$reports/logout.xml" --report-ndjson-path "$reports/logout.ndjson"

