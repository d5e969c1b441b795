#!/usr/bin/env bash
# The performance run on this machine: the three release binaries on loopback (web port 8080
# in front, backend 8000, model service 8001), a fresh database and model folder, then
# bench/perf.py, then everything stopped. Needs the local PostgreSQL (scripts/setup-test-env.sh
# starts it) and oha (cargo install --locked oha).
#
#   bench/perf-native.sh             the whole table, then the bare chain (about 13 minutes)
#   RUST_LOG=warn bench/perf-native.sh   the same without the per-request access lines
#   bench/perf-native.sh soak        the five-minute soak (bench/soak.py) instead
#   bench/perf-native.sh explain     explained against plain predictions (bench/explain-load.sh)
#
# The services talk on Unix sockets, as in compose (scripts/local-stack.sh; set
# LIFEBOAT_SOCKET_DIR= for TCP on the ports instead). After the table, the same web-port runs
# against the bare chain (bench/ceiling: three minimal axum hops, the web port on 8090 and the
# other two on Unix sockets likewise, nothing else): what three HTTP hops cost on this machine
# at that moment, to read Lifeboat's figures against; then the two in alternating runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
database=lifeboat_perf
base_url=${DATABASE_URL:-postgres://lifeboat:lifeboat@localhost:5432/lifeboat}

cargo build --release --locked --quiet -p lifeboat-backend -p lifeboat-model-service \
  -p lifeboat-frontend-service -p lifeboat-bench-ceiling
# The web port answers /ready only with the web app on disk.
[ -f frontend/dist/index.html ] || frontend/build.sh

export LIFEBOAT_BIN_DIR=$root/target/release LIFEBOAT_STACK_DIR=$root/target/perf-stack
export FRONTEND_PORT=8080 BACKEND_PORT=8000 MODEL_SERVICE_PORT=8001
# One client makes all the load: the per-client limit on anonymous predictions is off.
export ANONYMOUS_INFERENCE_RATE_PER_SECOND=0
scripts/local-stack.sh stop  # an earlier run's, if any
export DATABASE_URL=${base_url%/*}/$database
psql -q "${base_url%/*}/postgres" -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database"
rm -rf "$LIFEBOAT_STACK_DIR"
scripts/local-stack.sh start
trap 'scripts/local-stack.sh stop' EXIT
sleep 5  # let start-up settle, so "before" is the idle footprint
if [ "${1:-}" = soak ]; then
  shift
  python3 bench/soak.py "$@"
elif [ "${1:-}" = explain ]; then
  bench/explain-load.sh "http://127.0.0.1:$FRONTEND_PORT"
else
  python3 bench/perf.py "$@"
  # The bare chain beside the stack, its web port on 8090: first its own rows, then both
  # in alternating runs, which a noisy machine cannot tilt.
  hop=$root/target/release/bare-hop
  sockets=$LIFEBOAT_STACK_DIR
  "$hop" "unix:$sockets/bare-model.sock" & bare=$!
  "$hop" "unix:$sockets/bare-backend.sock" --next "unix:$sockets/bare-model.sock" & bare="$bare $!"
  "$hop" 8090 --next "unix:$sockets/bare-backend.sock" & bare="$bare $!"
  trap 'kill $bare; scripts/local-stack.sh stop' EXIT
  sleep 1
  FRONTEND_URL=http://127.0.0.1:8090 python3 bench/perf.py --bare
  python3 bench/perf.py --versus http://127.0.0.1:8090
fi
