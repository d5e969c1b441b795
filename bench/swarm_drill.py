#!/usr/bin/env python3
"""The checks and figures of bench/swarm-drill.sh, against the stack it deployed.

Load goes to the web port on 127.0.0.1 only; a replica's own task address is asked from a
container on the stack's network (lifeboat-drill-client, curl), never from outside it.
Prints one line per check (ok / FAIL) and the load figures; exits 1 if a check failed.
"""
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import lifeboat_http  # noqa: E402

STACK = "lifeboat"
NETWORK = f"{STACK}_lifeboat"
BASE = f"http://127.0.0.1:{os.environ.get('LIFEBOAT_PORT', '8080')}"
RATE = int(os.environ.get("DRILL_RATE", "300"))
SECONDS = int(os.environ.get("DRILL_SECONDS", "90"))
STATE = os.environ.get("LIFEBOAT_SWARM_DIR", os.path.expanduser("~/.lifeboat-swarm"))
OHA = shutil.which("oha") or os.path.expanduser("~/.cargo/bin/oha")
ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@lifeboat.local")
PASSENGER = {"pclass": 3, "sex": "male", "age": 22, "sibsp": 1, "parch": 0, "fare": 7.25,
             "embarked": "S"}
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        failures.append(what)


def step(text):
    print(f"--- {text}", flush=True)


def call(method, path, body=None, token=None):
    """(status, parsed JSON or None) of a call through the web port."""
    return lifeboat_http.call(BASE + path, method, body, token)


def in_network(method, url, body=None):
    """(status, parsed JSON or None) of a call made from a container on the stack's network."""
    command = ["docker", "run", "--rm", "--network", NETWORK, "lifeboat-drill-client:dev",
               "curl", "-s", "-m", "30", "-o", "/dev/stdout", "-w", "\n%{http_code}",
               "-X", method, "-H", "content-type: application/json"]
    if body is not None:
        command += ["-d", json.dumps(body)]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    text, _, status = out.rpartition("\n")
    try:
        return int(status), json.loads(text) if text.strip() else None
    except ValueError:
        return int(status), None


def task_addresses(service):
    out = subprocess.run(["docker", "run", "--rm", "--network", NETWORK,
                          "lifeboat-drill-client:dev", "getent", "ahostsv4", f"tasks.{service}"],
                         capture_output=True, text=True, check=True).stdout
    return sorted({line.split()[0] for line in out.splitlines() if line.strip()})


