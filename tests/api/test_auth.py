"""Tokens and roles: 401 without a valid token, 403 for a role that may not, audit of every call."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.tokens import hash_token, main
from tests.api.conftest import TOKENS, auth, tiny_scenario

# role and validation logic does not depend on the database: SQLite only (fast)
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_no_token_is_401_with_www_authenticate(client: TestClient) -> None:
    for path in ("/v1/jobs", "/v1/plans/latest", "/v1/reference/municipalities", "/v1/audit"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert r.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/v1/jobs", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/v1/jobs", json=tiny_scenario()).status_code == 401


def test_roles(client: TestClient) -> None:
    assert client.post("/v1/jobs", json=tiny_scenario(), headers=auth("analyst")).status_code == 403
    assert client.get("/v1/jobs", headers=auth("sup27")).status_code == 403
    for who in ("analyst", "planner", "sup27", "admin"):
        assert client.get("/v1/audit", headers=auth(who)).status_code == 403, who
    assert client.get("/v1/audit", headers=auth("auditor")).status_code == 200
    assert client.get("/v1/jobs", headers=auth("auditor")).status_code == 403
    assert client.get("/v1/reference/provinces", headers=auth("analyst")).status_code == 200
    assert client.get("/v1/health").status_code == 200


def test_tokens_are_hashed_at_rest(client: TestClient) -> None:
    settings = client.app.state.services.settings  # type: ignore[attr-defined]
    stored = {t.sha256 for t in settings.all_tokens()}
    for token, entry in TOKENS.values():
        assert token not in settings.model_dump_json()
        assert hash_token(token) in stored and entry.sha256 == hash_token(token)


def test_audit_records_who_what_and_the_input_hash(client: TestClient) -> None:
    client.get("/v1/jobs")
    client.get("/v1/reference/provinces", headers=auth("sup27"))
    client.post("/v1/jobs", json={"week": "x"}, headers=auth("planner"))
    rows = client.get("/v1/audit", headers=auth("auditor")).json()["rows"]
    seen = [(r["who"], r["method"], r["path"], r["status_code"]) for r in rows]
    assert ("anonymous", "GET", "/v1/jobs", 401) in seen
    assert ("sam-supervisor-nh", "GET", "/v1/reference/provinces", 200) in seen
    assert ("pia-planner", "POST", "/v1/jobs", 422) in seen
    assert all(len(r["input_hash"]) == 64 for r in rows)


def test_token_cli_prints_a_config_entry(capsys: object, db_url: str) -> None:
    main(["new", "--role", "supervisor", "--province", "PV27", "--name", "x"])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    token = out.split("shown once): ")[1].split()[0]
    assert hash_token(token) in out and '"province": "PV27"' in out
