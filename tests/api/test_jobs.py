"""Solve jobs over HTTP on SQLite and PostgreSQL: submit, poll, plan, cancel, queue full."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from api.main import create_app
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from tests.api.conftest import auth, make_settings, solved_plan, tiny_scenario, wait_job


def test_submit_answers_at_once_and_the_job_ends_with_a_plan(client: TestClient) -> None:
    t0 = time.perf_counter()
    r = client.post("/v1/jobs", json=tiny_scenario(), headers=auth("planner"))
    assert r.status_code == 202, r.text
    assert time.perf_counter() - t0 < 2.0
    job = r.json()
    assert job["status"] in ("queued", "running") and r.headers["Location"].endswith(job["id"])
    done = wait_job(client, job["id"])
    assert done["status"] == "done", done
    assert done["progress"] == 1.0 and done["plan"]["status"] in ("optimal", "feasible")
    assert done["plan"]["links"], "status holders with quota left are linked"
    listed = client.get("/v1/jobs", headers=auth("planner")).json()
    assert [j["id"] for j in listed] == [job["id"]]
    plan = client.get(f"/v1/plans/{done['plan_id']}", headers=auth("planner")).json()
    assert plan["scope"] == "national" and plan["occupancy_max"] == 0.91
    scenario = client.get(f"/v1/scenarios/{plan['scenario_hash']}", headers=auth("planner"))
    assert scenario.status_code == 200 and scenario.json()["week"] == "2026-W48"


def test_infeasible_plan_is_200_with_its_diagnosis(client: TestClient) -> None:
    done = solved_plan(client, tiny_scenario(arrivals=30, beds=20, closing=True))
    assert done["status"] == "done"
    assert done["plan"]["status"] == "infeasible"
    assert done["plan"]["diagnosis"]
    assert done["plan"]["diagnosis"][0]["family"] == "closing"
    r = client.get(f"/v1/plans/{done['plan_id']}", headers=auth("planner"))
    assert r.status_code == 200 and r.json()["plan"]["diagnosis"]


def test_delete_stops_a_running_solve(client: TestClient) -> None:
    big = generate_scenario(ScenarioSpec(seed=3, scale=0.1)).model_dump(mode="json")
    job = client.post("/v1/jobs?time_limit_s=120", json=big, headers=auth("planner")).json()
    end = time.monotonic() + 30
    while client.get(f"/v1/jobs/{job['id']}", headers=auth("planner")).json()["status"] != "running":
        assert time.monotonic() < end, "job never started"
        time.sleep(0.05)
    r = client.delete(f"/v1/jobs/{job['id']}", headers=auth("planner"))
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled" and r.json()["error"] == "cancelled while running"
    assert client.app.state.services.jobs.wait_idle(5)  # type: ignore[attr-defined]


def test_full_queue_answers_503_with_retry_after(db_url: str) -> None:
    big = generate_scenario(ScenarioSpec(seed=3, scale=0.1)).model_dump(mode="json")
    with TestClient(create_app(make_settings(db_url, queue_size=1, retry_after_s=7))) as c:
        codes, retry = [], None
        for seed in range(4):
            t0 = time.perf_counter()
            r = c.post(f"/v1/jobs?seed={seed}", json=big, headers=auth("planner"))
            assert time.perf_counter() - t0 < 2.0, "a full queue answers, it does not hang"
            codes.append(r.status_code)
            if r.status_code == 503:
                retry = r.headers.get("Retry-After")
        assert 503 in codes and retry == "7", codes
        for j in c.get("/v1/jobs", headers=auth("planner")).json():
            c.delete(f"/v1/jobs/{j['id']}", headers=auth("planner"))
        statuses = {j["status"] for j in c.get("/v1/jobs", headers=auth("planner")).json()}
        assert statuses <= {"cancelled", "done"}


def test_unknown_job_is_404(client: TestClient) -> None:
    assert client.get("/v1/jobs/nope", headers=auth("planner")).status_code == 404
    assert client.delete("/v1/jobs/nope", headers=auth("planner")).status_code == 404
