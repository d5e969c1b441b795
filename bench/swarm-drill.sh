#!/usr/bin/env bash
# The swarm drill: deploys the stack on a one-node swarm (scripts/swarm.sh up) and checks,
# with figures, what docs/scale-out.md promises (bench/swarm_drill.py):
#   1. every replica healthy; a prediction, a sign-up, a login, a training job and an
#      activation through :8080;
#   2. steady load through :8080 (signed-in and anonymous mixed) during a rolling update of
#      the backend and then of the model service, and again while a model-service task is
#      killed: failed requests and p99 for each;
#   3. a new model answers on every model-service replica (asked on its task address), is
#      deleted from all of them, and a job whose backend replica is killed ends failed or
#      succeeded, not running;
#   4. six wrong passwords sent alternately to the two backend replicas: the sixth is 429.
# Then removes the stack and leaves the swarm (DRILL_KEEP=1 keeps them).
#
# Not a CI stage: it builds the images and runs minutes of load. Needs docker with the base
# images (../shared/offline-images/build.sh here), python3 and oha (cargo install --locked oha).
# Settings: DRILL_RATE (total req/s, 300), DRILL_SECONDS (per load phase, 90), LIFEBOAT_PORT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# All the load comes from one address: the per-client anonymous limit would refuse it.
export ANONYMOUS_INFERENCE_RATE_PER_SECOND=0
export LIFEBOAT_PORT=${LIFEBOAT_PORT:-8080}
export LIFEBOAT_SWARM_DIR=${LIFEBOAT_SWARM_DIR:-$root/target/swarm-drill}
command -v oha >/dev/null || [ -x "$HOME/.cargo/bin/oha" ] || {
  echo "oha is needed: cargo install --locked oha" >&2
  exit 1
}
if [ "${DRILL_KEEP:-0}" != 1 ]; then
  trap 'scripts/swarm.sh down --leave' EXIT
fi
scripts/swarm.sh up
# A client on the stack's network, for asking each replica on its own task address.
docker build --quiet -t lifeboat-drill-client:dev - >/dev/null <<'EOF'
FROM debian:trixie-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      curl ca-certificates && rm -rf /var/lib/apt/lists/*
EOF
python3 bench/swarm_drill.py
