#!/usr/bin/env bash
# Issue 23's figures, side by side in one run on native release binaries:
#  1. what recording the history costs: signed-in predictions through the web port at 64
#     connections (wrk, closed loop), three runs with recording and three without
#     (RECORD_PREDICTIONS=false), alternating, the ratio of the medians; and whether every
#     prediction the backend answered is in Postgres after a SIGTERM;
#  2. a 10,000-row CSV file through the web port, end to end (median of 5);
#  3. the history page query at 1,000,000 stored rows: first, middle and last page (keyset),
#     Postgres's execution time (median of 5 EXPLAIN ANALYZE).
#
#   cargo build --release -p lifeboat-backend -p lifeboat-model-service -p lifeboat-frontend-service
#   bench/history-and-files.sh        (needs wrk, curl, psql, a running Postgres with the
#                                      role lifeboat; frontend/dist for the stack script)
#   BENCH_SECONDS=10 (per load run)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${BENCH_SECONDS:-10}
name=lifeboat_bench_history
server=${BENCH_POSTGRES:-postgres://lifeboat:lifeboat@localhost:5432}
psql_db() { psql "$server/$name" -v ON_ERROR_STOP=1 -qtA "$@"; }
psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"

export DATABASE_URL=$server/$name LIFEBOAT_BIN_DIR=$root/target/release LIFEBOAT_SOCKET_DIR=
export LIFEBOAT_STACK_DIR=$(mktemp -d) FRONTEND_PORT=28180 BACKEND_PORT=28100 MODEL_SERVICE_PORT=28101
base=http://127.0.0.1:$FRONTEND_PORT
work=$(mktemp -d)
trap '"$root/scripts/local-stack.sh" stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

token() {
  curl -fsS -H 'content-type: application/json' -d '{"email":"bench@example.com","password":"bench-password"}' \
    "$base/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
answered() { # the backend's own count of predictions answered
  curl -fsS "http://127.0.0.1:$BACKEND_PORT/metrics" |
    awk '/^inference_requests_total\{.*outcome="ok"/ {n += $2} END {print n + 0}'
}
body='{"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"}'

load() { # $1: RECORD_PREDICTIONS
  RECORD_PREDICTIONS=$1 "$root/scripts/local-stack.sh" start >/dev/null
  curl -sS -o /dev/null -H 'content-type: application/json' \
    -d '{"email":"bench@example.com","password":"bench-password"}' "$base/api/auth/signup"
  local t; t=$(token)
  until curl -fsS -o /dev/null -H "authorization: Bearer $t" -H 'content-type: application/json' \
    -d "$body" "$base/api/inference"; do sleep 1; done
  sleep 1 # the warm-up's own entry is written before the count
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $t\""
    echo "wrk.body = '$body'"
    cat "$root/bench/summary.lua"
  } >"$work/load.lua"
  local rows_before answered_before
  rows_before=$(psql_db -c 'SELECT count(*) FROM prediction')
  answered_before=$(answered)
  local line; line=$(wrk -t2 -c64 -d"${seconds}s" -s "$work/load.lua" "$base/api/inference" | tail -n 1)
  local answered_after; answered_after=$(answered)
  "$root/scripts/local-stack.sh" stop >/dev/null # SIGTERM: the queue is written first
  local rows; rows=$(( $(psql_db -c 'SELECT count(*) FROM prediction') - rows_before ))
  local rps; rps=$(awk '{print $2}' <<<"$line")
  printf 'recording %-5s %s   answered %d   stored %d\n' "$1" "$line" \
    $((answered_after - answered_before)) "$rows" >&2
  echo "$rps"
}

echo "1. signed-in predictions through $base at 64 connections, ${seconds} s each, alternating" >&2
on=() off=()
for _ in 1 2 3; do
  on+=("$(load true)")
  off+=("$(load false)")
done
python3 - "${on[*]}" "${off[*]}" <<'PY' >&2
import statistics, sys
on, off = ([float(x) for x in arg.split()] for arg in sys.argv[1:])
print(f"   median req/s with recording {statistics.median(on):.0f}, without {statistics.median(off):.0f}: "
      f"{statistics.median(on) / statistics.median(off):.2f}x")
PY

echo "2. a 10,000-row file through $base (native release binaries)" >&2
"$root/scripts/local-stack.sh" start >/dev/null
dataset=$root/data/titanic.csv
{ head -n 1 "$dataset"; for _ in $(seq 12); do tail -n +2 "$dataset"; done | head -n 10000; } >"$work/file.csv"
t=$(token)
times=()
for _ in 1 2 3 4 5; do
  times+=("$(curl -fsS -o "$work/answer.json" -w '%{time_total}' -H "authorization: Bearer $t" \
    -H 'content-type: text/csv' --data-binary @"$work/file.csv" "$base/api/inference/file")")
done
rows=$(python3 -c "import json; print(len(json.load(open('$work/answer.json'))['rows']))")
printf '   %s rows, %s bytes: %s s (median of 5: %s)\n' "$rows" "$(stat -c %s "$work/file.csv")" \
  "${times[*]}" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" >&2
"$root/scripts/local-stack.sh" stop >/dev/null

echo "3. the history page query at 1,000,000 rows" >&2
user=$(psql_db -c "SELECT app_user_id FROM app_user WHERE email = 'bench@example.com'")
psql_db <<SQL
INSERT INTO app_user (app_user_id, email, password_hash, role)
SELECT gen_random_uuid(), 'other' || i || '@example.com', 'x', 'user' FROM generate_series(1, 500) i;
-- Half the rows are one heavy user's, the other half spread over 500 others.
INSERT INTO prediction (app_user_id, made_at, pclass, sex, age, sibsp, parch, fare, embarked,
                        model_id, model_name, algorithm, prob)
SELECT CASE WHEN i % 2 = 0 THEN '$user'::uuid
            ELSE (SELECT app_user_id FROM app_user ORDER BY email OFFSET (i % 500) LIMIT 1) END,
       now() - make_interval(secs => i), 1 + i % 3, 'female', i % 80, 0, 0, 10, 'S',
       gen_random_uuid(), 'forest', 'random_forest', 0.5
FROM generate_series(1, 1000000 - (SELECT count(*) FROM prediction)) i;
ANALYZE prediction;
SQL
echo "   $(psql_db -c 'SELECT count(*) FROM prediction') rows; the heavy user has $(psql_db -c "SELECT count(*) FROM prediction WHERE app_user_id = '$user'")" >&2
page() { # $1: the offset of the page's first row, to find its key (not timed)
  local key; key=$(psql_db -c "SELECT made_at, prediction_id FROM prediction WHERE app_user_id = '$user'
    ORDER BY made_at DESC, prediction_id DESC OFFSET $1 LIMIT 1" | tr '|' ' ')
  read -r day time id <<<"$key"
  local ms=()
  for _ in 1 2 3 4 5; do
    ms+=("$(psql_db -c "EXPLAIN (ANALYZE, FORMAT JSON) SELECT prediction_id, made_at, pclass, sex, age,
        sibsp, parch, fare, embarked, model_id, model_name, algorithm, prob FROM prediction
        WHERE app_user_id = '$user' AND (made_at, prediction_id) < ('$day $time', $id)
        ORDER BY made_at DESC, prediction_id DESC LIMIT 11" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Execution Time"])')")
  done
  printf '   page at row %7d: %s ms (median %s)\n' "$1" "${ms[*]}" \
    "$(printf '%s\n' "${ms[@]}" | sort -n | sed -n 3p)" >&2
}
page 0
page 250000
page 499980
