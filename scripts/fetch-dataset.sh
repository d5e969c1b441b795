#!/usr/bin/env bash
# Puts the Titanic training set at $1 (default data/titanic.csv) for the tests, which read it
# from LIFEBOAT_DATASET_PATH: a file already there with the right sha256 is kept, otherwise it
# is downloaded from DATASET_URL and refused unless the sha256 matches (as the model service
# does). Needs curl.
set -euo pipefail
dest=${1:-data/titanic.csv}
url=${DATASET_URL:-https://raw.githubusercontent.com/datasciencedojo/datasets/master/titanic.csv}
sha256=${DATASET_SHA256:-4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7}

matches() { [ -f "$1" ] && echo "$sha256  $1" | sha256sum --check --status; }

if matches "$dest"; then
  echo "data set: $dest (sha256 ok)"
  exit 0
fi
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp "$dest.XXXXXX")
trap 'rm -f "$tmp"' EXIT
curl -fsSL --retry 3 --max-time 60 "$url" -o "$tmp"
if ! matches "$tmp"; then
  echo "the file at $url does not have sha256 $sha256: refused" >&2
  exit 1
fi
mv "$tmp" "$dest"
echo "data set: $dest (downloaded, sha256 ok)"
