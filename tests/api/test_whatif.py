"""What-if studies over HTTP on SQLite and PostgreSQL: a job of kind 'whatif' in the solve pool
(no Dask), the comparison table once done, analysts and planners only, 422 naming the field."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.db.models import JobRow, JobStatus, utcnow
from api.db.session import alembic_config, make_engine, make_sessionmaker, upgrade
from api.main import create_app
from tests.api.conftest import auth, make_settings

TINY: dict[str, Any] = {
    "name": "tiny",
    "horizon_weeks": 2,
    "start": {"seed": 5, "scale": 0.05, "week": "2026-W38", "half_year": "2026-H2",
              "weeks_left": 16},
    "inflows": ["steady"],
    "variants": [{"name": "baseline"}],
    "seeds": [1],
    "sweep": {"workers": 2},
}


def wait_whatif(c: TestClient, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll a what-if job until it leaves queued/running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = c.get(f"/v1/whatif/{job_id}", headers=auth("analyst")).json()
        if body["status"] not in ("queued", "running"):
            return body  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"what-if job {job_id} still {body['status']} after {timeout}s")


def test_whatif_job_end_to_end(client: TestClient) -> None:
    r = client.post("/v1/whatif", json=TINY, headers=auth("analyst"))
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "whatif" and job["scenario_hash"] is None
    assert r.headers["Location"] == f"/v1/whatif/{job['id']}"
    done = wait_whatif(client, job["id"])
    assert done["status"] == "done", done
    assert done["progress"] == 1.0 and done["runs"] == 1 and done["name"] == "tiny"
    assert done["seconds"] is not None and done["selection"] is None
    (row,) = done["rows"]
    assert row["variant"] == "baseline" and row["inflow"] == "steady" and row["seeds"] == 1
    assert row["weeks"] == 2 and row["arrivals_persons"] > 0 and row["cost_eur"] > 0
    assert row["cost_eur_vs_baseline"] == 0
    # the job is in the shared job list, and a planner may read it too
    assert client.get(f"/v1/whatif/{job['id']}", headers=auth("planner")).json() == done
    listed = client.get("/v1/jobs", headers=auth("planner")).json()
    assert job["id"] in {j["id"] for j in listed}


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_whatif_roles_404_and_422(client: TestClient) -> None:
    assert client.post("/v1/whatif", json=TINY, headers=auth("sup27")).status_code == 403
    assert client.get("/v1/whatif/nope", headers=auth("sup27")).status_code == 403
    assert client.post("/v1/whatif", json=TINY).status_code == 401
    assert client.get("/v1/whatif/nope", headers=auth("analyst")).status_code == 404
    bad = {**TINY, "variants": [{"name": "b", "occupancy_min": 1.5}]}
    r = client.post("/v1/whatif", json=bad, headers=auth("analyst"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "variants", 0, "occupancy_min"]
    r = client.post("/v1/whatif", json={**TINY, "inflows": ["steady", "nope"]},
                    headers=auth("analyst"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "inflows", 1]
    r = client.post("/v1/whatif", json={**TINY, "start": {**TINY["start"], "scenario": "/etc/x"}},
                    headers=auth("planner"))
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "start", "scenario"]
    # a closure of a location the start week does not have fails the job, naming the field
    closure = {**TINY, "variants": [{"name": "c", "closures": [{"location": "L999", "week": 0}]}]}
    r = client.post("/v1/whatif", json=closure, headers=auth("analyst"))
    assert r.status_code == 202, r.text
    failed = wait_whatif(client, r.json()["id"])
    assert failed["status"] == "failed" and "variants[0].closures[0].location" in failed["error"]
    assert failed["rows"] is None


def test_running_whatif_of_a_dead_service_runs_again(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    job_id = str(uuid.uuid4())
    with make_sessionmaker(engine)() as db:
        db.add(JobRow(id=job_id, kind="whatif", status=JobStatus.running, progress=0.4,
                      owner="ann-analyst", scenario_hash=None, attempts=1, created_at=utcnow(),
                      options=json.dumps({**TINY, "sweep": {"workers": 0}})))
        db.commit()
    engine.dispose()
    with TestClient(create_app(make_settings(db_url))) as c:
        done = wait_whatif(c, job_id)
    assert done["status"] == "done" and "restarted while running" in done["error"]
    assert [r["variant"] for r in done["rows"]] == ["baseline"]


def test_revision_0002_upgrades_a_database_at_0001(db_url: str) -> None:
    """An existing database (tables at 0001, with a job) gains nullable jobs.scenario_hash and
    the whatif_results table; its rows are kept."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(text(
            "INSERT INTO scenarios (hash, week, body, created_at) "
            "VALUES ('h1', '2026-W48', '{}', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO jobs (id, kind, status, progress, owner, scenario_hash, options, "
            "attempts, created_at) VALUES ('j1', 'allocate', 'done', 1.0, 'pia', 'h1', '{}', 1, "
            "CURRENT_TIMESTAMP)"))
    assert "whatif_results" not in inspect(engine).get_table_names()
    upgrade(engine)
    insp = inspect(engine)
    assert "whatif_results" in insp.get_table_names()
    cols = {c["name"]: c for c in insp.get_columns("jobs")}
    assert cols["scenario_hash"]["nullable"]
    with make_sessionmaker(engine)() as db:
        old = db.get(JobRow, "j1")
        # 0003 re-keys scenarios by the full sha256 of their body
        full = hashlib.sha256(b"{}").hexdigest()
        assert old is not None and old.scenario_hash == full and old.status == "done"
        # 0004: the jobs table is the queue; an old job gets its lane and a change stamp
        assert old.lane == "weekly" and old.updated_at is not None and not old.cancel_requested
        version = db.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert version == "0004"
