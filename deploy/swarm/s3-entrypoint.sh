#!/bin/sh
# Starts s3s-fs on :9000 over /data with the keys of the Swarm secrets s3_access_key_id and
# s3_secret_key, after creating the bucket S3_BUCKET (a folder, for s3s-fs).
set -eu
mkdir -p "/data/${S3_BUCKET:?}"
exec s3s-fs --host 0.0.0.0 --port 9000 \
  --access-key "$(cat "${S3_ACCESS_KEY_ID_FILE:-/run/secrets/s3_access_key_id}")" \
  --secret-key "$(cat "${S3_SECRET_KEY_FILE:-/run/secrets/s3_secret_key}")" \
  /data
