#!/usr/bin/env python3
"""The inference path under load, against a running stack; prints one table.

    bench/perf-native.sh              release binaries on 8080/8000/8001, then this script
    bench/perf.py                     against whatever runs on those ports
    bench/perf.py --compose           a compose stack: RSS from `docker stats` instead of /proc
                                      (start it with ANONYMOUS_INFERENCE_RATE_PER_SECOND=0:
                                      all the load comes from one client)
    bench/perf.py --bare              the bare chain (bench/ceiling) on the web port: only the
                                      web-port rows, to read Lifeboat's against
    bench/perf.py --versus URL        Lifeboat's web port and the bare chain's at URL in
                                      alternating runs (PAIRS of each): medians and the ratio

Measures, with oha (cargo install oha):
- POST /api/inference through the web port, on the backend, and /inference on the model
  service, closed loop at 1, 16 and 64 connections: req/s and p50/p95/p99/max;
- the same through the web port as a logged-in user (bearer token);
- through the web port at a fixed rate (open loop, 2,000 req/s for 30 s, latency corrected
  for coordinated omission): what users see at that load;
- login (bcrypt, cost 12) throughput at 4 connections;
- inference p99 at the fixed rate while a login storm runs (8 connections logging in);
- training the default forest (100 trees) on the model service;
- each service's resident memory before and after.

Settings (environment): FRONTEND_URL, BACKEND_URL, MODEL_SERVICE_URL (defaults
http://127.0.0.1:8080, :8000, :8001), BENCH_SECONDS (closed-loop runs, 10), RATE (2000),
RATE_SECONDS (30), PAIRS (alternating runs for --versus, 5), OHA (the oha binary).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

FRONTEND = os.environ.get("FRONTEND_URL", "http://127.0.0.1:8080")
BACKEND = os.environ.get("BACKEND_URL", "http://127.0.0.1:8000")
MODEL_SERVICE = os.environ.get("MODEL_SERVICE_URL", "http://127.0.0.1:8001")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
RATE = int(os.environ.get("RATE", "2000"))
RATE_SECONDS = int(os.environ.get("RATE_SECONDS", "30"))
PAIRS = int(os.environ.get("PAIRS", "5"))
OHA = os.environ.get("OHA") or shutil.which("oha") or os.path.expanduser("~/.cargo/bin/oha")
PASSENGER = {"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25,
             "embarked": "S"}
BENCH_USER = {"email": "bench@lifeboat.test", "password": "bench-password-1"}
SERVICES = {"frontend-service": "frontend", "backend": "backend",
            "model-service": "model-service"}


def call(url, body=None, token=None, timeout=120):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def oha(url, body, connections, seconds, rate=None, token=None):
    """One oha run; returns (req/s, p50, p95, p99, max in ms, failed requests)."""
    command = [OHA, "--no-tui", "--output-format", "json", "-z", f"{seconds}s",
               "-c", str(connections), "-m", "POST", "-H", "content-type: application/json",
               "-d", json.dumps(body)]
    if token:
        command += ["-H", f"authorization: Bearer {token}"]
    if rate:
        command += ["-q", str(rate), "--latency-correction"]
    result = json.loads(subprocess.run(command + [url], check=True, capture_output=True,
                                       text=True).stdout)
    codes = result.get("statusCodeDistribution", {})
    failed = sum(n for code, n in codes.items() if code != "200")
    # Requests still in flight when the run's time is up are cut off, not failed.
    failed += sum(n for error, n in result.get("errorDistribution", {}).items()
                  if error != "aborted due to deadline")
    percentiles = result["latencyPercentiles"]
    ms = lambda seconds_: 1000.0 * (seconds_ or 0.0)  # noqa: E731
    return (result["summary"]["requestsPerSec"], ms(percentiles["p50"]), ms(percentiles["p95"]),
            ms(percentiles["p99"]), ms(result["summary"]["slowest"]), failed)


def rss_mb(compose):
    """Resident memory of each service in MB."""
    sizes = {}
    if compose:
        out = subprocess.run(["docker", "stats", "--no-stream", "--format",
                              "{{.Name}} {{.MemUsage}}"], check=True, capture_output=True,
                             text=True).stdout
        for line in out.splitlines():
            name, usage = line.split(" ", 1)
            for service, container in SERVICES.items():
                if name.endswith(f"-{container}-1"):
                    value, unit = usage.split("/")[0].strip()[:-3], usage.split("/")[0].strip()[-3:]
                    sizes[service] = float(value) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024}[unit] * 1.048576
        return sizes
    for service in SERVICES:
        pids = subprocess.run(["pgrep", "-f", "-x", f".*/lifeboat-{service}"],
                              capture_output=True, text=True).stdout.split()
        if pids:
            with open(f"/proc/{pids[0]}/status") as status:
                kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            sizes[service] = kb / 1000.0
    return sizes


def row(label, figures):
    rps, p50, p95, p99, slowest, failed = figures
    print(f"{label:<46} {rps:>9,.0f} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f} {slowest:>8.2f} {failed:>6}",
          flush=True)
    return figures


def web_port_at_fixed_rate(label="via :8080"):
    return row(f"{label} at {RATE:,} req/s (open loop)",
               oha(f"{FRONTEND}/api/inference", PASSENGER, 64, RATE_SECONDS, rate=RATE))


def bare_chain():
    """The same web-port runs against three bare hops (bench/ceiling) instead of Lifeboat."""
    print("bare chain (bench/ceiling: three minimal axum hops, no logs, metrics, limits or "
          "model)")
    for connections in (1, 16, 64):
        row(f"bare chain web port, {connections} conn",
            oha(f"{FRONTEND}/api/inference", PASSENGER, connections, SECONDS))
    web_port_at_fixed_rate("bare chain")


def versus(bare):
    """Lifeboat's web port and the bare chain's, one run each in turn, so that both see the
    same moments of a noisy machine: throughput at 64 connections and p99 at the fixed rate."""
    print(f"alternating runs, Lifeboat {FRONTEND} against the bare chain {bare} "
          f"({PAIRS} of each; medians)")
    for label, seconds, rate, column in (("req/s at 64 connections", SECONDS, None, 0),
                                         (f"p99 ms at {RATE:,} req/s", SECONDS, RATE, 3)):
        ours, theirs = [], []
        for _ in range(PAIRS):
            for base, runs in ((FRONTEND, ours), (bare, theirs)):
                figures = oha(f"{base}/api/inference", PASSENGER, 64, seconds, rate=rate)
                if figures[5]:
                    sys.exit(f"{base}: {figures[5]} failed requests")
                runs.append(figures[column])
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{label:<26} Lifeboat {a:>9,.2f}  bare chain {b:>9,.2f}  ratio {a / b:.2f}"
              f"   (Lifeboat {', '.join(f'{x:,.2f}' for x in ours)}; "
              f"bare {', '.join(f'{x:,.2f}' for x in theirs)})", flush=True)


def main():
    parser = argparse.ArgumentParser(description="Lifeboat's inference path under load")
    parser.add_argument("--compose", action="store_true", help="read RSS from docker stats")
    parser.add_argument("--bare", action="store_true",
                        help="the bare chain of bench/ceiling: the web-port rows only")
    parser.add_argument("--versus", metavar="URL",
                        help="alternate runs against the bare chain's web port at URL")
    args = parser.parse_args()
    if not os.path.exists(OHA):
        sys.exit("oha is needed: cargo install --locked oha (or set OHA)")
    if args.bare:
        bare_chain()
        return
    if args.versus:
        versus(args.versus)
        return

    answer = call(f"{FRONTEND}/api/inference", PASSENGER)
    direct = dict(PASSENGER, model_id=answer["model_id"])
    try:
        call(f"{FRONTEND}/api/auth/signup", BENCH_USER)
    except urllib.error.HTTPError as error:
        if error.code != 409:
            raise
    token = call(f"{FRONTEND}/api/auth/login", BENCH_USER)["access_token"]
    before = rss_mb(args.compose)

    print(f"model {answer['model_name']} ({answer['model_id']}); closed-loop runs {SECONDS} s, "
          f"fixed-rate runs {RATE_SECONDS} s; latencies in ms")
    print(f"{'run':<46} {'req/s':>9} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'errors':>6}")
    targets = [("web port :8080 /api/inference", f"{FRONTEND}/api/inference", PASSENGER),
               ("backend /api/inference", f"{BACKEND}/api/inference", PASSENGER),
               ("model service /inference", f"{MODEL_SERVICE}/inference", direct)]
    for label, url, body in targets:
        for connections in (1, 16, 64):
            row(f"{label}, {connections} conn", oha(url, body, connections, SECONDS))
    for connections in (1, 16, 64):
        row(f"logged-in user via :8080, {connections} conn",
            oha(f"{FRONTEND}/api/inference", PASSENGER, connections, SECONDS, token=token))
    calm = web_port_at_fixed_rate()
    row("login (bcrypt 12), 4 conn",
        oha(f"{FRONTEND}/api/auth/login", BENCH_USER, 4, SECONDS))

    storm = subprocess.Popen(
        [OHA, "--no-tui", "-z", f"{RATE_SECONDS + 4}s", "-c", "8", "-m", "POST", "-H",
         "content-type: application/json", "-d", json.dumps(BENCH_USER),
         f"{FRONTEND}/api/auth/login"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    stormy = row(f"via :8080 at {RATE:,} req/s during a login storm",
                 oha(f"{FRONTEND}/api/inference", PASSENGER, 64, RATE_SECONDS, rate=RATE))
    storm.wait()
    print(f"p99 during the login storm / without: {stormy[3] / calm[3]:.2f}×")

    started = time.perf_counter()
    trained = call(f"{MODEL_SERVICE}/models", {
        "model_id": str(uuid.uuid4()), "name": "bench forest",
        "features": ["pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"],
        "estimator": {"algorithm": "random_forest", "params": {"trees": 100}}}, timeout=600)
    print(f"training the default forest (100 trees, 891 rows) on the model service: "
          f"{trained['training_seconds']:.3f} s fitting, {time.perf_counter() - started:.3f} s "
          f"for the whole request; accuracy {trained['metrics']['accuracy']:.3f}")
    delete = urllib.request.Request(f"{MODEL_SERVICE}/models/{trained['id']}", method="DELETE")
    urllib.request.urlopen(delete, timeout=30).close()

    after = rss_mb(args.compose)
    for service in SERVICES:
        print(f"RSS {service:<18} before {before.get(service, 0):6.1f} MB   "
              f"after {after.get(service, 0):6.1f} MB")


if __name__ == "__main__":
    main()
