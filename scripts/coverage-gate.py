#!/usr/bin/env python3
"""Reads `cargo llvm-cov report --json --summary-only --branch` on stdin, prints line and
branch coverage per crate and for the workspace, and fails when a crate's or the
workspace's lines are below the bar (80 % unless COVERAGE_MIN says otherwise), or when a
branch of the code that decides who may do what (`backend/src/auth/`) is never taken.

Which files count is decided by the --ignore-filename-regex given to cargo llvm-cov
(scripts/coverage.sh): test code and the web app's browser-only views are left out there.
"""
import json
import os
import sys

MINIMUM = float(os.environ.get("COVERAGE_MIN", "80"))
# Every branch of these folders must be taken by some test.
FULL_BRANCHES = ["backend/src/auth/"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["crates/api-types", "crates/service-kit", "backend", "model-service",
          "frontend-service", "frontend"]


def crate_of(path):
    relative = os.path.relpath(path, ROOT)
    return next((c for c in CRATES if relative.startswith(c + "/")), None)


def main():
    report = json.load(sys.stdin)
    totals = {crate: [0, 0, 0, 0] for crate in CRATES}
    full = {folder: [0, 0, []] for folder in FULL_BRANCHES}
    for file in report["data"][0]["files"]:
        crate = crate_of(file["filename"])
        if crate is None:
            continue
        lines, branches = file["summary"]["lines"], file["summary"]["branches"]
        for i, figure in enumerate([lines["covered"], lines["count"],
                                    branches["covered"], branches["count"]]):
            totals[crate][i] += figure
        relative = os.path.relpath(file["filename"], ROOT)
        for folder, figures in full.items():
            if relative.startswith(folder):
                figures[0] += branches["covered"]
                figures[1] += branches["count"]
                if branches["covered"] < branches["count"]:
                    figures[2].append(relative)
    workspace = [sum(t[i] for t in totals.values()) for i in range(4)]

    def percent(covered, count):
        return 100.0 * covered / count if count else 100.0

    failed = []
    print(f"{'crate':<22} {'lines':>7} {'covered':>8} {'cover':>7} {'branches':>9} {'covered':>8} {'cover':>7}")
    for name, (covered, count, b_covered, b_count) in list(totals.items()) + [("workspace", workspace)]:
        mark = "" if percent(covered, count) >= MINIMUM else f"   lines below {MINIMUM:.0f} %"
        print(f"{name:<22} {count:>7} {covered:>8} {percent(covered, count):>6.1f}% "
              f"{b_count:>9} {b_covered:>8} {percent(b_covered, b_count):>6.1f}%{mark}")
        if mark:
            failed.append(f"{name}: lines below {MINIMUM:.0f} %")
    for folder, (covered, count, missing) in full.items():
        print(f"{folder}: {covered} of {count} branches taken")
        if covered < count:
            failed.append(f"{folder}: branches never taken in {', '.join(missing)}")
    if failed:
        sys.exit("coverage gate: " + "; ".join(failed))
    print(f"coverage gate: every crate and the workspace at or above {MINIMUM:.0f} % of lines, "
          f"every branch of {', '.join(FULL_BRANCHES)} taken")


if __name__ == "__main__":
    main()
