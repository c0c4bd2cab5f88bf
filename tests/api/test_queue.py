"""The database queue on SQLite and PostgreSQL, without solving: claims are exclusive, lanes
are kept apart, a result is stored only under the claimer's lease, expired leases are reaped,
and cancel reaches a running job through its renewal."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import JobRow, JobStatus, WhatIfResultRow
from api.db.session import make_engine, make_sessionmaker, upgrade
from api.queue import JobQueue, Lane, Lease, QueueFull


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url, pool_size=12, max_overflow=4)
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def _queue(sessions: sessionmaker[Session], **kw: object) -> JobQueue:
    lanes = {"weekly": Lane(1, 100), "study": Lane(1, 100)}
    return JobQueue(sessions, lanes, **kw)  # type: ignore[arg-type]


def test_every_job_is_claimed_by_exactly_one_of_many_claimers(
        sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions)
    ids = {q.submit("whatif", "ann", {"n": i}).id for i in range(40)}
    claimed: list[tuple[str, str]] = []
    lock = threading.Lock()

    def claimer(name: str) -> None:
        while (job := q.claim(["study"], name)) is not None:
            with lock:
                claimed.append((job, name))

    threads = [threading.Thread(target=claimer, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(j for j, _ in claimed) == sorted(ids)  # each once, none lost
    with sessions() as s:
        rows = {r.id: r for r in s.scalars(select(JobRow))}
    assert all(rows[j].lease_owner == w and rows[j].attempts == 1 for j, w in claimed)


def test_lanes_and_kinds_are_claimed_apart_oldest_first(sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions)
    study = q.submit("whatif", "ann", {}).id
    first = q.submit("allocate", "pia", {}).id
    second = q.submit("sequence", "pia", {}).id
    assert q.claim(["weekly"], "w", kinds=["sequence"]) == second  # a worker limited to kinds
    assert q.claim(["weekly", "study"], "w") == first  # weekly before study
    assert q.claim(["weekly", "study"], "w") == study
    assert q.claim(["weekly", "study"], "w") is None


def test_a_lost_lease_stores_nothing_and_the_new_holder_finishes(
        sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions, lease_s=5.0)
    job = q.submit("whatif", "ann", {"name": "w"}).id
    assert q.claim(["study"], "old") == job
    with sessions() as s:  # the old worker stalls past its lease
        s.execute(update(JobRow).values(lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        s.commit()
    assert q.reap() == [job]
    assert q.claim(["study"], "new") == job
    assert q.renew(job, "old") is Lease.lost
    assert not q.finish(job, "old", JobStatus.done, result='{"rows": []}')
    assert q.finish(job, "new", JobStatus.done, result='{"rows": [1]}')
    assert not q.finish(job, "new", JobStatus.done, result='{"rows": [2]}')  # only once
    with sessions() as s:
        row = s.get(JobRow, job)
        results = s.scalars(select(WhatIfResultRow.body)).all()
    assert row is not None and row.status == "done" and row.attempts == 2
    assert "stopped renewing its lease while running; queued again" in (row.error or "")
    assert results == ['{"rows": [1]}']


def test_an_expired_lease_after_the_last_attempt_fails_with_the_reason(
        sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions, max_attempts=1)
    job = q.submit("whatif", "ann", {}).id
    q.claim(["study"], "host-elsewhere:1:x")
    with sessions() as s:
        s.execute(update(JobRow).values(lease_until=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        s.commit()
    q.reap()
    assert q.status(job) == "failed"
    with sessions() as s:
        row = s.get(JobRow, job)
    assert row is not None and "(attempt 1 of 1); not run again" in (row.error or "")


def test_a_live_lease_is_not_reaped(sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions, lease_s=60.0)
    job = q.submit("whatif", "ann", {}).id
    q.claim(["study"], "host-elsewhere:1:x")  # another machine: only the clock can tell
    assert q.reap() == [] and q.status(job) == "running"


def test_cancel_drops_a_queued_job_and_reaches_a_running_one(
        sessions: sessionmaker[Session]) -> None:
    q = _queue(sessions)
    queued = q.submit("whatif", "ann", {}).id
    running = q.submit("allocate", "pia", {}).id
    assert q.claim(["weekly"], "w") == running
    assert q.cancel(queued) and q.status(queued) == "cancelled"
    assert not q.cancel(running) and q.status(running) == "running"
    assert q.renew(running, "w", progress=0.5) is Lease.cancel
    assert q.finish(running, "w", JobStatus.cancelled, error="cancelled while running")
    assert q.status(running) == "cancelled"


def test_a_full_lane_refuses_and_the_other_lane_still_accepts(
        sessions: sessionmaker[Session]) -> None:
    q = JobQueue(sessions, {"weekly": Lane(1, 2), "study": Lane(1, 1)})
    q.submit("allocate", "pia", {})
    q.submit("allocate", "pia", {})
    with pytest.raises(QueueFull):
        q.submit("allocate", "pia", {})
    q.submit("whatif", "ann", {})
    assert q.queued() == 3
