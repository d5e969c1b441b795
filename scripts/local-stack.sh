#!/usr/bin/env bash
# Runs the three Lifeboat services natively (no Docker), on loopback, against the local
# PostgreSQL: `scripts/local-stack.sh start|stop`. Used by the test suite's browser stage.
#
# Settings (environment): LIFEBOAT_BIN_DIR (default target/debug), LIFEBOAT_STACK_DIR
# (logs, pids, models, the generated JWT secret; default target/local-stack),
# DATASET_PATH (default: the copy built into the model service), DATABASE_URL, ADMIN_EMAIL / ADMIN_PASSWORD (default
# admin@lifeboat.test / local-admin-password), and the ports FRONTEND_PORT / BACKEND_PORT /
# MODEL_SERVICE_PORT (18080 / 18000 / 18001), FRONTEND_METRICS_PORT (the web port + 2: where the
# frontend service answers /metrics). Sign-ups are limited to 1,000 per hour per
# address here (SIGNUP_RATE_PER_HOUR), as the browser suite makes many from one address.
# The services talk to each other on Unix sockets in LIFEBOAT_SOCKET_DIR (default: the stack
# directory), as in compose; set it empty for TCP on the ports instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${LIFEBOAT_BIN_DIR:-$root/target/debug}
dir=${LIFEBOAT_STACK_DIR:-$root/target/local-stack}
fe=${FRONTEND_PORT:-18080} be=${BACKEND_PORT:-18000} ms=${MODEL_SERVICE_PORT:-18001}
fm=${FRONTEND_METRICS_PORT:-$((fe + 2))}
sockets=${LIFEBOAT_SOCKET_DIR-$dir}
if [ -n "$sockets" ]; then
  backend_socket=(BACKEND_SOCKET="$sockets/backend.sock")
  model_socket=(MODEL_SERVICE_SOCKET="$sockets/model-service.sock")
  backend_url=unix:$sockets/backend.sock model_url=unix:$sockets/model-service.sock
else
  backend_socket=() model_socket=()
  backend_url=http://127.0.0.1:$be model_url=http://127.0.0.1:$ms
fi

start() {
  mkdir -p "$dir/models" ${sockets:+"$sockets"}
  env "${model_socket[@]}" MODEL_SERVICE_HOST=127.0.0.1 MODEL_SERVICE_PORT=$ms \
    MODEL_DIR="$dir/models" DATASET_PATH=${DATASET_PATH:-$dir/no-data-set-here.csv} \
    "$bin/lifeboat-model-service" >"$dir/model-service.log" 2>&1 &
  echo $! >"$dir/model-service.pid"
  env "${backend_socket[@]}" BACKEND_HOST=127.0.0.1 BACKEND_PORT=$be \
    MODEL_SERVICE_URL=$model_url \
    JWT_SECRET_FILE="$dir/jwt_secret" \
    ADMIN_EMAIL=${ADMIN_EMAIL:-admin@lifeboat.test} ADMIN_PASSWORD=${ADMIN_PASSWORD:-local-admin-password} \
    SIGNUP_RATE_PER_HOUR=${SIGNUP_RATE_PER_HOUR:-1000} \
    DATABASE_URL=${DATABASE_URL:-postgres://lifeboat:lifeboat@localhost:5432/lifeboat} \
    "$bin/lifeboat-backend" >"$dir/backend.log" 2>&1 &
  echo $! >"$dir/backend.pid"
  FRONTEND_HOST=127.0.0.1 FRONTEND_PORT=$fe FRONTEND_METRICS_PORT=$fm BACKEND_URL=$backend_url \
    STATIC_DIR="$root/frontend/dist" \
    "$bin/lifeboat-frontend-service" >"$dir/frontend-service.log" 2>&1 &
  echo $! >"$dir/frontend-service.pid"

  # Ready, and the default model (trained by the backend on a fresh install) answers.
  for _ in $(seq 1 240); do
    # A service that could not start (its port taken by an earlier stack, say) has exited:
    # the stack answering would then be someone else's.
    for service in model-service backend frontend-service; do
      if ! kill -0 "$(cat "$dir/$service.pid")" 2>/dev/null; then
        echo "$service exited; last log lines:" >&2
        tail -n 5 "$dir/$service.log" >&2
        stop
        return 1
      fi
    done
    if curl -fsS "http://127.0.0.1:$fe/ready" >/dev/null 2>&1 &&
      curl -fsS -H 'content-type: application/json' \
        -d '{"pclass":1,"sex":"female","sibsp":0,"parch":0}' \
        "http://127.0.0.1:$fe/api/inference" >/dev/null 2>&1; then
      echo "stack ready at http://127.0.0.1:$fe (logs in $dir)"
      return 0
    fi
    sleep 0.5
  done
  echo "the stack did not become ready; last log lines:" >&2
  tail -n 5 "$dir"/*.log >&2
  stop
  return 1
}

# Stops the services and waits (up to 10 s) until they have exited and freed their ports.
stop() {
  local pids=""
  for service in frontend-service backend model-service; do
    if [ -f "$dir/$service.pid" ]; then
      pid=$(cat "$dir/$service.pid")
      kill "$pid" 2>/dev/null && pids="$pids $pid"
      rm -f "$dir/$service.pid"
    fi
  done
  for _ in $(seq 1 100); do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -z "$alive" ] && return 0
    sleep 0.1
  done
  echo "still running after 10 s:$alive" >&2
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
