"""Quota feasibility check over HTTP: national for planners, own province only for supervisors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.views import gm_province
from optimizer.quotas.example import example_status
from tests.api.conftest import auth


@pytest.fixture(scope="module")
def client(module_client: TestClient) -> TestClient:
    """One app for the module (SQLite): these requests are refused or only read."""
    return module_client


def test_quota_check_scoped_by_province(client: TestClient) -> None:
    body = example_status().model_dump(mode="json")
    full = client.post("/v1/quotas/check", json=body, headers=auth("planner"))
    assert full.status_code == 200, full.text
    assert len({p["pv_code"] for p in full.json()["provinces"]}) > 1
    own = client.post("/v1/quotas/check", json=body, headers=auth("sup27"))
    assert own.status_code == 200
    assert {p["pv_code"] for p in own.json()["provinces"]} == {"PV27"}
    assert {gm_province()[m["gm_code"]] for m in own.json()["municipalities"]} == {"PV27"}
    other = client.post("/v1/quotas/check?province=PV26", json=body, headers=auth("sup27"))
    assert other.status_code == 403 and "GM0344" not in other.text
    assert client.post("/v1/quotas/check", json=body, headers=auth("analyst")).status_code == 403
    bad = client.post("/v1/quotas/check", json={"municipalities": []}, headers=auth("planner"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][0] == "body"


def test_quota_compute_scoped_by_province(client: TestClient) -> None:
    body = {"half_year": "2026-H2", "national": 10_000, "backlog": {"GM0363": 7}}
    full = client.post("/v1/quotas/compute", json=body, headers=auth("planner"))
    assert full.status_code == 200, full.text
    rows = full.json()["municipalities"]
    assert len(rows) == 342 and sum(m["quota"] for m in rows) == 10_000
    assert full.json()["total"] == 10_007
    own = client.post("/v1/quotas/compute", json=body, headers=auth("sup27")).json()
    assert {m["pv_code"] for m in own["municipalities"]} == {"PV27"}
    assert client.post("/v1/quotas/compute", json=body, headers=auth("analyst")).status_code == 403
    bad = client.post("/v1/quotas/compute", json={**body, "half_year": "2026-H3"},
                      headers=auth("planner"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "half_year"]
    bad = client.post("/v1/quotas/compute", json={**body, "backlog": {"GM9999": 1}},
                      headers=auth("planner"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][:2] == ["body", "backlog"]


def test_provincial_variant_scoped_by_province(client: TestClient) -> None:
    body = example_status().model_dump(mode="json")
    full = client.post("/v1/quotas/provincial-variant", json=body, headers=auth("planner"))
    assert full.status_code == 200, full.text
    assert len({p["pv_code"] for p in full.json()["provinces"]}) > 1
    own = client.post("/v1/quotas/provincial-variant", json=body, headers=auth("sup27")).json()
    assert {p["pv_code"] for p in own["provinces"]} == {"PV27"}
    assert {m["pv_code"] for m in own["municipalities"]} == {"PV27"}
    other = client.post("/v1/quotas/provincial-variant?province=PV26", json=body,
                        headers=auth("sup27"))
    assert other.status_code == 403 and "GM0344" not in other.text
