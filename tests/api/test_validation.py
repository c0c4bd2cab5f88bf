"""422 names the field path (loc) and the reason (msg), for schema, cross-record and CBS checks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth, tiny_scenario

# role and validation logic does not depend on the database: SQLite only (fast)


@pytest.fixture(scope="module")
def client(module_client: TestClient) -> TestClient:
    """One app for the module (SQLite): these requests are refused or only read."""
    return module_client


def _post(c: TestClient, body: object) -> list[dict[str, object]]:
    r = c.post("/v1/jobs", json=body, headers=auth("planner"))
    assert r.status_code == 422, r.text
    return r.json()["detail"]  # type: ignore[no-any-return]


def test_field_error_names_the_path(client: TestClient) -> None:
    s = tiny_scenario()
    s["locations"][1]["capacity"] = -5
    (e,) = _post(client, s)
    assert e["loc"] == ["body", "locations", 1, "capacity"]
    assert "greater than or equal to 0" in str(e["msg"])


def test_bad_week_and_missing_field(client: TestClient) -> None:
    s = tiny_scenario()
    s["week"] = "2026-48"
    del s["half_year"]
    errs = {tuple(e["loc"]): e["msg"] for e in _post(client, s)}  # type: ignore[misc]
    assert "ISO week" in errs[("body", "week")]
    assert ("body", "half_year") in errs


def test_cross_record_error_is_split_per_path(client: TestClient) -> None:
    s = tiny_scenario()
    s["households"][0]["location"] = "NOWHERE"
    errs = _post(client, s)
    assert errs[0]["loc"] == ["body", "households", 0, "location"]
    assert "unknown location 'NOWHERE'" in str(errs[0]["msg"])


def test_unknown_gm_code_is_422(client: TestClient) -> None:
    s = tiny_scenario()
    s["municipalities"][0]["gm_code"] = "GM9999"
    (e,) = _post(client, s)
    assert e["loc"] == ["body", "municipalities", 0, "gm_code"]
    assert "not a CBS 2024 municipality" in str(e["msg"])


def test_bad_query_and_not_json(client: TestClient) -> None:
    r = client.post("/v1/jobs?time_limit_s=-1", json=tiny_scenario(), headers=auth("planner"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "time_limit_s"]
    r = client.post("/v1/jobs", content=b"{", headers={**auth("planner"),
                                                      "Content-Type": "application/json"})
    assert r.status_code == 422
