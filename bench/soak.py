#!/usr/bin/env python3
"""Five minutes of mixed load at 64 connections against a running stack; fails unless no
answer was a 5xx and each service's memory stayed flat.

    bench/perf-native.sh soak        release binaries on 8080/8000/8001, then this script
    bench/soak.py                    against whatever runs on those ports

Through the web port, all at once for SOAK_SECONDS (300): 56 connections predicting as a
signed-in user, 6 listing models as the admin, 2 logging in (bcrypt, cost 12). Each
service's RSS is read every 5 s; "flat" means the RSS at the end is within 10 % of the RSS
after the first minute. Settings (environment): FRONTEND_URL, SOAK_SECONDS, ADMIN_EMAIL,
ADMIN_PASSWORD (the local stack's by default), OHA.
"""
import json
import os
import subprocess
import sys
import threading
import time

from perf import BENCH_USER, FRONTEND, OHA, PASSENGER, call, rss_mb

SECONDS = int(os.environ.get("SOAK_SECONDS", "300"))
ADMIN = {"email": os.environ.get("ADMIN_EMAIL", "admin@lifeboat.test"),
         "password": os.environ.get("ADMIN_PASSWORD", "local-admin-password")}
SAMPLE_EVERY = 5


def start_oha(name, connections, path, method="GET", body=None, token=None):
    command = [OHA, "--no-tui", "--output-format", "json", "-z", f"{SECONDS}s",
               "-c", str(connections), "-m", method, "-t", "30s"]
    if body is not None:
        command += ["-H", "content-type: application/json", "-d", json.dumps(body)]
    if token:
        command += ["-H", f"authorization: Bearer {token}"]
    process = subprocess.Popen(command + [f"{FRONTEND}{path}"], stdout=subprocess.PIPE, text=True)
    return name, process


def summary(name, process):
    result = json.loads(process.communicate()[0])
    codes = {int(code): n for code, n in result.get("statusCodeDistribution", {}).items()}
    errors = {error: n for error, n in result.get("errorDistribution", {}).items()
              if error != "aborted due to deadline"}
    total = sum(codes.values())
    print(f"{name:<28} {total:>9,} answers  {result['summary']['requestsPerSec']:>8,.0f} req/s  "
          f"p99 {1000 * (result['latencyPercentiles']['p99'] or 0):>7.1f} ms  statuses {codes}"
          + (f"  errors {errors}" if errors else ""), flush=True)
    return sum(n for code, n in codes.items() if code >= 500), sum(errors.values())


def main():
    if not os.path.exists(OHA):
        sys.exit("oha is needed: cargo install --locked oha (or set OHA)")
    try:
        call(f"{FRONTEND}/api/auth/signup", BENCH_USER)
    except Exception:  # noqa: BLE001 - already registered from an earlier run
        pass
    user = call(f"{FRONTEND}/api/auth/login", BENCH_USER)["access_token"]
    admin = call(f"{FRONTEND}/api/auth/login", ADMIN)["access_token"]

    samples = []
    done = threading.Event()

    def sample():
        started = time.monotonic()
        while not done.is_set():
            samples.append((time.monotonic() - started, rss_mb(False)))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample)
    sampler.start()
    print(f"soak: {SECONDS} s at 64 connections through {FRONTEND}", flush=True)
    runs = [
        start_oha("inference (signed in), 56", 56, "/api/inference", "POST", PASSENGER, user),
        start_oha("model list (admin), 6", 6, "/api/models?per_page=10", token=admin),
        start_oha("login, 2", 2, "/api/auth/login", "POST", BENCH_USER),
    ]
    server_errors = transport_errors = 0
    for name, process in runs:
        fives, errors = summary(name, process)
        server_errors += fives
        transport_errors += errors
    done.set()
    sampler.join()

    after_minute = next(rss for at, rss in samples if at >= 60) if SECONDS >= 60 else samples[0][1]
    at_end = samples[-1][1]
    flat = True
    for service in sorted(at_end):
        change = at_end[service] / after_minute[service] - 1
        peak = max(rss[service] for _, rss in samples)
        flat &= abs(change) <= 0.10
        print(f"RSS {service:<17} after 1 min {after_minute[service]:6.1f} MB   end "
              f"{at_end[service]:6.1f} MB   ({change:+.1%})   peak {peak:6.1f} MB")
    print(f"5xx answers: {server_errors}; connection errors: {transport_errors}; "
          f"memory {'flat' if flat else 'NOT flat'}")
    sys.exit(0 if server_errors == 0 and transport_errors == 0 and flat else 1)


if __name__ == "__main__":
    main()
