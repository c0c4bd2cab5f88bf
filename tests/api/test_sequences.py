"""Sequencing over HTTP on SQLite and PostgreSQL: a job of kind 'sequence' (CP-SAT in the solve
pool), the stored sequence by plan and by id, supervisors limited to their province, 422 paths."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.views import gm_province
from tests.api.conftest import auth, solved_plan, wait_job

OPTIONS = {"days": 3, "time_limit_s": 5}


def test_sequence_job_stores_the_sequence(client: TestClient) -> None:
    plan_id = solved_plan(client)["plan_id"]
    r = client.post(f"/v1/plans/{plan_id}/sequence", json=OPTIONS, headers=auth("planner"))
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "sequence" and job["plan_id"] == plan_id
    assert r.headers["Location"] == f"/v1/jobs/{job['id']}"
    done = wait_job(client, job["id"])
    assert done["status"] == "done", done
    assert done["plan"] is None and done["sequence"]["status"] in ("optimal", "feasible")
    seq = client.get(f"/v1/plans/{plan_id}/sequence", headers=auth("planner"))
    assert seq.status_code == 200, seq.text
    body = seq.json()
    assert body["id"] == job["id"] and body["scope"] == "national"
    assert len(body["sequence"]["days"]) == 3 and body["sequence"]["moves"]
    assert {m["day"] for m in body["sequence"]["moves"]} <= {0, 1, 2}
    by_id = client.get(f"/v1/sequences/{job['id']}", headers=auth("analyst")).json()
    assert by_id["sequence"] == body["sequence"]
    # a supervisor sees the moves touching their province only; another province is 403
    locs = {x["id"]: gm_province()[x["gm_code"]]
            for x in client.get(f"/v1/scenarios/{client.get(f'/v1/plans/{plan_id}', headers=auth('planner')).json()['scenario_hash']}",
                                headers=auth("planner")).json()["locations"]}
    own = client.get(f"/v1/plans/{plan_id}/sequence", headers=auth("sup27")).json()
    assert own["scope"] == "PV27"
    assert all("PV27" in (locs[m["from"]], locs[m["to"]]) for m in own["sequence"]["moves"])
    assert {o["location"] for o in own["sequence"]["occupancy"]} <= {"Z27"}
    other = client.get(f"/v1/sequences/{job['id']}?province=PV26", headers=auth("sup27"))
    assert other.status_code == 403
    assert client.get(f"/v1/plans/{plan_id}/sequence?province=PV26",
                      headers=auth("sup27")).status_code == 403


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sequence_roles_404_and_422(client: TestClient) -> None:
    plan_id = solved_plan(client)["plan_id"]
    assert client.post(f"/v1/plans/{plan_id}/sequence", json=OPTIONS,
                       headers=auth("sup27")).status_code == 403
    assert client.post("/v1/plans/nope/sequence", json=OPTIONS,
                       headers=auth("planner")).status_code == 404
    assert client.get(f"/v1/plans/{plan_id}/sequence", headers=auth("planner")).status_code == 404
    assert client.get("/v1/sequences/nope", headers=auth("planner")).status_code == 404
    r = client.post(f"/v1/plans/{plan_id}/sequence", json={"days": 0}, headers=auth("planner"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "days"]
    r = client.post(f"/v1/plans/{plan_id}/sequence", json={"days": 3, "closing_days": {"Z27": 5}},
                    headers=auth("planner"))
    assert r.status_code == 422, r.text
    assert "beyond the horizon" in r.text
