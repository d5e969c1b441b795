#!/usr/bin/env bash
# Login latency at 4 concurrent clients, and inference p99 at 16 connections with and
# without that login load, against a running stack. Prints wrk's latency distributions.
#
#   bench/auth-load.sh [BASE_URL]      (default http://localhost:8080; needs wrk: apt-get install wrk)
set -euo pipefail
base=${1:-http://localhost:8080}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${BENCH_SECONDS:-20}

curl -fsS -o /dev/null -X POST "$base/api/auth/signup" -H 'content-type: application/json' \
  -d '{"email":"bench@lifeboat.test","password":"bench-password-1"}' 2>/dev/null || true

echo "### login, 4 connections, ${seconds} s"
wrk -t2 -c4 -d"${seconds}s" --latency -s "$here/login.lua" "$base/api/auth/login"

echo "### inference, 16 connections, ${seconds} s, no other load"
wrk -t2 -c16 -d"${seconds}s" --latency -s "$here/inference.lua" "$base/api/inference"

echo "### inference, 16 connections, ${seconds} s, while 4 clients log in"
wrk -t1 -c4 -d"$((seconds + 4))s" -s "$here/login.lua" "$base/api/auth/login" >/dev/null &
storm=$!
sleep 2
wrk -t2 -c16 -d"${seconds}s" --latency -s "$here/inference.lua" "$base/api/inference"
wait "$storm"
