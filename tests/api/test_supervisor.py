"""Object-level authorization: a supervisor of PV27 (Noord-Holland) never reads PV26 (Utrecht)
data, by any route; their plan views hold their province only."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.views import gm_province
from tests.api.conftest import auth, solved_plan

PV = gm_province()

# role and validation logic does not depend on the database: SQLite only, one app and one solved
# plan for the module (the tests only read it; refused submissions store nothing)


@pytest.fixture(scope="module")
def client(module_client: TestClient) -> TestClient:
    return module_client


@pytest.fixture(scope="module")
def plan(client: TestClient) -> dict[str, Any]:
    job = solved_plan(client)
    assert job["status"] == "done"
    return job


def _other_province_routes(job: dict[str, Any]) -> list[str]:
    pid = job["plan_id"]
    return [
        "/v1/plans/latest?province=PV26",
        f"/v1/plans/{pid}?province=PV26",
        f"/v1/plans/{pid}/municipalities/GM0344",
        "/v1/reference/locations?province=PV26",
        f"/v1/jobs/{job['id']}",
        "/v1/jobs",
        f"/v1/scenarios/{job['scenario_hash']}",
        "/v1/audit",
    ]


@pytest.mark.parametrize("route", range(8))
def test_supervisor_cannot_read_another_province(
    client: TestClient, plan: dict[str, Any], route: int
) -> None:
    path = _other_province_routes(plan)[route]
    r = client.get(path, headers=auth("sup27"))
    if "/municipalities/" in path:  # an object outside the scope is answered as an unknown one
        unknown = client.get(path.replace("GM0344", "GM0000"), headers=auth("sup27"))
        assert r.status_code == unknown.status_code == 404, (path, r.text)
        assert r.json()["detail"] == unknown.json()["detail"].replace("GM0000", "GM0344")
        return
    assert r.status_code == 403, (path, r.text)
    assert "Utrecht" not in r.text and "GM0344" not in r.text.replace(path, "")


def test_supervisor_cannot_cancel_or_submit(client: TestClient, plan: dict[str, Any]) -> None:
    assert client.delete(f"/v1/jobs/{plan['id']}", headers=auth("sup27")).status_code == 403
    assert client.post("/v1/jobs", json={}, headers=auth("sup27")).status_code in (403, 422)


def test_supervisor_views_are_filtered_to_their_province(
    client: TestClient, plan: dict[str, Any]
) -> None:
    for path in ("/v1/plans/latest", f"/v1/plans/{plan['plan_id']}",
                 "/v1/plans/latest?province=PV27"):
        body = client.get(path, headers=auth("sup27")).json()
        assert body["scope"] == "PV27"
        p = body["plan"]
        assert p["links"] and {PV[x["gm_code"]] for x in p["links"]} == {"PV27"}
        assert {PV[k["gm_code"]] for k in p["kpis"]["municipalities"]} == {"PV27"}
        assert {k["id"] for k in p["kpis"]["locations"]} == {"Z27"}
    full = client.get("/v1/plans/latest", headers=auth("planner")).json()["plan"]
    assert {PV[x["gm_code"]] for x in full["links"]} == {"PV26", "PV27"}
    own = client.get(f"/v1/plans/{plan['plan_id']}/municipalities/GM0363", headers=auth("sup27"))
    assert own.status_code == 200 and own.json()["links"]
    locs = client.get("/v1/reference/locations", headers=auth("sup27")).json()
    assert locs and {x["pv_code"] for x in locs} == {"PV27"}
