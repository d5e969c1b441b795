#!/usr/bin/env bash
# Lifeboat on a Docker Swarm (deploy/swarm/stack.yml, stack name `lifeboat`).
#
#   scripts/swarm.sh up        a swarm if this engine is in none (`docker swarm init`), the
#                              images built, the secrets created when missing, the stack deployed; waits until every replica
#                              is running and healthy
#   scripts/swarm.sh update [SERVICE…]
#                              rebuilds the images and rolls SERVICE (default: backend,
#                              model-service, frontend) onto them, one task at a time
#   scripts/swarm.sh status    the services and their tasks
#   scripts/swarm.sh down [--leave]
#                              removes the stack; --leave also removes its secrets, configs
#                              and volumes and leaves the swarm (what a test run does)
#
# Settings: LIFEBOAT_PORT (8080), BACKEND_REPLICAS and
# MODEL_SERVICE_REPLICAS (2), ADMIN_EMAIL (admin@lifeboat.local) and ADMIN_PASSWORD (else a
# random one, written to $LIFEBOAT_SWARM_DIR/admin_password), ANONYMOUS_INFERENCE_RATE_PER_SECOND,
# LIFEBOAT_SWARM_DIR (~/.lifeboat-swarm: the generated passwords, mode 600).
#
# On a real cluster run it on a manager after pushing the images to a registry the nodes can
# pull from (LIFEBOAT_IMAGE_PREFIX, LIFEBOAT_VERSION; docs/scale-out.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stack=lifeboat
services=(frontend backend model-service)
state=${LIFEBOAT_SWARM_DIR:-$HOME/.lifeboat-swarm}
export LIFEBOAT_IMAGE_PREFIX=${LIFEBOAT_IMAGE_PREFIX:-lifeboat-} LIFEBOAT_VERSION=${LIFEBOAT_VERSION:-dev}

log() { echo "swarm: $*" >&2; }

ensure_swarm() {
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    log "initialising a one-node swarm"
    docker swarm init --advertise-addr "${SWARM_ADVERTISE_ADDR:-127.0.0.1}" >/dev/null
  fi
  # Postgres and the object store keep their data in volumes on one node: this one, unless
  # another node carries the labels already.
  local node
  node=$(docker info --format '{{.Swarm.NodeID}}')
  for label in lifeboat.postgres lifeboat.s3; do
    if [ -z "$(docker node ls -q --filter "node.label=$label=true")" ]; then
      docker node update --label-add "$label=true" "$node" >/dev/null
    fi
  done
}

build_images() {
  log "building the images ($LIFEBOAT_IMAGE_PREFIX*:$LIFEBOAT_VERSION)"
  docker compose build --quiet frontend backend model-service
  docker build --quiet -f deploy/swarm/s3.Dockerfile -t "${LIFEBOAT_IMAGE_PREFIX}s3:$LIFEBOAT_VERSION" \
    deploy/swarm >/dev/null
}

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# The secret NAME with VALUE, unless it exists (a secret cannot be changed, only replaced).
secret() {
  if ! docker secret inspect "lifeboat_$1" >/dev/null 2>&1; then
    printf '%s' "$2" | docker secret create "lifeboat_$1" - >/dev/null
    log "secret lifeboat_$1 created"
  fi
}

ensure_secrets() {
  mkdir -p "$state" && chmod 700 "$state"
  local pg_password
  if ! docker secret inspect lifeboat_postgres_password >/dev/null 2>&1; then
    pg_password=$(random)
    secret postgres_password "$pg_password"
    docker secret rm lifeboat_database_url >/dev/null 2>&1 || true
    secret database_url "postgres://lifeboat:$pg_password@postgres:5432/lifeboat"
  fi
  secret jwt_secret "$(random)"
  if ! docker secret inspect lifeboat_admin_password >/dev/null 2>&1; then
    local admin=${ADMIN_PASSWORD:-}
    if [ -z "$admin" ]; then
      admin=$(random)
      (umask 077 && printf '%s\n' "$admin" >"$state/admin_password")
      log "the first admin's password is in $state/admin_password"
    fi
    secret admin_password "$admin"
  fi
  secret s3_access_key_id "lifeboat-$(random | head -c 12)"
  secret s3_secret_key "$(random)"
}

# Deploys and waits until every service has converged: a changed setting rolls through
# every task before this returns.
deploy() {
  docker stack deploy --resolve-image never --prune --detach=false \
    -c deploy/swarm/stack.yml "$stack" >/dev/null
}

# Waits until every service of the stack runs as many healthy tasks as it wants.
wait_healthy() {
  local deadline=$((SECONDS + ${SWARM_WAIT_S:-300})) pending
  while :; do
    pending=""
    while read -r name replicas; do
      local running=${replicas%%/*} wanted=${replicas##*/}
      wanted=${wanted%% *}
      [ "$running" = "$wanted" ] || pending="$pending $name($replicas)"
    done < <(docker service ls --filter "label=com.docker.stack.namespace=$stack" \
      --format '{{.Name}} {{.Replicas}}')
    # Running is not healthy: a task with a health check counts once it passes.
    local starting
    starting=$(docker ps --filter "label=com.docker.stack.namespace=$stack" \
      --filter health=starting -q | wc -l)
    if [ -z "$pending" ] && [ "$starting" = 0 ]; then break; fi
    if [ $SECONDS -ge $deadline ]; then
      log "not healthy after ${SWARM_WAIT_S:-300} s:$pending ($starting starting)"
      docker stack ps "$stack" --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' | head -30 >&2
      exit 1
    fi
    sleep 2
  done
  log "every replica running and healthy; the web app is on :${LIFEBOAT_PORT:-8080}"
}

case "${1:-}" in
  up)
    ensure_swarm
    build_images
    ensure_secrets
    deploy
    wait_healthy
    ;;
  update)
    shift
    [ $# -gt 0 ] || set -- backend model-service frontend
    build_images
    for service in "$@"; do
      log "rolling $service"
      docker service update --quiet --force \
        --image "${LIFEBOAT_IMAGE_PREFIX}$service:$LIFEBOAT_VERSION" "${stack}_$service" >/dev/null
    done
    wait_healthy
    ;;
  status)
    docker stack services "$stack"
    docker stack ps "$stack" --format 'table {{.Name}}\t{{.Node}}\t{{.CurrentState}}\t{{.Error}}'
    ;;
  down)
    docker stack rm "$stack" >/dev/null 2>&1 || true
    # The stack's networks go last; wait for them so a new deploy does not race them.
    for _ in $(seq 1 60); do
      [ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$stack")" ] && break
      sleep 1
    done
    if [ "${2:-}" = --leave ]; then
      docker secret ls -q --filter name=lifeboat_ | xargs -r docker secret rm >/dev/null
      docker config ls -q --filter name=lifeboat_ | xargs -r docker config rm >/dev/null
      for _ in $(seq 1 30); do
        docker volume ls -q --filter "label=com.docker.stack.namespace=$stack" \
          | xargs -r docker volume rm >/dev/null 2>&1 && break
        sleep 1
      done
      docker swarm leave --force >/dev/null
      log "stack removed, swarm left"
    else
      log "stack removed (secrets, config and volumes kept)"
    fi
    ;;
  *)
    sed -n '2,22p' "$0" >&2
    exit 2
    ;;
esac
