# Local stand-ins for the two helper images gitlab-ci-local pulls from Docker Hub, for
# machines without registry access (scripts/gitlab-ci-local.sh builds and uses them):
#   helper: runs `bash -c` with rsync to copy caches and artifacts out of a job's volume;
#   wait:   `wait-for-it host:port -t seconds`, to wait for a job's services.
FROM debian:trixie-slim AS helper
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rsync wait-for-it \
 && rm -rf /var/lib/apt/lists/*

FROM helper AS wait
ENTRYPOINT ["wait-for-it"]
