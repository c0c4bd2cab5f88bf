"""Job throughput of the database queue with 1 and 2 `coa-plan worker` processes, in one run.

Queues ``--jobs`` small weekly allocations (the tests' tiny week, each a solve process of its own)
in a throw-away SQLite file (or ``--postgres``), starts 1, then 2 worker processes with one weekly
slot each, and prints jobs per second, the ratio of the two, and checks that every job ran
exactly once (one plan per job). The machine is shared: the load average is printed beside.

    .venv/bin/python benchmarks/bench_jobs.py [--jobs 30] [--postgres [DSN]]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.db.models import JobRow, JobStatus, PlanRow  # noqa: E402
from api.db.session import make_engine, make_sessionmaker, upgrade  # noqa: E402
from api.queue import JobQueue, Lane  # noqa: E402
from api.store import add_scenario  # noqa: E402
from optimizer.documents.scenario import Scenario  # noqa: E402
from tests.api.conftest import tiny_scenario  # noqa: E402


def _round(url: str, n_jobs: int, n_workers: int) -> tuple[float, int]:
    engine = make_engine(url, pool_size=4)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    queue = JobQueue(sessions, {"weekly": Lane(1, n_jobs + 1), "study": Lane(1, 1)})
    scenario = Scenario.model_validate(tiny_scenario())
    ids = []
    for _ in range(n_jobs):
        with sessions() as s:
            ids.append(queue.submit("allocate", "bench", {"time_limit_s": 30, "mip_rel_gap": 0.005,
                                                           "seed": 1},
                                    scenario_hash=add_scenario(s, scenario), session=s).id)
    env = {**os.environ, "COA_API_DATABASE_URL": url}
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--concurrency", "1",
                               "--kinds", "allocate"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(n_workers)]
    try:
        while True:
            with sessions() as s:
                left = s.scalar(select(func.count()).select_from(JobRow).where(
                    JobRow.id.in_(ids), JobRow.status.in_([JobStatus.queued, JobStatus.running])))
            if not left:
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
    with sessions() as s:
        plans = dict(s.execute(select(PlanRow.job_id, func.count()).where(PlanRow.job_id.in_(ids))
                               .group_by(PlanRow.job_id)).all())
        done = s.scalar(select(func.count()).select_from(JobRow).where(
            JobRow.id.in_(ids), JobRow.status == JobStatus.done))
    engine.dispose()
    once = sum(1 for i in ids if plans.get(i) == 1)
    assert done == n_jobs and once == n_jobs, (done, once)
    return seconds, once


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=30)
    ap.add_argument("--postgres", metavar="DSN", nargs="?",
                    const="postgresql://postgres@127.0.0.1/test")
    a = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    rates = {}
    for n in (1, 2):
        if a.postgres:
            import psycopg

            schema = f"bench_jobs_{os.getpid()}_{n}"
            with psycopg.connect(a.postgres, autocommit=True) as c:
                c.execute(f"CREATE SCHEMA {schema}")
            url = a.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
            try:
                seconds, once = _round(f"{url}?options=-csearch_path%3D{schema}", a.jobs, n)
            finally:
                with psycopg.connect(a.postgres, autocommit=True) as c:
                    c.execute(f"DROP SCHEMA {schema} CASCADE")
        else:
            with tempfile.TemporaryDirectory(prefix="coa-bench-jobs-") as tmp:
                seconds, once = _round(f"sqlite:///{tmp}/jobs.db", a.jobs, n)
        rates[n] = a.jobs / seconds
        print(f"{n} worker(s): {a.jobs} jobs in {seconds:.1f} s = {rates[n]:.2f} jobs/s; "
              f"each exactly once: {once}/{a.jobs}; load average {os.getloadavg()[0]:.2f}")
    print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x "
          f"({os.cpu_count()} cores; each job is a solve process of its own)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
