"""Identities that expire: static tokens with an expiry and revocation, OIDC bearer JWTs checked
against a JWKS (a key pair made here), and tokens never in a log line."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.core.config import Role
from api.logs import redact
from api.main import create_app
from api.tokens import hash_token, main, new_token
from tests.api.conftest import TOKENS, auth, make_settings

ISS, AUD = "https://idp.example.test/realms/coa", "coa-plan"


@pytest.fixture(scope="module")
def keys() -> tuple[Any, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    return key, {"keys": [jwk]}


def _jwt(key: Any, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISS, "aud": AUD, "sub": "u123", "exp": now + 300, "iat": now,
            "coa_role": "planner", **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def test_expired_and_revoked_static_tokens_are_refused(db_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    old_token, old = new_token("old", Role.planner, days=-1)
    token, entry = new_token("rev", Role.planner)
    tokens_file = tmp_path / "tokens.json"
    tokens_file.write_text(json.dumps([e.model_dump(mode="json") for e in (old, entry)]))
    settings = make_settings(db_url, tokens_file=tokens_file, revocation_refresh_s=0.2)
    with TestClient(create_app(settings)) as c:
        r = c.get("/v1/jobs", headers={"Authorization": f"Bearer {old_token}"})
        assert r.status_code == 401 and "expired" in r.json()["detail"]
        ok = {"Authorization": f"Bearer {token}"}
        assert c.get("/v1/jobs", headers=ok).status_code == 200
        monkeypatch.setenv("COA_API_DATABASE_URL", db_url)
        monkeypatch.setenv("COA_API_TOKENS_FILE", str(tokens_file))
        assert main(["revoke", "--name", "rev"]) == 0
        time.sleep(0.8)
        r = c.get("/v1/jobs", headers=ok)
        assert r.status_code == 401 and "revoked" in r.json()["detail"]
        assert c.get("/v1/jobs", headers=auth("planner")).status_code == 200


def test_oidc_tokens(db_url: str, tmp_path: Path, keys: tuple[Any, dict[str, Any]]) -> None:
    key, jwks = keys
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    settings = make_settings(db_url, oidc_issuer=ISS, oidc_audience=AUD,
                             oidc_jwks_file=tmp_path / "jwks.json")
    with TestClient(create_app(settings)) as c:
        def get(token: str, path: str = "/v1/jobs") -> Any:
            return c.get(path, headers={"Authorization": f"Bearer {token}"})

        assert get(_jwt(key)).status_code == 200
        sup = _jwt(key, coa_role=["viewer", "supervisor"], coa_province="PV27")
        assert get(sup, "/v1/plans/latest?province=PV26").status_code == 403
        assert get(_jwt(key, coa_role="supervisor")).status_code == 401  # no province
        assert get(_jwt(key, aud="other")).status_code == 401
        assert get(_jwt(key, iss="https://evil.example.test")).status_code == 401
        assert get(_jwt(key, exp=int(time.time()) - 3600)).status_code == 401
        assert get(_jwt(key, coa_role="root")).status_code == 401
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert get(_jwt(other)).status_code == 401  # signed by someone else
        assert get(_jwt(key, coa_role="auditor"), "/v1/audit").status_code == 200
        rows = c.get("/v1/audit?limit=20", headers={
            "Authorization": f"Bearer {_jwt(key, coa_role='auditor')}"}).json()["rows"]
        assert any(r["who"] == "oidc:u123" and r["role"] == "planner" for r in rows)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_oidc_keys_fetched_from_a_jwks_url(db_url: str, keys: tuple[Any, dict[str, Any]]) -> None:
    """COA_API_OIDC_JWKS_URL: the key set is fetched from the identity provider (here a local
    http.server on 127.0.0.1) and cached: many tokens, one fetch."""
    key, jwks = keys
    fetched: list[str] = []

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            fetched.append(self.path)
            body = json.dumps(jwks).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/realms/coa/certs"
    try:
        settings = make_settings(db_url, oidc_issuer=ISS, oidc_audience=AUD, oidc_jwks_url=url)
        with TestClient(create_app(settings)) as c:
            for sub in ("u1", "u2", "u3"):
                r = c.get("/v1/jobs", headers={"Authorization": f"Bearer {_jwt(key, sub=sub)}"})
                assert r.status_code == 200, r.text
            other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            bad = c.get("/v1/jobs", headers={"Authorization": f"Bearer {_jwt(other)}"})
            assert bad.status_code == 401
    finally:
        server.shutdown()
        server.server_close()
    assert fetched and set(fetched) == {"/realms/coa/certs"} and len(fetched) <= 2


def test_tokens_are_redacted_from_logs(client: TestClient, caplog: pytest.LogCaptureFixture
                                       ) -> None:
    token = TOKENS["planner"][0]
    assert token not in redact(f"GET /v1/jobs?token={token} HTTP/1.1")
    assert "[redacted]" in redact("Authorization: Bearer abc.def.ghi")
    with caplog.at_level(logging.INFO):
        logging.getLogger("uvicorn.access").info('%s - "%s"', "127.0.0.1",
                                                 f"GET /v1/jobs?access_token={token}")
    assert token not in caplog.text and hash_token(token) not in caplog.text


def test_minted_tokens_expire() -> None:
    _, entry = new_token("x", Role.planner, days=30)
    assert entry.expires_at is not None
    left = entry.expires_at - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=29) < left <= dt.timedelta(days=30)
