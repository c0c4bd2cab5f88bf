"""The service's side of the job queue: submit, cancel, wait, and (embedded) a worker.

The queue itself is the database (``api/queue.py``); the job kinds are one table
(``api/kinds.py``); a worker claims and runs them (``api/worker.py``). An API process holds one
:class:`JobManager`: with ``embedded`` (the default of ``coa-plan serve``) it also runs a worker
with ``workers`` weekly and ``whatif_workers`` study slots; without it, jobs are run by
``coa-plan worker`` processes on this or other machines. A watcher thread sees changes made by
other processes (``jobs.updated_at``) and tells the listeners, so cached answers never outlive
a change by more than ``watch_s``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from api.db.models import JobRow, JobStatus
from api.kinds import KINDS, LANES
from api.queue import JobQueue, Lane, QueueFull
from api.worker import Worker, process_ended

__all__ = ["KINDS", "LANES", "JobManager", "Lane", "QueueFull", "process_ended"]

log = logging.getLogger(__name__)
FINAL = (JobStatus.done, JobStatus.failed, JobStatus.cancelled)


class JobManager:
    """Queue jobs in the database and, if ``embedded``, run them in this process's worker."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        workers: int = 1,
        queue_size: int = 8,
        max_attempts: int = 2,
        requeue_on_restart: bool = True,
        study: Lane | None = None,
        wall_s: float = 1800.0,
        memory_mb: int | None = None,
        embedded: bool = True,
        lease_s: float = 30.0,
        context: dict[str, Any] | None = None,
        watch_s: float = 0.5,
    ) -> None:
        self.sessions = sessions
        self.lanes = {"weekly": Lane(workers, queue_size, wall_s), "study": study or Lane(1, 4)}
        self.queue = JobQueue(sessions, self.lanes, max_attempts=max_attempts, lease_s=lease_s)
        self.worker = (
            Worker(self.queue, {ln: lane.workers for ln, lane in self.lanes.items()},
                   {ln: lane.wall_s for ln, lane in self.lanes.items()}, memory_mb=memory_mb,
                   requeue_on_restart=requeue_on_restart, context=context)
            if embedded else None
        )
        self.watch_s = watch_s
        self._listeners: list[tuple[Callable[[str], None], bool]] = []
        self.queue.listeners.append(self._changed)
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def faults(self) -> dict[str, str]:
        """Fault tests only: see :attr:`api.worker.Worker.faults` (embedded worker)."""
        assert self.worker is not None, "faults need the embedded worker"
        return self.worker.faults

    @faults.setter
    def faults(self, value: dict[str, str]) -> None:
        assert self.worker is not None, "faults need the embedded worker"
        self.worker.faults = value

    def on_change(self, listener: Callable[[str], None], plans_only: bool = False) -> None:
        """Call ``listener(job_id)`` after every change of a job, or (``plans_only``) only when a
        job stored a new plan; a change seen from another process calls it with ``""``."""
        self._listeners.append((listener, plans_only))

    def _changed(self, job_id: str, plan: bool = False) -> None:
        for f, plans_only in self._listeners:
            if plan or not plans_only:
                f(job_id)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the embedded worker (it recovers what a previous process left) and the
        watcher of other processes' changes."""
        if self.worker is not None:
            self.worker.start()
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, daemon=True, name="job-watcher")
        self._watcher.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker (running solves are killed and run again at the next start)."""
        self._stop.set()
        if self.worker is not None:
            self.worker.stop(timeout)
        if self._watcher is not None:
            self._watcher.join(timeout)

    def _watch(self) -> None:
        unread = object()  # the empty table's stamp is None: a first job must count as a change
        seen: object = unread
        while not self._stop.wait(self.watch_s):
            try:
                stamp = self.queue.last_change()
            except Exception:  # noqa: BLE001 - the database may be away for a moment
                log.debug("reading the jobs' change stamp failed", exc_info=True)
                continue
            if seen is not unread and stamp != seen:
                self._changed("", plan=True)
            seen = stamp

    # -- API used by the routes ------------------------------------------------------------------
    def submit(
        self, scenario_hash: str | None, owner: str, options: dict[str, object],
        kind: str = "allocate", plan_id: str | None = None, session: Session | None = None,
    ) -> JobRow:
        """Store a queued job or raise :class:`QueueFull`. A ``sequence`` job orders the moves
        of plan ``plan_id`` (its ``options`` are a SequenceOptions dict); a ``whatif`` job has no
        scenario and its ``options`` are the RunSpec. With ``session``, the job is committed in
        that session's transaction (with what the caller added to it)."""
        row = self.queue.submit(kind, owner, options, scenario_hash=scenario_hash,
                                plan_id=plan_id, session=session)
        if self.worker is not None:
            self.worker.wake()
        return row

    def cancel(self, job_id: str) -> None:
        """Stop a job: a queued one is dropped, a running one is stopped by its worker (here at
        once, elsewhere within its renewal interval)."""
        if not self.queue.cancel(job_id) and self.worker is not None:
            self.worker.cancel_local(job_id)

    def queued(self) -> int:
        """Jobs waiting in the queue (all lanes, all processes)."""
        return self.queue.queued()

    def stop_job(self, row: JobRow, session: Session, timeout: float = 10.0) -> JobRow:
        """Stop a queued or running job and return its row as it ends (a finished job is left
        as it is): the one cancel path of every job kind."""
        if row.status in (JobStatus.queued, JobStatus.running):
            self.cancel(row.id)
            self.wait_finished(row.id, timeout=timeout)
            session.refresh(row)
        return row

    def wait_finished(self, job_id: str, timeout: float = 10.0) -> bool:
        """Block until this job is done, failed or cancelled."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.queue.status(job_id) in (*FINAL, None):
                return True
            time.sleep(0.05)
        return False

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no job is queued or running (tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.queue.counts() and (self.worker is None or not self.worker.busy()):
                return True
            time.sleep(0.05)
        return False
