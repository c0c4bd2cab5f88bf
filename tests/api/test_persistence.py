"""Persistence on SQLite and PostgreSQL: Alembic at startup, plans survive a restart, and jobs
left queued/running by a dead service are run again or failed with the reason."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, inspect, select

from api.audit import MAX_BATCH, AuditWriter
from api.db.models import AuditRow, JobRow, JobStatus, ScenarioRow, utcnow
from api.db.session import Checkpointer, make_engine, make_sessionmaker, upgrade
from api.jobs import JobManager, Lane, QueueFull
from api.main import create_app
from optimizer.documents.hashing import scenario_hash
from optimizer.documents.scenario import Scenario
from tests.api.conftest import auth, make_settings, solved_plan, tiny_scenario, wait_job


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
        audit = c.get("/v1/audit?limit=1000", headers=auth("auditor")).json()["rows"]
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


def test_audit_batches_larger_than_one_insert_keep_every_row(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    writer = AuditWriter(make_sessionmaker(engine))
    rows = [{"at": utcnow(), "who": f"u{i}", "role": "planner", "method": "GET",
             "path": f"/v1/jobs/{i}", "input_hash": f"{i:064x}", "status_code": 200}
            for i in range(3 * MAX_BATCH + 7)]
    writer.start()
    for r in rows:
        writer.put(r)
    writer.stop()
    with make_sessionmaker(engine)() as s:
        stored = s.scalars(select(AuditRow.path).order_by(AuditRow.id)).all()
    engine.dispose()
    assert stored == [r["path"] for r in rows]


def test_a_scenario_is_stored_once_and_each_submission_is_a_job(db_url: str) -> None:
    scenario = tiny_scenario()
    with TestClient(create_app(make_settings(db_url))) as c:
        ids = [c.post("/v1/jobs", json=scenario, headers=auth("planner")).json()["id"]
               for _ in range(2)]
        jobs = [wait_job(c, i) for i in ids]
        with c.app.state.services.sessions() as s:  # type: ignore[attr-defined]
            n_scenarios = s.scalar(select(func.count()).select_from(ScenarioRow))
    assert len(set(ids)) == 2 and n_scenarios == 1
    assert jobs[0]["scenario_hash"] == jobs[1]["scenario_hash"]


def test_concurrent_submissions_never_overfill_the_queue(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    # not started: nothing runs; what-if jobs go to the study lane's queue of 3
    manager = JobManager(make_sessionmaker(engine), queue_size=1, study=Lane(1, 3))
    outcomes: list[str] = []

    def submit(i: int) -> None:
        try:
            manager.submit(None, f"u{i}", {}, kind="whatif")
            outcomes.append("queued")
        except QueueFull:
            outcomes.append("full")

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with make_sessionmaker(engine)() as s:
        stored = s.scalar(select(func.count()).select_from(JobRow))
    engine.dispose()
    assert outcomes.count("queued") == 3 == manager.queued() == stored
    assert outcomes.count("full") == 9


def test_another_processs_first_job_reaches_the_watchers_listeners(db_url: str) -> None:
    """The watcher compares the newest ``updated_at`` with what it read before. On an empty jobs
    table that stamp is None, which must not be mistaken for "not read yet": the first job that
    another API process stores must still drop this process's cached answers."""
    engine = make_engine(db_url)
    upgrade(engine)
    watcher = JobManager(make_sessionmaker(engine), embedded=False, watch_s=0.05)
    heard = threading.Event()
    watcher.on_change(lambda _job: heard.set(), plans_only=True)
    watcher.start()
    other = make_engine(db_url)  # a second process: its own engine and connections
    try:
        time.sleep(0.3)  # the watcher has read the empty table's stamp a few times
        assert not heard.is_set()
        JobManager(make_sessionmaker(other), embedded=False).submit(None, "planner-b", {},
                                                                    kind="whatif")
        assert heard.wait(5.0), "the first job of another process did not reach the listeners"
    finally:
        watcher.stop()
        other.dispose()
        engine.dispose()


def test_sqlite_wal_is_checkpointed_by_the_service_not_by_a_request(tmp_path: Path) -> None:
    """Every connection has automatic checkpoints off; the Checkpointer copies the log back."""
    db = tmp_path / "wal.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    rows = [{"at": utcnow(), "who": "u", "role": None, "method": "GET", "path": "x" * 500,
             "input_hash": f"{i:064x}", "status_code": 200} for i in range(12_000)]
    with engine.begin() as conn:  # ~6 MB: past the 1,000 pages where SQLite would checkpoint
        for i in range(0, len(rows), MAX_BATCH):
            conn.execute(insert(AuditRow).values(rows[i : i + MAX_BATCH]))
    before = db.stat().st_size
    assert Path(f"{db}-wal").stat().st_size > 4_000_000 and before < 1_000_000
    Checkpointer(engine).checkpoint()
    assert db.stat().st_size > 4_000_000
    engine.dispose()
