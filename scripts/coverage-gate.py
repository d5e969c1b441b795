#!/usr/bin/env python3
"""Reads `cargo llvm-cov report --json --summary-only` on stdin, prints line coverage per
crate and for the workspace, and fails when any of them is below the bar (80 % unless
COVERAGE_MIN says otherwise).

Which files count is decided by the --ignore-filename-regex given to cargo llvm-cov
(scripts/coverage.sh): test code and the web app's browser-only views are left out there.
"""
import json
import os
import sys

MINIMUM = float(os.environ.get("COVERAGE_MIN", "80"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["crates/api-types", "crates/service-kit", "backend", "model-service",
          "frontend-service", "frontend"]


def crate_of(path):
    relative = os.path.relpath(path, ROOT)
    return next((c for c in CRATES if relative.startswith(c + "/")), None)


def main():
    report = json.load(sys.stdin)
    totals = {crate: [0, 0] for crate in CRATES}
    for file in report["data"][0]["files"]:
        crate = crate_of(file["filename"])
        if crate is None:
            continue
        lines = file["summary"]["lines"]
        totals[crate][0] += lines["covered"]
        totals[crate][1] += lines["count"]
    workspace = [sum(c for c, _ in totals.values()), sum(n for _, n in totals.values())]

    failed = []
    print(f"{'crate':<22} {'lines':>7} {'covered':>8} {'cover':>7}")
    for name, (covered, count) in list(totals.items()) + [("workspace", workspace)]:
        percent = 100.0 * covered / count if count else 100.0
        mark = "" if percent >= MINIMUM else f"   below {MINIMUM:.0f} %"
        print(f"{name:<22} {count:>7} {covered:>8} {percent:>6.1f}%{mark}")
        if mark:
            failed.append(name)
    if failed:
        sys.exit(f"coverage gate: {', '.join(failed)} below {MINIMUM:.0f} % of lines")
    print(f"coverage gate: every crate and the workspace at or above {MINIMUM:.0f} % of lines")


if __name__ == "__main__":
    main()
