#!/usr/bin/env bash
# POST /api/inference through the one origin at 1, 16 and 64 connections (closed loop, wrk),
# one summary line each: req/s and p50/p95/p99/max latency. Against a running stack.
#
#   bench/inference-load.sh [BASE_URL]   (default http://localhost:8080; needs wrk: apt-get install wrk)
#   BENCH_SECONDS=20 (per run)           MODEL_ID=<uuid> asks one model instead of the active forest
set -euo pipefail
base=${1:-http://localhost:8080}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${BENCH_SECONDS:-20}
script=$(mktemp --suffix=.lua)
trap 'rm -f "$script"' EXIT
body='{"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"'
if [ -n "${MODEL_ID:-}" ]; then body="$body,\"model_id\":\"$MODEL_ID\""; fi
{
  echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo "wrk.body = '$body}'"
  cat "$here/summary.lua"
} >"$script"

curl -fsS -o /dev/null -H 'content-type: application/json' -d "$body}" "$base/api/inference" ||
  { echo "no prediction from $base/api/inference: is the stack up?" >&2; exit 1; }
echo "POST $base/api/inference, ${seconds} s per run"
for connections in 1 16 64; do
  threads=$((connections < 2 ? 1 : 2))
  printf '%3d connections: ' "$connections"
  wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$script" "$base/api/inference" | tail -n 1
done
