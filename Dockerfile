# Lifeboat images. One build stage compiles the whole workspace once (the three services
# natively, the web app to wasm); small runtime stages per service take what they need.
#
#   docker build --target backend .        (or model-service, frontend)
#
# Everything comes from crates.io, the Rust toolchain servers and Debian: nothing is
# downloaded from anywhere else.

# wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock exactly. Only that
# version number reaches the build stage, so the CLI's layer is rebuilt when it changes, not
# whenever Cargo.lock does (every release bumps our own crates' versions there).
FROM debian:trixie-slim AS wasm-bindgen-version
COPY Cargo.lock /
RUN awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' /Cargo.lock \
      >/wasm-bindgen-version

FROM rust:1.95-slim-trixie AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends binaryen gzip \
 && rm -rf /var/lib/apt/lists/* \
 && rustup target add wasm32-unknown-unknown
WORKDIR /src

COPY --from=wasm-bindgen-version /wasm-bindgen-version /tmp/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo install --root /opt/wasm-bindgen wasm-bindgen-cli --version "$(cat /tmp/wasm-bindgen-version)"
ENV PATH=/opt/wasm-bindgen/bin:$PATH
# wasm-split-cli, which frontend/build.sh needs, in a layer rebuilt only when its script is.
COPY frontend/install-split-cli.sh /tmp/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    /tmp/install-split-cli.sh /opt/wasm-split
ENV WASM_SPLIT_ROOT=/opt/wasm-split

COPY . .
ENV SQLX_OFFLINE=true
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked \
      -p lifeboat-backend -p lifeboat-model-service -p lifeboat-frontend-service \
 && frontend/build.sh /out/dist \
 && mkdir -p /out/bin \
 && cp target/release/lifeboat-backend target/release/lifeboat-model-service \
       target/release/lifeboat-frontend-service /out/bin/

FROM debian:trixie-slim AS runtime
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin lifeboat \
 && mkdir -p /run/lifeboat && chown lifeboat:lifeboat /run/lifeboat
ENV RUST_LOG=info

FROM runtime AS model-service
# Created here with the right owner, so fresh named volumes mounted on them are writable.
RUN mkdir -p /models /data && chown lifeboat:lifeboat /models /data
COPY --from=build /out/bin/lifeboat-model-service /usr/local/bin/
USER lifeboat
ENV MODEL_SERVICE_PORT=8001 MODEL_DIR=/models DATASET_PATH=/data/titanic.csv
EXPOSE 8001
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD ["lifeboat-model-service", "healthcheck", "/ready"]
ENTRYPOINT ["lifeboat-model-service"]

FROM runtime AS backend
# Holds the generated JWT secret when none is configured, and the first admin's generated
# password when no admin is (a volume in compose that only the backend mounts).
RUN mkdir -p /secrets && chown lifeboat:lifeboat /secrets && chmod 700 /secrets
COPY --from=build /out/bin/lifeboat-backend /usr/local/bin/
USER lifeboat
ENV BACKEND_PORT=8000 JWT_SECRET_FILE=/secrets/jwt_secret \
    INITIAL_ADMIN_PASSWORD_FILE=/secrets/initial_admin_password
EXPOSE 8000
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD ["lifeboat-backend", "healthcheck", "/ready"]
ENTRYPOINT ["lifeboat-backend"]

FROM runtime AS frontend
COPY --from=build /out/bin/lifeboat-frontend-service /usr/local/bin/
COPY --from=build /out/dist /app/dist
USER lifeboat
ENV FRONTEND_PORT=8080 STATIC_DIR=/app/dist
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
  CMD ["lifeboat-frontend-service", "healthcheck", "/ready"]
ENTRYPOINT ["lifeboat-frontend-service"]
