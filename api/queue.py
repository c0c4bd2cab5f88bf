"""The job queue is the ``jobs`` table: submit, claim with a lease, renew, finish, reap, cancel.

Every API process and every worker, on this machine or another, works through these statements
only, so the database is the single source of truth:

* **submit** stores a queued job unless its lane already holds ``queue_size`` queued jobs. The
  count and the insert are one transaction serialized per lane: on PostgreSQL by a transaction
  advisory lock, on SQLite by the write lock the insert takes before the count.
* **claim** is one ``UPDATE ... WHERE id = (SELECT ... LIMIT 1 [FOR UPDATE SKIP LOCKED])
  RETURNING id``: the oldest queued job of the worker's lanes becomes ``running`` under a lease
  ``owner``/``lease_until``. Two workers never claim the same job (PostgreSQL skips rows another
  transaction holds; SQLite has one writer at a time).
* **renew** extends the lease while the solve runs and tells the worker if the job was cancelled
  or the lease is no longer its own.
* **finish** marks the job done (with the kind's result rows), failed or cancelled *only while the
  lease is still the caller's*: a worker that lost its lease (it stalled, another worker took the
  job over) cannot store a second result, so each job completes exactly once.
* **reap** puts running jobs whose lease ran out (or whose worker on this host is gone) back in
  the queue, or fails them after ``max_attempts``.
* **cancel** drops a queued job at once or sets ``cancel_requested`` on a running one; the worker
  holding it stops the solver within a renewal interval. Any API process can cancel any job.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import JobRow, JobStatus, utcnow
from api.kinds import KINDS


class QueueFull(RuntimeError):
    """The lane holds ``queue_size`` queued jobs; the caller should retry later."""


class Lease(StrEnum):
    """What a renewal found."""

    held = "held"
    cancel = "cancel"  # still ours, but cancel was requested
    lost = "lost"  # another worker holds it now, or it ended


HOST = socket.gethostname()


def worker_id() -> str:
    """A lease owner: ``host:pid:random`` (the pid lets a restart on this host reap at once)."""
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_gone(owner: str | None) -> bool:
    """True if ``owner`` is a worker of this host whose process no longer runs (or none)."""
    if not owner:
        return True
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class Lane:
    """Solve processes, queue slots and the wall-clock cap of one lane."""

    workers: int = 1
    queue_size: int = 8
    wall_s: float = 1800.0


class JobQueue:
    """The queue's statements; safe to use from many threads and processes at once."""

    def __init__(
        self, sessions: sessionmaker[Session], lanes: dict[str, Lane], max_attempts: int = 2,
        lease_s: float = 30.0,
    ) -> None:
        self.sessions = sessions
        self.lanes = lanes
        self.max_attempts = max_attempts
        self.lease_s = lease_s
        self._local = threading.Lock()  # in-process submissions do not race for the DB lock
        self.listeners: list[Callable[[str, bool], None]] = []
        """Called with (job id, a plan was stored) after every change made through this queue."""

    def _changed(self, job_id: str, plan: bool = False) -> None:
        for f in self.listeners:
            f(job_id, plan)

    def _lease_until(self) -> dt.datetime:
        return utcnow() + dt.timedelta(seconds=self.lease_s)

    # -- submit ------------------------------------------------------------------------------
    def submit(
        self, kind: str, owner: str, options: dict[str, object], scenario_hash: str | None = None,
        plan_id: str | None = None, session: Session | None = None,
    ) -> JobRow:
        """Store a queued job, or raise :class:`QueueFull`. With ``session``, the job is committed
        in that session's transaction (with what the caller added to it, e.g. its scenario)."""
        assert kind in KINDS, kind
        lane = KINDS[kind].lane
        now = utcnow()
        row = JobRow(
            id=str(uuid.uuid4()), kind=kind, lane=lane, status=JobStatus.queued, progress=0.0,
            owner=owner, scenario_hash=scenario_hash, options=json.dumps(options),
            plan_id=plan_id, attempts=0, created_at=now, updated_at=now,
            cancel_requested=False,
        )
        with self._local, self.sessions() if session is None else nullcontext(session) as s:
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                          {"k": zlib.crc32(f"coa-jobs-{lane}".encode())})
            s.add(row)
            s.flush()  # SQLite: the insert takes the write lock before the count
            queued = s.scalar(select(func.count()).select_from(JobRow).where(
                JobRow.status == JobStatus.queued, JobRow.lane == lane)) or 0
            if queued > self.lanes[lane].queue_size:
                s.rollback()
                raise QueueFull(f"{queued - 1} {lane} jobs waiting")
            s.commit()
        self._changed(row.id)
        return row

    # -- claim, renew, finish ----------------------------------------------------------------
    def claim(self, lanes: Iterable[str], owner: str, kinds: Iterable[str] | None = None
              ) -> str | None:
        """The oldest queued job of ``lanes`` (in the order given; of ``kinds`` only, if given)
        is now running under ``owner``'s lease; its id, or None if none is queued."""
        only = list(kinds) if kinds is not None else None
        for lane in lanes:
            with self.sessions() as s:
                oldest = (
                    select(JobRow.id)
                    .where(JobRow.status == JobStatus.queued, JobRow.lane == lane,
                           *([JobRow.kind.in_(only)] if only is not None else []))
                    .order_by(JobRow.created_at, JobRow.id)
                    .limit(1)
                )
                if s.get_bind().dialect.name == "postgresql":
                    oldest = oldest.with_for_update(skip_locked=True)
                now = utcnow()
                job_id = s.scalar(
                    update(JobRow)
                    .where(JobRow.id == oldest.scalar_subquery(),
                           JobRow.status == JobStatus.queued)
                    .values(status=JobStatus.running, lease_owner=owner,
                            lease_until=self._lease_until(), started_at=now, updated_at=now,
                            attempts=JobRow.attempts + 1, progress=0.1)
                    .returning(JobRow.id)
                    .execution_options(synchronize_session=False)
                )
                s.commit()
            if job_id is not None:
                self._changed(job_id)
                return str(job_id)
        return None

    def renew(self, job_id: str, owner: str, progress: float | None = None) -> Lease:
        """Extend ``owner``'s lease (and store ``progress``); what the job's row says now."""
        values: dict[str, object] = {"lease_until": self._lease_until()}
        if progress is not None:
            values["progress"] = progress
            values["updated_at"] = utcnow()
        with self.sessions() as s:
            held = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.lease_owner == owner,
                       JobRow.status == JobStatus.running)
                .values(**values)
                .returning(JobRow.cancel_requested)
                .execution_options(synchronize_session=False)
            ).first()
            s.commit()
        if held is None:
            return Lease.lost
        if progress is not None:
            self._changed(job_id)
        return Lease.cancel if held[0] else Lease.held

    def finish(
        self, job_id: str, owner: str | None, status: JobStatus, error: str | None = None,
        result: str | None = None,
    ) -> bool:
        """End the job ``owner`` holds (``owner`` None: a queued job, no lease); ``result`` is
        stored by the job kind's store step in the same transaction. False if the lease is no
        longer ``owner``'s (nothing is written then)."""
        plan = False
        with self.sessions() as s:
            q = select(JobRow).where(JobRow.id == job_id)
            if s.get_bind().dialect.name == "postgresql":
                q = q.with_for_update()
            row = s.scalars(q).first()
            expected = JobStatus.running if owner is not None else JobStatus.queued
            if row is None or row.status != expected or (
                owner is not None and row.lease_owner != owner
            ):
                return False
            if result is not None:
                plan = KINDS[row.kind].store(s, row, result)
            now = utcnow()
            row.status = status
            row.finished_at = now
            row.updated_at = now
            row.lease_until = None
            if status is JobStatus.done:
                row.progress = 1.0  # `error` keeps a restart note, if any
            else:
                row.error = error
            s.commit()
        self._changed(job_id, plan)
        return True

    # -- reap, recover -------------------------------------------------------------------------
    def reap(self, requeue: bool = True) -> list[str]:
        """Running jobs whose lease ran out, or whose worker on this host is gone, are queued
        again (up to ``max_attempts``) or failed with the reason; their ids."""
        now = utcnow()
        changed: list[str] = []
        with self.sessions() as s:
            q = select(JobRow).where(JobRow.status == JobStatus.running)
            if s.get_bind().dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            for row in s.scalars(q):
                gone = _owner_gone(row.lease_owner)
                if not gone and row.lease_until is not None and row.lease_until > now:
                    continue
                why = ("service restarted while running" if gone else
                       f"its worker ({row.lease_owner}) stopped or stopped renewing its lease "
                       "while running")
                self._requeue_or_fail(row, why, requeue, now)
                changed.append(row.id)
            s.commit()
        for job_id in changed:
            self._changed(job_id)
        return changed

    def fail_queued(self, why: str) -> list[str]:
        """Fail every queued job with ``why`` (a start with ``requeue_on_restart`` off)."""
        now = utcnow()
        with self.sessions() as s:
            rows = list(s.scalars(select(JobRow).where(JobRow.status == JobStatus.queued)))
            for row in rows:
                row.status, row.error = JobStatus.failed, why
                row.finished_at = row.updated_at = now
            s.commit()
        for row in rows:
            self._changed(row.id)
        return [r.id for r in rows]

    def _requeue_or_fail(self, row: JobRow, why: str, requeue: bool, now: dt.datetime) -> None:
        if requeue and row.attempts < self.max_attempts and not row.cancel_requested:
            row.status, row.progress = JobStatus.queued, 0.0
            row.error = f"{why}; queued again"
        elif row.cancel_requested:
            row.status, row.error = JobStatus.cancelled, "cancelled while running"
        else:
            row.status = JobStatus.failed
            row.error = f"{why} (attempt {row.attempts} of {self.max_attempts}); not run again"
        if row.status != JobStatus.queued:
            row.finished_at = now
        row.lease_until = None
        row.updated_at = now

    def release(self, owner: str) -> None:
        """A worker that stops: its leases end now, so the next start (here or elsewhere)
        reaps its jobs at once instead of after ``lease_s``."""
        with self.sessions() as s:
            s.execute(update(JobRow)
                      .where(JobRow.lease_owner == owner, JobRow.status == JobStatus.running)
                      .values(lease_until=utcnow())
                      .execution_options(synchronize_session=False))
            s.commit()

    # -- cancel, counts ------------------------------------------------------------------------
    def cancel(self, job_id: str) -> bool:
        """Drop a queued job (True) or ask the worker of a running one to stop it (False)."""
        now = utcnow()
        with self.sessions() as s:
            dropped = s.scalar(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.queued)
                .values(status=JobStatus.cancelled, error="cancelled while queued",
                        finished_at=now, updated_at=now)
                .returning(JobRow.id)
                .execution_options(synchronize_session=False)
            ) is not None
            if not dropped:
                s.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.status == JobStatus.running)
                    .values(cancel_requested=True, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            s.commit()
        self._changed(job_id)
        return bool(dropped)

    def status(self, job_id: str) -> str | None:
        with self.sessions() as s:
            return s.scalar(select(JobRow.status).where(JobRow.id == job_id))

    def counts(self) -> dict[tuple[str, str], int]:
        """(lane, status) -> jobs, for queued and running jobs."""
        with self.sessions() as s:
            rows = s.execute(
                select(JobRow.lane, JobRow.status, func.count())
                .where(JobRow.status.in_([JobStatus.queued, JobStatus.running]))
                .group_by(JobRow.lane, JobRow.status)
            ).all()
        return {(lane, st): n for lane, st, n in rows}

    def queued(self) -> int:
        return sum(n for (_, st), n in self.counts().items() if st == JobStatus.queued)

    def last_change(self) -> object:
        """A stamp that moves whenever any job changes (API processes drop cached answers).

        Every write to a job sets ``updated_at`` and jobs are never deleted, so the newest
        ``updated_at`` is enough; it is read from its index, not by scanning the table."""
        with self.sessions() as s:
            return s.execute(select(func.max(JobRow.updated_at))).scalar()


__all__ = ["HOST", "JobQueue", "Lane", "Lease", "QueueFull", "worker_id"]
