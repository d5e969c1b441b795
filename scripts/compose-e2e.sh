#!/usr/bin/env bash
# The product as users run it: starts the compose stack from empty volumes (its own compose
# project, so a stack you run yourself is left alone) with settings in an env file of its own
# (as a user's .env) and no admin configured, then
#   1. smoke: every service's /health and /ready, one prediction through the web port, a
#      setting from the env file in the backend's logged settings, and the first admin: the
#      log names the password file and never holds the password, the password signs in, and
#      a restarted backend makes no second admin;
#   2. the web app's size budget, measured on the bundle the frontend image serves
#      (frontend/size-budget.sh); the JWT interoperability check (PyJWT) and the
#      observability checks, from outside;
#   3. the Playwright suite (tests/e2e, Debian's Chromium), artifacts in tests/e2e/artifacts,
#      with the mail profile's catcher as the inbox of the account-mail specs;
#   4. schemathesis fuzzing the backend from its OpenAPI document as an admin (tests/api-fuzz);
# and takes the stack down again (volumes too), also when something fails, after saving
# every container's log to tests/e2e/artifacts/compose.log.
#
#   scripts/compose-e2e.sh          all four steps
#   scripts/compose-e2e.sh smoke    step 1 only (the CI pipeline's smoke job)
#
# The model service uses the data set built into it: nothing is downloaded.
# Settings: LIFEBOAT_PORT (18090),
# LIFEBOAT_BACKEND_PORT (18091), LIFEBOAT_MODEL_SERVICE_PORT (18092), LIFEBOAT_HOST (where
# those ports are reached, 127.0.0.1), LIFEBOAT_IMAGE_PREFIX + LIFEBOAT_VERSION (run those
# published images instead of building them here), LIFEBOAT_KEEP_STACK=1 leaves it running.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
steps=${1:-all}
case "$steps" in all | smoke) ;; *) echo "usage: $0 [all|smoke]" >&2; exit 2 ;; esac

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-lifeboat-e2e}
export LIFEBOAT_PORT=${LIFEBOAT_PORT:-18090}
export LIFEBOAT_BACKEND_PORT=${LIFEBOAT_BACKEND_PORT:-18091}
export LIFEBOAT_MODEL_SERVICE_PORT=${LIFEBOAT_MODEL_SERVICE_PORT:-18092}
export LIFEBOAT_FRONTEND_METRICS_PORT=${LIFEBOAT_FRONTEND_METRICS_PORT:-18093}
host=${LIFEBOAT_HOST:-127.0.0.1}
build=--build
if [ -n "${LIFEBOAT_IMAGE_PREFIX:-}" ]; then
  build=--no-build  # published images: compose pulls what is not here yet
fi
secret_file=$(mktemp)
JWT_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
printf '%s' "$JWT_SECRET" >"$secret_file"
# What a user's .env would say, in a file of this run's own (a .env of yours is left alone).
# The browser suite signs up dozens of accounts and asks for many links, all from the one
# address Docker's port proxy gives host callers; PREDICTION_RETENTION_DAYS is checked to
# reach the backend. Mail goes to the mail profile's catcher, whose inbox the browser suite
# reads; the links in it open this stack.
export COMPOSE_PROFILES=mail LIFEBOAT_MAIL_INBOX_PORT=${LIFEBOAT_MAIL_INBOX_PORT:-18094}
env_file=$(mktemp)
printf '%s\n' SIGNUP_RATE_PER_HOUR=1000 PREDICTION_RETENTION_DAYS=7 "JWT_SECRET=$JWT_SECRET" \
  ACCOUNT_LINK_RATE_PER_ADDRESS=1000 ACCOUNT_LINK_RATE_PER_CLIENT=1000 \
  SMTP_URL=smtp://mailcatcher:1025 "PUBLIC_URL=http://$host:$LIFEBOAT_PORT" >"$env_file"
export COMPOSE_ENV_FILES=$env_file
base=http://$host:$LIFEBOAT_PORT
artifacts=$root/tests/e2e/artifacts

down() {
  local status=$?
  if [ "${LIFEBOAT_KEEP_STACK:-0}" != 1 ]; then
    if [ "$status" != 0 ]; then
      mkdir -p "$artifacts"
      docker compose logs --no-color >"$artifacts/compose.log" 2>&1 || true
      docker compose ps -a >&2 || true
      docker compose logs --tail 20 >&2 || true
      echo "every container's log: $artifacts/compose.log" >&2
    fi
    docker compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  rm -f "$secret_file" "$env_file"
  exit "$status"
}
trap down EXIT

echo "--- start (compose project $COMPOSE_PROJECT_NAME, $build)"
docker compose down -v --remove-orphans >/dev/null 2>&1 || true
started=$SECONDS
if [ "$build" = --no-build ]; then
  # `up` builds, rather than pulls, a missing image of a service that has a build section.
  docker compose pull --quiet --policy missing
