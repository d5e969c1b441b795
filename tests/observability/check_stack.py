#!/usr/bin/env python3
"""Checks the observability promises against the three running services, after making a
request of each kind through the frontend service:

1. one x-request-id sent to the frontend service appears in the JSON logs of all three
   services, and an authenticated request's backend line names the user;
2. no password or token ever reaches a log;
3. every service's /metrics passes `promtool check metrics` and has the HTTP, process and
   its own domain series;
4. grafana/dashboards/services_overview.json parses, uses the provisioned data source, and
   every panel query names only metrics the services export (checked against the scrapes).

Usage: check_stack.py (settings from the environment; the defaults match
scripts/local-stack.sh, whose logs are files. With LIFEBOAT_LOGS=compose the logs come from
`docker compose logs` of the current compose project, as scripts/compose-e2e.sh runs it.)
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import lifeboat_http  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.environ.get("LIFEBOAT_HOST", "127.0.0.1")
FRONTEND = f"http://{HOST}:{os.environ.get('FRONTEND_PORT', '18080')}"
# Where each service answers /metrics: the frontend service on its monitoring port (the web
# port does not serve it), the others on their own ports.
FRONTEND_METRICS = f"http://{HOST}:{os.environ.get('FRONTEND_METRICS_PORT', '18082')}"
SERVICES = {
    "frontend-service": FRONTEND_METRICS,
    "backend": f"http://{HOST}:{os.environ.get('BACKEND_PORT', '18000')}",
    "model-service": f"http://{HOST}:{os.environ.get('MODEL_SERVICE_PORT', '18001')}",
}
LOG_DIR = os.environ.get("LIFEBOAT_STACK_DIR", os.path.join(ROOT, "target", "local-stack"))
FROM_COMPOSE = os.environ.get("LIFEBOAT_LOGS") == "compose"
COMPOSE_SERVICE = {"frontend-service": "frontend", "backend": "backend",
                   "model-service": "model-service"}
ADMIN_EMAIL = os.environ.get("ADMIN_EMAIL", "admin@lifeboat.test")
ADMIN_PASSWORD = os.environ.get("ADMIN_PASSWORD", "local-admin-password")
DASHBOARD = os.path.join(ROOT, "grafana", "dashboards", "services_overview.json")
ALERTS = os.path.join(ROOT, "prometheus", "alerts.yml")
DATASOURCES = os.path.join(ROOT, "grafana", "provisioning", "datasources", "prometheus.yml")

HTTP_SERIES = ["http_requests_total", "http_request_duration_seconds_bucket",
               "process_resident_memory_bytes", "process_cpu_seconds_total"]
DOMAIN_SERIES = {
    "frontend-service": [],
    "backend": ["logins_total", "signups_total", "inference_requests_total",
                "inference_duration_seconds_bucket", "training_jobs_total",
                "training_job_duration_seconds_bucket", "training_jobs_in_queue",
                "active_model", "db_pool_connections", "db_pool_max_connections"],
    "model-service": ["model_predict_duration_seconds_bucket", "models_loaded",
                      "model_trainings_total", "model_training_duration_seconds_bucket",
                      "model_trainings_in_progress", "model_service_ready"],
}
# Series Prometheus makes itself for every target rather than reading them from it.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds"}
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool",
                "and", "or", "unless", "offset"}


def call(method, path, body=None, token=None, request_id=None):
    """(status, parsed JSON or None) of a call through the web port."""
    headers = {"x-request-id": request_id} if request_id else None
    return lifeboat_http.call(FRONTEND + path, method, body, token, headers)


def eventually(what, check, seconds=30):
    """Polls `check` until it returns something truthy; fails with `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            sys.exit(f"FAIL: {what} (waited {seconds} s)")
        time.sleep(0.25)


def log_lines(service):
    if FROM_COMPOSE:
        text = subprocess.run(
            ["docker", "compose", "logs", "--no-log-prefix", "--no-color",
             COMPOSE_SERVICE[service]],
            capture_output=True, text=True, check=True).stdout
    else:
        with open(os.path.join(LOG_DIR, f"{service}.log"), encoding="utf-8") as log:
            text = log.read()
    # Every line is JSON; anything before its first brace is terminal noise from docker.
    return [line[line.index("{"):] if "{" in line else line for line in text.splitlines()]


def lines_with_request_id(service, request_id):
    found = []
    for line in log_lines(service):
        if request_id not in line:
            continue
        event = json.loads(line)  # every line is JSON: a non-JSON one fails here
        span = event.get("span", {})
        # The model service gets predictions in batches; a batch's line lists their ids.
        if (span.get("request_id") == request_id
                or request_id in span.get("request_ids", "").split()):
            found.append(event)
    return found


def scrape(base):
    with urllib.request.urlopen(base + "/metrics", timeout=10) as response:
        return response.read().decode()


def series_names(text):
    return {line.split("{")[0].split(" ")[0]
            for line in text.splitlines() if line and not line.startswith("#")}


def metric_names(expr):
    """The metric names a PromQL expression reads: identifiers that are not functions,
    aggregation clauses, label matchers, durations, strings or keywords."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)            # strings
    expr = re.sub(r"\{[^}]*\}", "", expr)                     # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)                    # range selectors
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        followed_by = expr[match.end():].lstrip()[:1]
        if followed_by != "(" and match.group() not in PROMQL_WORDS:
            names.add(match.group())
    return names


def check_request_ids(admin_token, admin_id):
    request_id = f"obs-check-{uuid.uuid4().hex[:12]}"
    status, _ = call("POST", "/api/inference",
                     {"pclass": 3, "sex": "male", "age": 30, "sibsp": 0, "parch": 0},
                     request_id=request_id)
    assert status == 200, f"inference answered {status}"
    for service in SERVICES:
        eventually(f"{service}'s log has a line for request {request_id}",
                   lambda: lines_with_request_id(service, request_id), seconds=10)
        print(f"  {request_id} found in {service}'s log")

    request_id = f"obs-admin-{uuid.uuid4().hex[:12]}"
    status, _ = call("GET", "/api/models", token=admin_token, request_id=request_id)
    assert status == 200, f"GET /api/models answered {status}"
    events = eventually("the backend's line for an admin request",
                        lambda: lines_with_request_id("backend", request_id), seconds=10)
    assert all(e["span"].get("user_id") == admin_id for e in events), events
    print(f"  the backend's line for {request_id} names user {admin_id}")

    request_id = f"obs-signed-in-{uuid.uuid4().hex[:12]}"
    status, _ = call("POST", "/api/inference",
                     {"pclass": 1, "sex": "female", "sibsp": 0, "parch": 0},
                     token=admin_token, request_id=request_id)
    assert status == 200, f"a signed-in prediction answered {status}"
    events = eventually("the backend's line for a signed-in prediction",
                        lambda: lines_with_request_id("backend", request_id), seconds=10)
    assert all(e["span"].get("user_id") == admin_id for e in events), events
    print(f"  the backend's line for the signed-in prediction {request_id} names the user")


def check_no_secrets(secrets):
    for service in SERVICES:
        text = "\n".join(log_lines(service))
        for name, secret in secrets.items():
            assert secret not in text, f"{name} appears in {service}'s log"
    print(f"  none of {', '.join(secrets)} appears in any log")


def check_metrics():
    try:
        urllib.request.urlopen(FRONTEND + "/metrics", timeout=10)
        raise AssertionError("the web port serves /metrics")
    except urllib.error.HTTPError as error:
        assert error.code == 404, f"the web port answers /metrics with {error.code}"
    print("  the web port answers /metrics with 404")
    union = set()
    for service, base in SERVICES.items():
        text = scrape(base)
        lint = subprocess.run(["promtool", "check", "metrics"], input=text,
                              capture_output=True, text=True, check=False)
        problems = (lint.stdout + lint.stderr).strip()
        assert lint.returncode == 0 and not problems, f"{service}: promtool says {problems}"
        names = series_names(text)
        missing = [s for s in HTTP_SERIES + DOMAIN_SERIES[service] if s not in names]
        assert not missing, f"{service}'s /metrics lacks {missing}"
        print(f"  {service}: promtool clean, {len(names)} series names, all expected ones")
        union |= names
    return union


def check_dashboard(exported):
    with open(DASHBOARD, encoding="utf-8") as f:
        dashboard = json.load(f)
    with open(DATASOURCES, encoding="utf-8") as f:
        uid = re.search(r"^\s*uid:\s*(\S+)", f.read(), re.M).group(1)
    queries = 0
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid, f"panel {panel['title']!r}: data source"
        assert panel["targets"], f"panel {panel['title']!r} has no query"
        for target in panel["targets"]:
            queries += 1
            unknown = metric_names(target["expr"]) - exported - PROMETHEUS_SERIES
            assert not unknown, f"panel {panel['title']!r} reads {unknown}, not exported"
    print(f"  {queries} queries in {len(dashboard['panels'])} panels name only exported metrics")


def alert_expressions(text):
    """Each rule's `expr` in alerts.yml, written on one line or as a `|` block."""
    found = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if not match:
            continue
        if match.group(2).strip() != "|":
            found.append(match.group(2))
            continue
        indent, block = len(match.group(1)), []
        for following in lines[i + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            block.append(following.strip())
        found.append(" ".join(block))
    return found


def check_alerts(exported):
    with open(ALERTS, encoding="utf-8") as f:
        expressions = alert_expressions(f.read())
    assert len(expressions) >= 6, f"only {len(expressions)} alert rules found"
    for expr in expressions:
        unknown = metric_names(expr) - exported - PROMETHEUS_SERIES
        assert not unknown, f"the alert {expr!r} reads {unknown}, not exported"
    print(f"  {len(expressions)} alert rules name only exported metrics")


def main():
    print("--- requests of each kind")
    status, body = call("POST", "/api/auth/login",
                        {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert status == 200, f"admin login answered {status}"
    admin_token = body["access_token"]
    _, me = call("GET", "/api/me", token=admin_token)
    email, password = f"obs-{uuid.uuid4().hex[:8]}@example.com", f"pw-{uuid.uuid4().hex}"
    assert call("POST", "/api/auth/signup", {"email": email, "password": password})[0] == 201
    status, body = call("POST", "/api/auth/login", {"email": email, "password": password})
    assert status == 200, f"login answered {status}"
    user_token, first_refresh = body["access_token"], body["refresh_token"]
    status, body = call("POST", "/api/auth/refresh", {"refresh_token": first_refresh})
    assert status == 200, f"refresh answered {status}"
    second_refresh = body["refresh_token"]
    wrong = f"wrong-{uuid.uuid4().hex}"
    assert call("POST", "/api/auth/login", {"email": email, "password": wrong})[0] == 401
    status, body = call("POST", "/api/training", {
        "name": "observability check", "algorithm": "random_forest",
        "features": ["pclass", "sex", "age"], "params": {"trees": 5}}, token=admin_token)
    assert status == 202, f"training answered {status}: {body}"
    job = eventually("the training job finishes", lambda: (lambda j: j if j["status"] in (
        "succeeded", "failed") else None)(call("GET", f"/api/training/{body['job_id']}",
                                               token=admin_token)[1]), seconds=120)
    assert job["status"] == "succeeded", job
    status, _ = call("POST", "/api/inference", {"pclass": 1, "sex": "female", "sibsp": 0,
                                                "parch": 0, "model_id": job["model_id"]})
    assert status == 200, f"inference with the new model answered {status}"

    print("--- one request id in every service's log")
    check_request_ids(admin_token, me["id"])
    print("--- no secrets in logs")
    check_no_secrets({"the admin password": ADMIN_PASSWORD, "a user's password": password,
                      "a wrong password": wrong, "an access token": user_token,
                      "the admin's token": admin_token, "a spent refresh token": first_refresh,
                      "a refresh token": second_refresh})
    print("--- /metrics of every service")
    # The backend samples its pool and active-model gauges every 10 s.
    exported = eventually("every expected series is exported", lambda: _try(check_metrics),
                          seconds=25)
    print("--- the Grafana dashboard")
    check_dashboard(exported)
    check_alerts(exported)
    call("DELETE", f"/api/models/{job['model_id']}", token=admin_token)
    print("observability checks passed")


def _try(check):
    try:
        return check()
    except AssertionError as error:
        print(f"  not yet: {error}")
        return None


if __name__ == "__main__":
    main()