def eventually(what, probe, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(1)
    raise SystemExit(f"{what} did not happen within {seconds} s")


def token_of(email, password):
    status, body = call("POST", "/api/auth/login", {"email": email, "password": password})
    assert status == 200, (status, body)
    return body["access_token"]


def job_done(job_id, token):
    status, job = call("GET", f"/api/training/{job_id}", token=token)
    return job if status == 200 and job["status"] in ("succeeded", "failed") else None


def oha(token, rate, seconds, out):
    command = [OHA, "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-c", "32",
               "-q", str(rate), "--latency-correction", "-m", "POST",
               "-H", "content-type: application/json", "-d", json.dumps(PASSENGER)]
    if token:
        command += ["-H", f"authorization: Bearer {token}"]
    result = json.loads(subprocess.run(command + [f"{BASE}/api/inference"], check=True,
                                       capture_output=True, text=True).stdout)
    codes = result.get("statusCodeDistribution", {})
    errors = {e: n for e, n in result.get("errorDistribution", {}).items()
              if e != "aborted due to deadline"}
    out.update(total=sum(codes.values()) + sum(errors.values()),
               failed=sum(n for code, n in codes.items() if code != "200") + sum(errors.values()),
               codes=codes, errors=errors, p99=1000 * (result["latencyPercentiles"]["p99"] or 0))


def under_load(label, token, action, expect_no_failures=True):
    """Runs `action` 10 s into SECONDS of load at RATE (half signed-in, half anonymous)."""
    runs = [{}, {}]
    threads = [threading.Thread(target=oha, args=(token, RATE // 2, SECONDS, runs[0])),
               threading.Thread(target=oha, args=(None, RATE - RATE // 2, SECONDS, runs[1]))]
    for t in threads:
        t.start()
    time.sleep(10)
    started = time.monotonic()
    action()
    took = time.monotonic() - started
    for t in threads:
        t.join()
    total = sum(r["total"] for r in runs)
    failed = sum(r["failed"] for r in runs)
    p99 = max(r["p99"] for r in runs)
    print(f"      {label}: {total} requests in {SECONDS} s at {RATE}/s, {failed} failed, "
          f"p99 {p99:.1f} ms (signed-in {runs[0]['p99']:.1f}, anonymous {runs[1]['p99']:.1f}); "
          f"the action took {took:.0f} s", flush=True)
    for r in runs:
        if r["failed"]:
            print(f"      failures: {r['codes']} {r['errors']}", flush=True)
    if expect_no_failures:
        check(failed == 0, f"{label}: 0 failed requests")
    return failed


def service_update(service):
    subprocess.run(["docker", "service", "update", "--quiet", "--force", "--detach=false",
                    f"{STACK}_{service}"], check=True, capture_output=True)


def running_tasks(service):
    out = subprocess.run(["docker", "service", "ls", "--filter", f"name={STACK}_{service}",
                          "--format", "{{.Replicas}}"], capture_output=True, text=True).stdout
    running, _, wanted = out.strip().partition("/")
    return running == wanted.split(" ")[0] and running


def containers(service):
    """The running containers of the stack's `service` on this node."""
    return subprocess.run(
        ["docker", "ps", "-q", "--filter", f"label=com.docker.swarm.service.name={STACK}_{service}"],
        capture_output=True, text=True, check=True).stdout.split()


def kill_one(service):
    subprocess.run(["docker", "kill", containers(service)[0]], check=True, capture_output=True)
    time.sleep(2)
    eventually(f"{service} replaced", lambda: running_tasks(service), 120)


def main():
    admin_password = open(os.path.join(STATE, "admin_password")).read().strip()

    parts = os.environ.get("DRILL_PARTS", "1234")
    step("1. the stack works through :8080")
    status, answer = call("POST", "/api/inference", PASSENGER)
    check(status == 200 and 0 <= answer["prob"] <= 1, f"an anonymous prediction ({status})")
    email = f"drill-{int(time.time())}@example.com"
    status, _ = call("POST", "/api/auth/signup", {"email": email, "password": "drill password"})
    check(status == 201, f"a sign-up ({status})")
    user = token_of(email, "drill password")
    check(bool(user), "a login")
    admin = token_of(ADMIN_EMAIL, admin_password)
    status, accepted = call("POST", "/api/training", {
        "name": "drill svm", "algorithm": "svm", "features": ["pclass", "sex", "age", "fare"]},
        token=admin)
    check(status == 202, f"a training job accepted ({status})")
    job = eventually("the job finishing", lambda: job_done(accepted["job_id"], admin))
    check(job["status"] == "succeeded", f"the training job {job['status']}")
    model_id = job["model_id"]
    status, _ = call("POST", f"/api/models/{model_id}/activate", token=admin)
    check(status == 200, f"its activation ({status})")

    step(f"2. {RATE} predictions/s through :8080 during rolling updates and a killed task")
    if "2" not in parts:
        print("      (skipped: DRILL_PARTS)")
    else:
        load_phases(user)

    step("3. one model on every replica; deleted from all; a killed job's replica")
    if "3" in parts:
        one_model_everywhere(admin)
        killed_jobs_replica(admin)

    step("4. wrong passwords alternately to the two backend replicas")
    backends = task_addresses("backend")
    call("POST", "/api/auth/signup", {"email": f"x{email}", "password": "the right one"})
    statuses = [in_network("POST", f"http://{backends[i % len(backends)]}:8000/api/auth/login",
                           {"email": f"x{email}", "password": "wrong"})[0] for i in range(6)]
    check(len(backends) >= 2 and statuses == [401] * 5 + [429],
          f"6 wrong passwords over {len(backends)} replicas: {statuses}")

    if failures:
        sys.exit(f"{len(failures)} checks failed: {failures}")
    print("every check passed", flush=True)


def load_phases(user):
    under_load("rolling update of the backend", user, lambda: service_update("backend"))
    under_load("rolling update of the model service", user,
               lambda: service_update("model-service"))
    under_load("a model-service task killed", user, lambda: kill_one("model-service"))
    failed = under_load("the edge updated (stop-first, one node)", user,
                        lambda: service_update("frontend"), expect_no_failures=False)
    print(f"      the edge's stop-first update on one node cost {failed} requests: a load "
          "balancer in front of several nodes sends them elsewhere", flush=True)


def one_model_everywhere(admin):
    status, accepted = call("POST", "/api/training", {
        "name": "drill forest", "algorithm": "random_forest", "features": ["pclass", "sex", "age"]},
        token=admin)
    job = eventually("the job finishing", lambda: job_done(accepted["job_id"], admin))
    model_id = job["model_id"]
    replicas = task_addresses("model-service")
    answers = set()
    for ip in replicas:
        status, described = in_network("GET", f"http://{ip}:8001/models/{model_id}")
        check(status == 200, f"model-service replica {ip} has the new model ({status})")
        status, answer = in_network("POST", f"http://{ip}:8001/inference",
                                    dict(PASSENGER, model_id=model_id))
        answers.add(answer["prob"] if status == 200 else None)
    check(len(answers) == 1 and None not in answers,
          f"every replica ({len(replicas)}) answers it alike: {answers}")
    status, _ = call("DELETE", f"/api/models/{model_id}", token=admin)
    check(status == 204, f"the model deleted ({status})")
    for ip in replicas:
        gone = eventually(f"replica {ip} dropping it", lambda ip=ip: in_network(
            "GET", f"http://{ip}:8001/models/{model_id}")[0] == 404, 30)
        check(gone, f"replica {ip} answers 404 for it (gone from the object store too)")


def killed_jobs_replica(admin):
    status, accepted = call("POST", "/api/training", {
        "name": "drill long forest", "algorithm": "random_forest",
        "features": ["pclass", "sex", "age", "fare", "sibsp", "parch", "embarked"],
        "params": {"trees": 500, "max_depth": None, "feature_share": 1.0, "bootstrap_share": 1.0}},
        token=admin)
    job_id = accepted["job_id"]

    def claimer():
        """The backend container whose log says it claimed the job."""
        for container in containers("backend"):
            logs = subprocess.run(["docker", "logs", "--since", "5m", container],
                                  capture_output=True, text=True, timeout=30)
            if any("training job claimed" in line and job_id in line
                   for line in (logs.stdout + logs.stderr).splitlines()):
                return container
        return None
    container = eventually("a backend replica claiming the job", claimer, 30)
    killed_at = time.monotonic()
    subprocess.run(["docker", "kill", container], check=True, capture_output=True)
    job = eventually("the job leaving running", lambda: job_done(job_id, admin), 120)
    check(job["status"] in ("failed", "succeeded"),
          f"the killed replica's job ended {job['status']} after "
          f"{time.monotonic() - killed_at:.0f} s: {job.get('error')}")


if __name__ == "__main__":
    main()
