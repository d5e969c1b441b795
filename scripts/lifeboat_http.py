"""The one JSON-over-HTTP call that Lifeboat's Python checks, drills and benchmarks share.

Import it with the scripts folder on the path:

    sys.path.insert(0, str(Path(__file__).resolve().parents[N] / "scripts"))
    from lifeboat_http import call
"""
import json
import urllib.error
import urllib.request


def call(url, method="GET", body=None, token=None, headers=None, timeout=30):
    """(status, parsed JSON or None) of one call: `body` sent as JSON, `token` as a bearer
    token. An error status is answered like any other, not raised; a body that is not JSON
    reads as None."""
    sent = {"content-type": "application/json", **(headers or {})}
    if token:
        sent["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
