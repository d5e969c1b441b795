#!/usr/bin/env bash
# The calculator's typical request (a prediction with its explanation, the default forest)
# against a plain prediction, through the web port at 16 connections, in alternating runs
# (a noisy machine cannot tilt one side): each run's summary line, then the median ratio of
# explained to plain throughput. Against a running stack whose anonymous limit is off
# (bench/perf-native.sh explain starts one so).
#
#   bench/explain-load.sh [BASE_URL]   (default http://localhost:8080; needs wrk: apt-get install wrk)
#   BENCH_SECONDS=10 (per run)  BENCH_PAIRS=3  BENCH_CONNECTIONS=16
set -euo pipefail
base=${1:-http://localhost:8080}
here=$(cd "$(dirname "$0")" && pwd)
seconds=${BENCH_SECONDS:-10} pairs=${BENCH_PAIRS:-3} connections=${BENCH_CONNECTIONS:-16}
passenger='"pclass":3,"sex":"male","age":22,"sibsp":1,"parch":0,"fare":7.25,"embarked":"S"'
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for kind in plain explained; do
  body="{$passenger}"
  [ "$kind" = explained ] && body="{$passenger,\"explain\":true}"
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.body = '$body'"
    cat "$here/summary.lua"
  } >"$dir/$kind.lua"
  answer=$(curl -fsS -H 'content-type: application/json' -d "$body" "$base/api/inference") ||
    { echo "no prediction from $base/api/inference: is the stack up?" >&2; exit 1; }
  if [ "$kind" = explained ] && ! grep -q '"contributions"' <<<"$answer"; then
    echo "the explained request came back without contributions: $answer" >&2
    exit 1
  fi
done

echo "POST $base/api/inference at $connections connections, ${seconds} s per run, $pairs pairs"
ratios=()
for pair in $(seq 1 "$pairs"); do
  for kind in plain explained; do
    printf '%-9s %d: ' "$kind" "$pair"
    wrk -t2 -c"$connections" -d"${seconds}s" -s "$dir/$kind.lua" "$base/api/inference" | tail -n 1 |
      tee "$dir/$kind.out"
  done
  plain=$(awk '{print $2}' "$dir/plain.out") explained=$(awk '{print $2}' "$dir/explained.out")
  ratios+=("$(awk -v e="$explained" -v p="$plain" 'BEGIN {printf "%.3f", e / p}')")
done
printf 'explained / plain throughput per pair: %s\n' "${ratios[*]}"
printf '%s\n' "${ratios[@]}" | sort -n | awk '{r[NR] = $1} END {printf "median ratio: %.2fx (target >= 0.5x)\n", r[int((NR + 1) / 2)]}'
