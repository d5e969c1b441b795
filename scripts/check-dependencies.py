#!/usr/bin/env python3
"""The npm and Python dependencies held to the rules cargo-deny holds the Rust ones to.

- npm (frontend/, tests/e2e/ and tests/mail/): every package in package-lock.json has a licence that
  deny.toml allows (one list for both ecosystems), an integrity hash, and no source but the
  npm registry; package.json pins each dependency to one exact version.
- Python: every `pip install` in the repository's scripts pins its packages with `==`.

Offline: reads the files only. Exit 1 with a line per problem.

    python3 scripts/check-dependencies.py
"""

import json
import pathlib
import re
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
NPM_PROJECTS = ["frontend", "tests/e2e", "tests/mail"]
REGISTRY = "https://registry.npmjs.org/"


def allowed_licences():
    with open(ROOT / "deny.toml", "rb") as f:
        return set(tomllib.load(f)["licenses"]["allow"])


def licence_ok(expression, allowed):
    """An SPDX expression of ORs (each maybe parenthesised ANDs) that an allowed licence
    satisfies: any OR branch whose AND parts are all allowed."""
    if not expression:
        return False
    for branch in re.split(r"\s+OR\s+", expression.strip("()")):
        parts = re.split(r"\s+AND\s+", branch.strip("()"))
        if all(part.strip("()") in allowed for part in parts):
            return True
    return False


def check_npm(project, allowed):
    problems = []
    lock = json.loads((ROOT / project / "package-lock.json").read_text())
    manifest = json.loads((ROOT / project / "package.json").read_text())
    for section in ("dependencies", "devDependencies"):
        for name, spec in manifest.get(section, {}).items():
            if not re.fullmatch(r"\d+\.\d+\.\d+", spec):
                problems.append(f"{project}/package.json: {name} is {spec!r}, not one exact version")
    for path, package in lock["packages"].items():
        if not path:
            continue
        name = path.rsplit("node_modules/", 1)[-1]
        if not licence_ok(package.get("license"), allowed):
            problems.append(f"{project}: {name} is licensed {package.get('license')!r}, which deny.toml does not allow")
        resolved = package.get("resolved")
        if resolved and not resolved.startswith(REGISTRY):
            problems.append(f"{project}: {name} comes from {resolved}, not the npm registry")
        if "integrity" not in package and not package.get("link"):
            problems.append(f"{project}: {name} has no integrity hash in package-lock.json")
    return problems


def check_pip_pins():
    problems = []
    files = subprocess.run(
        ["git", "ls-files", "*.sh", "*.py", "*.yml", "Dockerfile", "*.Dockerfile"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    for name in files:
        if name == "scripts/check-dependencies.py":
            continue
        for number, line in enumerate((ROOT / name).read_text().splitlines(), 1):
            if line.lstrip().startswith("#") or not re.search(r"\bpip\"? install\b", line):
                continue
            args = []
            for arg in line.split("install", 1)[1].split():
                if arg in ("|", "||", "&&", ";", "2>&1", ">&2", ">/dev/null"):
                    break
                args.append(arg.strip("\"'"))
            # A $variable is checked where it is set (tests/reference/setup.sh's `want=`).
            packages = [a for a in args if a and not a.startswith("-")]
            for package in packages:
                if "==" not in package and not package.startswith("$"):
                    problems.append(f"{name}:{number}: pip installs {package!r} without a pinned version")
    return problems


def main():
    allowed = allowed_licences()
    problems = [p for project in NPM_PROJECTS for p in check_npm(project, allowed)]
    problems += check_pip_pins()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"npm ({', '.join(NPM_PROJECTS)}) and Python pins: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
