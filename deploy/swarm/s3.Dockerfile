# The stack's S3-compatible object store for the model artifacts: s3s-fs (crates.io), an S3
# server that keeps each bucket as a folder. For trying the stack on one machine; on a real
# cluster point MODEL_STORE at your own S3, MinIO, Garage or Ceph instead (docs/scale-out.md).
#
#   docker build -f deploy/swarm/s3.Dockerfile -t lifeboat-s3:dev deploy/swarm
FROM rust:1.95-slim-trixie AS build
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo install --locked s3s-fs --version 0.14.1 --features binary --root /opt/s3s

FROM debian:trixie-slim
RUN useradd --system --uid 10002 --user-group --no-create-home --shell /usr/sbin/nologin s3 \
 && mkdir -p /data && chown s3:s3 /data
COPY --from=build /opt/s3s/bin/s3s-fs /usr/local/bin/
COPY s3-entrypoint.sh /usr/local/bin/
USER s3
EXPOSE 9000
ENTRYPOINT ["s3-entrypoint.sh"]
