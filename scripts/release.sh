#!/usr/bin/env bash
# Cuts a release from a clean tree:  scripts/release.sh 0.9.0-rc1
#   1. sets the workspace version (Cargo.toml [workspace.package], and Cargo.lock);
#   2. regenerates CHANGELOG.md from the conventional commits with git-cliff (cliff.toml;
#      the pinned git-cliff comes from npm), the new section under tag vVERSION;
#   3. commits "chore(release): vVERSION" and makes the annotated tag vVERSION.
# Nothing is pushed: check the changelog, then `git push --follow-tags`.
set -euo pipefail
version=${1:?usage: scripts/release.sh X.Y.Z[-rcN]}
if ! [[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-rc[1-9][0-9]*)?$ ]]; then
  echo "not a version of the form X.Y.Z or X.Y.Z-rcN: $version" >&2
  exit 2
fi
tag=v$version
cd "$(dirname "$0")/.."
if [ -n "$(git status --porcelain)" ]; then
  echo "the working tree has changes; commit or stash them first" >&2
  exit 1
fi
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then
  echo "tag $tag exists already" >&2
  exit 1
fi

# The version line of [workspace.package], and no other.
awk -v version="$version" '
  /^\[/ { section = $0 }
  section == "[workspace.package]" && /^version = / { $0 = "version = \"" version "\"" }
  { print }
' Cargo.toml >Cargo.toml.new && mv Cargo.toml.new Cargo.toml
cargo update --workspace --quiet

npx --yes git-cliff@2.14.2 --tag "$tag" --output CHANGELOG.md

git add Cargo.toml Cargo.lock CHANGELOG.md
git commit --quiet -m "chore(release): $tag"
git tag -a "$tag" -m "Lifeboat $tag"
echo "released $tag: $(git rev-parse --short HEAD). Review CHANGELOG.md, then: git push --follow-tags"
