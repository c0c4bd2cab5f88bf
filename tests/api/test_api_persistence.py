"""Persistence on SQLite and PostgreSQL: Alembic at startup, plans survive a restart, and jobs
left queued/running by a dead service are run again or failed with the reason."""

from __future__ import annotations

import json
import uuid

from conftest import auth, make_settings, solved_plan, tiny_scenario, wait_job
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from api.db.models import JobRow, JobStatus, ScenarioRow, utcnow
from api.db.session import make_engine, make_sessionmaker, upgrade
from api.main import create_app
from optimizer.documents.scenario import Scenario
from optimizer.model.solve import scenario_hash


def _orphan(db_url: str, status: JobStatus, attempts: int) -> str:
    """A job row as a killed service leaves it."""
    engine = make_engine(db_url)
    upgrade(engine)
    s = Scenario.model_validate(tiny_scenario())
    h = scenario_hash(s)
    job_id = str(uuid.uuid4())
    with make_sessionmaker(engine)() as db:
        if db.get(ScenarioRow, h) is None:
            db.add(ScenarioRow(hash=h, week=s.week, body=s.model_dump_json(), created_at=utcnow()))
            db.flush()
        db.add(JobRow(id=job_id, kind="allocate", status=status, progress=0.3, owner="pia-planner",
                      scenario_hash=h, attempts=attempts, created_at=utcnow(),
                      options=json.dumps({"time_limit_s": 10, "mip_rel_gap": 0.005, "seed": 1})))
        db.commit()
    engine.dispose()
    return job_id


def test_migrations_create_the_tables(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)  # idempotent
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"scenarios", "plans", "sequences", "jobs", "audit", "alembic_version"} <= names


def test_plans_and_audit_survive_a_restart(db_url: str) -> None:
    with TestClient(create_app(make_settings(db_url))) as c:
        job = solved_plan(c)
    with TestClient(create_app(make_settings(db_url))) as c:
        again = c.get(f"/v1/jobs/{job['id']}", headers=auth("planner")).json()
        assert again["status"] == "done" and again["plan"] == job["plan"]
        assert c.get("/v1/plans/latest", headers=auth("planner")).json()["id"] == job["plan_id"]
        audit = c.get("/v1/audit?limit=1000", headers=auth("planner")).json()
        assert any(r["method"] == "POST" and r["status_code"] == 202 for r in audit)


def test_running_job_of_a_dead_service_runs_again(db_url: str) -> None:
    job_id = _orphan(db_url, JobStatus.running, attempts=1)
    with TestClient(create_app(make_settings(db_url))) as c:
        done = wait_job(c, job_id)
    assert done["status"] == "done" and done["attempts"] == 2 and done["plan"]


def test_job_over_its_attempts_is_failed_with_the_reason(db_url: str) -> None:
    running = _orphan(db_url, JobStatus.running, attempts=2)
    with TestClient(create_app(make_settings(db_url))) as c:
        body = c.get(f"/v1/jobs/{running}", headers=auth("planner")).json()
    assert body["status"] == "failed"
    assert "service restarted while running" in body["error"]


def test_without_requeue_queued_jobs_fail_with_the_reason(db_url: str) -> None:
    queued = _orphan(db_url, JobStatus.queued, attempts=0)
    with TestClient(create_app(make_settings(db_url, requeue_on_restart=False))) as c:
        body = c.get(f"/v1/jobs/{queued}", headers=auth("planner")).json()
    assert body["status"] == "failed" and "service restarted while queued" in body["error"]
