#!/usr/bin/env bash
# Runs .gitlab-ci.yml's jobs on this machine with gitlab-ci-local (npm) and Docker:
#
#   scripts/gitlab-ci-local.sh --list        the pipeline's jobs
#   scripts/gitlab-ci-local.sh lint test     run those jobs, each in its image, with its services
#
# Arguments go to gitlab-ci-local unchanged. Works without a container registry: the images
# the jobs name must be here (../shared/offline-images/build.sh makes rust, debian and
# postgres), and gitlab-ci-local's two helper images are built from
# ci/gitlab-ci-local.Dockerfile.
# gitlab-ci-local 4.72.0 is the newest that runs on Node.js 20 (Debian's is older still:
# install Node.js 20+ first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=4.72.0
tools=$root/target/gitlab-ci-local
bin=$tools/node_modules/.bin/gitlab-ci-local

if [ "$("$bin" --version 2>/dev/null)" != "$version" ]; then
  echo "[gitlab-ci-local] installing $version"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --silent "gitlab-ci-local@$version"
fi
command -v rsync >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null
}
for target in helper wait; do
  docker image inspect "lifeboat-ci/gitlab-ci-local-$target" >/dev/null 2>&1 ||
    docker build -q --target "$target" -t "lifeboat-ci/gitlab-ci-local-$target" \
      -f ci/gitlab-ci-local.Dockerfile ci >/dev/null
done

exec "$bin" \
  --helper-image lifeboat-ci/gitlab-ci-local-helper \
  --wait-image lifeboat-ci/gitlab-ci-local-wait \
  --pull-policy if-not-present \
  --timestamps \
  "$@"
