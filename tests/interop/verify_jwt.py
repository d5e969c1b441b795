#!/usr/bin/env python3
"""Checks that an access token issued by the running backend verifies with an independent
JWT library (PyJWT), using the same secret, issuer and audience, and that what PyJWT
refuses matches what the backend refuses.

Usage: verify_jwt.py BASE_URL SECRET_FILE
"""
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

import jwt  # PyJWT


def post(base, path, body):
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def main():
    base, secret_file = sys.argv[1], sys.argv[2]
    secret = open(secret_file, encoding="utf-8").read().strip()
    email = f"interop-{uuid.uuid4().hex[:8]}@example.com"

    status, _ = post(base, "/api/auth/signup", {"email": email, "password": "interop-password"})
    assert status == 201, f"sign-up answered {status}"
    status, body = post(base, "/api/auth/login", {"email": email, "password": "interop-password"})
    assert status == 200, f"login answered {status}"
    token = body["access_token"]

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "HS256", header
    claims = jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        issuer="lifeboat",
        audience="lifeboat-api",
        options={"require": ["exp", "iat", "sub", "iss", "aud"]},
    )
    assert claims["role"] == "user", claims
    assert claims["exp"] - claims["iat"] == 3600, claims
    assert abs(claims["iat"] - time.time()) < 120, claims
    uuid.UUID(claims["sub"])

    try:
        jwt.decode(token, "a-different-secret-of-at-least-32-bytes", algorithms=["HS256"],
                   issuer="lifeboat", audience="lifeboat-api")
    except jwt.InvalidSignatureError:
        pass
    else:
        raise AssertionError("a wrong secret verified the token")

    print(f"PyJWT {jwt.__version__} verified the backend's token: sub={claims['sub']} "
          f"role={claims['role']} iss={claims['iss']} aud={claims['aud']} ttl=3600 s")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