fi
docker compose up "$build" -d --wait --quiet-pull
echo "stack healthy after $((SECONDS - started)) s"

echo "--- smoke: health, readiness, one prediction"
status=0
for url in "$base" "http://$host:$LIFEBOAT_BACKEND_PORT" "http://$host:$LIFEBOAT_MODEL_SERVICE_PORT"; do
  for probe in health ready; do
    if answer=$(curl -fsS --max-time 5 "$url/$probe"); then
      echo "$url/$probe: $answer"
    else
      echo "$url/$probe: FAILED" >&2
      status=1
    fi
  done
done
# A fresh install trains its default models in the background: wait for the first answer.
for _ in $(seq 1 120); do
  if prediction=$(curl -fsS --max-time 5 -H 'content-type: application/json' \
    -d '{"pclass":1,"sex":"female","age":30,"sibsp":0,"parch":0}' "$base/api/inference"); then
    break
  fi
  prediction=""
  sleep 1
done
if [ -n "$prediction" ]; then echo "prediction: $prediction"; else echo "no prediction" >&2; status=1; fi
[ "$status" = 0 ] || exit 1

echo "--- settings from the env file, and the first admin"
fail() { echo "$*" >&2; exit 1; }
backend_log=$(docker compose logs --no-log-prefix backend)
settings=$(grep '"settings in force"' <<<"$backend_log" | head -n 1)
grep -q 'PREDICTION_RETENTION_DAYS=7 ' <<<"$settings" ||
  fail "PREDICTION_RETENTION_DAYS=7 from the env file did not reach the backend: $settings"
echo "the backend's settings include PREDICTION_RETENTION_DAYS=7"
password_file=/secrets/initial_admin_password
ADMIN_EMAIL=admin@lifeboat.local
ADMIN_PASSWORD=$(docker compose exec -T backend cat "$password_file")
[ -n "$ADMIN_PASSWORD" ] || fail "no password in $password_file"
grep -F "$password_file" <<<"$backend_log" | grep -q "created one" ||
  fail "the backend's log does not name $password_file"
if docker compose logs --no-log-prefix | grep -F "$ADMIN_PASSWORD" >/dev/null; then
  fail "the first admin's password is in a log"
fi
admins() {
  docker compose exec -T postgres psql -U lifeboat -d lifeboat -tAc \
    "SELECT count(*) FROM app_user WHERE role = 'admin'"
}
[ "$(admins)" = 1 ] || fail "$(admins) admins after the first start"
docker compose restart backend >/dev/null
docker compose up -d --wait --quiet-pull >/dev/null
[ "$(admins)" = 1 ] || fail "$(admins) admins after a restart"
[ "$(docker compose exec -T backend cat "$password_file")" = "$ADMIN_PASSWORD" ] ||
  fail "a restart changed $password_file"
login=$(curl -fsS --max-time 10 -H 'content-type: application/json' "$base/api/auth/login" \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}")
token=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])' <<<"$login")
role=$(curl -fsS --max-time 10 -H "authorization: Bearer $token" "$base/api/me" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["role"])')
[ "$role" = admin ] || fail "the first admin signs in as $role"
echo "$ADMIN_EMAIL signs in as admin with the password in $password_file (in no log);" \
  "a restart made no second admin"
export ADMIN_EMAIL ADMIN_PASSWORD
[ "$steps" = smoke ] && exit 0

echo "--- size budget of the web app, as the frontend image serves it"
served=$(mktemp -d)
docker compose cp frontend:/app/dist/. "$served" >/dev/null
frontend/size-budget.sh "$served"
rm -rf "$served"

echo "--- JWT interoperability (PyJWT)"
python3 tests/interop/verify_jwt.py "$base" "$secret_file"

echo "--- observability: request ids across the logs, /metrics, the Grafana dashboard"
LIFEBOAT_LOGS=compose LIFEBOAT_HOST=$host FRONTEND_PORT=$LIFEBOAT_PORT BACKEND_PORT=$LIFEBOAT_BACKEND_PORT \
  FRONTEND_METRICS_PORT=$LIFEBOAT_FRONTEND_METRICS_PORT \
  MODEL_SERVICE_PORT=$LIFEBOAT_MODEL_SERVICE_PORT python3 tests/observability/check_stack.py

echo "--- browser suite (Playwright, Chromium) against $base"
(cd tests/e2e && LIFEBOAT_BASE_URL=$base LIFEBOAT_ADMIN_EMAIL=$ADMIN_EMAIL \
  LIFEBOAT_ADMIN_PASSWORD=$ADMIN_PASSWORD LIFEBOAT_MAIL_URL=http://$host:$LIFEBOAT_MAIL_INBOX_PORT \
  npx playwright test)

echo "--- API fuzzing (schemathesis) against http://$host:$LIFEBOAT_BACKEND_PORT/api/openapi.json"
tests/api-fuzz/run.sh "http://$host:$LIFEBOAT_BACKEND_PORT" "$ADMIN_EMAIL" "$ADMIN_PASSWORD"
