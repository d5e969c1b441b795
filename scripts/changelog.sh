#!/usr/bin/env bash
# Rewrites CHANGELOG.md's "Unreleased" section from the conventional commits since the last
# release commit (`chore(release): vX`), with the pinned git-cliff from npm (cliff.toml).
# Works without the release tags in the clone. Commit the result as `chore(changelog): …`,
# which the changelog itself leaves out.
#
#   scripts/changelog.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
since=$(git log -1 --format=%H --extended-regexp --grep '^chore\(release\): v')
section=$(npx --yes git-cliff@2.14.2 "$since..HEAD" --unreleased --strip header)
python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1].strip() + "\n\n"
text = open("CHANGELOG.md").read()
text = re.sub(r"## Unreleased\n.*?(?=^## )", "", text, flags=re.S | re.M)
first_release = re.search(r"^## ", text, flags=re.M).start()
open("CHANGELOG.md", "w").write(text[:first_release] + section + text[first_release:])
PY
echo "CHANGELOG.md: Unreleased section rewritten from the commits since ${since:0:7}"
