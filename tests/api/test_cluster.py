"""Beyond one process, on the local PostgreSQL: two API processes and two `coa-plan worker`
processes share the database queue. 30 jobs run exactly once although a worker is killed
mid-job (its job finishes on the other), and a job is cancelled through the API process that
did not queue it. A what-if job of the service runs on a Dask cluster reached by address."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.db.models import JobRow, PlanRow
from api.db.session import make_engine, make_sessionmaker
from api.main import create_app
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from tests.api.api_server_helper import ROOT, alive, descendants, start_server, stop_server
from tests.api.conftest import TOKENS, auth, make_settings, tiny_scenario
from tests.api.test_whatif import TINY, wait_whatif

H = {"Authorization": f"Bearer {TOKENS['planner'][0]}"}
ENV = {"COA_API_EMBEDDED_WORKER": "false", "COA_API_QUEUE_SIZE": "60", "COA_API_LEASE_S": "3"}


def _worker(db: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COA_API_DATABASE_URL": db, **ENV}
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--concurrency", "1"],
                            cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _get(base: str, job_id: str) -> dict[str, object]:
    return httpx.get(f"{base}/v1/jobs/{job_id}", headers=H, timeout=10).json()  # type: ignore[no-any-return]


def _wait(base: str, job_id: str, states: tuple[str, ...], timeout: float) -> dict[str, object]:
    end = time.monotonic() + timeout
    body: dict[str, object] = {}
    while time.monotonic() < end:
        body = _get(base, job_id)
        if body["status"] in states:
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not in {states} after {timeout}s: {body}")


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # several machines: PostgreSQL
def test_two_api_processes_and_two_workers_run_each_job_exactly_once(
        db_url: str, tmp_path: Path) -> None:
    pg_url = db_url
    tokens = [t[1].model_dump(mode="json") for t in TOKENS.values()]
    log = tmp_path / "cluster.log"
    a, base_a = start_server(pg_url, tokens, log, env=ENV)
    b, base_b = start_server(pg_url, tokens, log, env=ENV)
    workers = [_worker(pg_url, log), _worker(pg_url, log)]
    big = generate_scenario(ScenarioSpec(seed=2, scale=0.15)).model_dump(mode="json")
    try:
        # a long job; its worker is killed while it runs
        long_job = httpx.post(f"{base_a}/v1/jobs?time_limit_s=60", json=big, headers=H,
                              timeout=30).json()["id"]
        _wait(base_b, long_job, ("running",), 60)
        engine = make_engine(pg_url, pool_size=2)
        with make_sessionmaker(engine)() as s:
            holder = s.scalar(select(JobRow.lease_owner).where(JobRow.id == long_job))
        assert holder is not None
        victim = next(w for w in workers if f":{w.pid}:" in holder)
        solvers = descendants(victim.pid)
        victim.send_signal(signal.SIGKILL)  # a worker dies mid-job
        victim.wait(10)
        end = time.monotonic() + 5
        while alive(solvers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not alive(solvers), "the dead worker's solver kept running"
        # 30 small jobs through both API processes, while the survivor takes the long one over
        ids = [httpx.post(f"{base}/v1/jobs", json=tiny_scenario(), headers=H, timeout=30)
               .json()["id"] for base in [base_a, base_b] * 15]

        done = [_wait(base_b, i, ("done", "failed", "cancelled"), 180) for i in ids]
        again = _wait(base_a, long_job, ("done", "failed"), 180)
        assert [d["status"] for d in done] == ["done"] * 30
        assert again["status"] == "done" and again["attempts"] == 2, again["error"]
        assert "while running; queued again" in str(again["error"])

        # cancel through the API process that did not queue the job
        doomed = httpx.post(f"{base_a}/v1/jobs?time_limit_s=60", json=big, headers=H,
                            timeout=30).json()["id"]
        _wait(base_a, doomed, ("running",), 60)
        cancelled = httpx.delete(f"{base_b}/v1/jobs/{doomed}", headers=H, timeout=30).json()
        assert cancelled["status"] == "cancelled", cancelled

        with make_sessionmaker(engine)() as s:
            plans = dict(s.execute(select(PlanRow.job_id, func.count()).group_by(PlanRow.job_id))
                         .all())
            owners = {r.id: r.lease_owner for r in s.scalars(select(JobRow))}
        engine.dispose()
        assert all(plans.get(i) == 1 for i in [*ids, long_job]), plans  # exactly once
        assert doomed not in plans
        survivor = next(w for w in workers if w is not victim)
        assert f":{survivor.pid}:" in str(owners[long_job])  # finished on the other worker
    finally:
        for w in workers:
            if w.poll() is None:
                w.terminate()
                w.wait(20)
        stop_server(a)
        stop_server(b)


def test_a_whatif_job_runs_on_a_dask_cluster_reached_by_address(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None, scheduler_port=0, protocol="tcp://",
                      host="127.0.0.1") as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        settings = make_settings(f"sqlite:///{tmp_path / 'dask.db'}", dask_scheduler=address)
        with TestClient(create_app(settings)) as c:
            r = c.post("/v1/whatif", json=TINY, headers=auth("analyst"))
            assert r.status_code == 202, r.text
            done = wait_whatif(c, r.json()["id"])
        assert done["status"] == "done", done
        assert [row["variant"] for row in done["rows"]] == ["baseline"]
        ran = {k for k in cluster.scheduler.task_prefixes}
        assert ran, "no task reached the Dask cluster"
    assert json.dumps(done["rows"])  # a JSON table, as without Dask
