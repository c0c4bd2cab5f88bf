"""Solve jobs: a bounded queue, dispatcher threads and one solver process per running job.

Each running solve is a separate process (started from a forkserver that has the optimizer imported),
so DELETE can stop it and a crash of the solver is seen as a failed job with the exit code. Every
state change is written to the database first: after a restart, :meth:`JobManager.recover` finds
jobs left queued or running and runs them again (up to ``max_attempts``) or marks them failed with
the reason.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import (
    JobRow,
    JobStatus,
    PlanRow,
    ScenarioRow,
    SequenceRow,
    WhatIfResultRow,
    utcnow,
)
from optimizer.documents.plan import Plan

KINDS = {"allocate": "weekly", "sequence": "weekly", "whatif": "study"}
"""Job kinds and their lane: a weekly allocation of a scenario and the day-by-day sequence of a
plan's moves share the *weekly* lane; what-if studies (a RunSpec in ``options``, no scenario) have
their own *study* lane, queue and solve processes, so a weekly solve never waits behind a study."""
LANES = ("weekly", "study")

log = logging.getLogger(__name__)


class QueueFull(RuntimeError):
    """The queue holds ``queue_size`` jobs; the caller should retry later."""


@dataclass
class _Running:
    process: mp.process.BaseProcess | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Lane:
    """Solve processes, queue slots and the wall-clock cap of one lane."""

    workers: int = 1
    queue_size: int = 8
    wall_s: float = 1800.0


def process_ended(exitcode: int | None) -> str:
    """Planner-readable end of a solver process that sent no result."""
    if exitcode is not None and exitcode < 0:
        return f"the solver process ended (signal {-exitcode})"
    return f"the solver process ended (exit code {exitcode})"


class JobManager:
    """Queue and run solve jobs; the database is the source of truth for their state."""

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
    ) -> None:
        self.sessions = sessions
        self.lanes = {"weekly": Lane(workers, queue_size, wall_s), "study": study or Lane(1, 4)}
        self.max_attempts = max_attempts
        self.requeue_on_restart = requeue_on_restart
        self.memory_mb = memory_mb
        self._queues: dict[str, deque[str]] = {lane: deque() for lane in LANES}
        self._reserved = dict.fromkeys(LANES, 0)  # slots taken by submissions still committing
        self._cond = threading.Condition()
        self._running: dict[str, _Running] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["api.worker"])
        self._listeners: list[tuple[Callable[[str], None], bool]] = []
        self.faults: dict[str, str] = {}
        """Fault tests only (not reachable from settings or requests): job kind -> what its
        solver process does instead of solving: ``kill`` (SIGKILL itself, as the kernel's OOM
        killer would), ``kill-once`` (only in the first process of a job), ``hang`` (sleep past
        any wall-clock cap)."""

    def on_change(self, listener: Callable[[str], None], plans_only: bool = False) -> None:
        """Call ``listener(job_id)`` after every stored change of a job, or (``plans_only``)
        only when a job stored a new plan (response caches)."""
        self._listeners.append((listener, plans_only))

    def _changed(self, job_id: str, plan: bool = False) -> None:
        for f, plans_only in self._listeners:
            if plan or not plans_only:
                f(job_id)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Recover jobs from before a restart, then start the dispatcher threads of each lane."""
        self.recover()
        for lane in LANES:
            for i in range(self.lanes[lane].workers):
                t = threading.Thread(target=self._loop, args=(lane,), daemon=True,
                                     name=f"solve-dispatch-{lane}-{i}")
                t.start()
                self._threads.append(t)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop dispatching; running solves are killed and left 'running' for the next start."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for r in list(self._running.values()):
            if r.process is not None and r.process.is_alive():
                r.process.kill()
        for t in self._threads:
            t.join(timeout)

    def recover(self) -> None:
        """Jobs left queued or running by a previous process: queue again, or fail with a reason."""
        with self.sessions() as s:
            rows = s.scalars(
                select(JobRow)
                .where(JobRow.status.in_([JobStatus.queued, JobStatus.running]))
                .order_by(JobRow.created_at)
            ).all()
            for row in rows:
                was = row.status
                if self.requeue_on_restart and row.attempts < self.max_attempts:
                    row.status = JobStatus.queued
                    row.progress = 0.0
                    row.error = f"service restarted while {was}; queued again"
                    self._queues[KINDS.get(row.kind, "weekly")].append(row.id)
                else:
                    row.status = JobStatus.failed
                    row.finished_at = utcnow()
                    row.error = (
                        f"service restarted while {was} (attempt {row.attempts} of "
                        f"{self.max_attempts}); not run again"
                    )
                log.warning("job %s recovered after restart: %s", row.id, row.status)
            s.commit()
        for row in rows:
            self._changed(row.id)

    # -- API used by the routes ------------------------------------------------------------------
    def submit(
        self, scenario_hash: str | None, owner: str, options: dict[str, object],
        kind: str = "allocate", plan_id: str | None = None, session: Session | None = None,
    ) -> JobRow:
        """Store a queued job and put it in the queue, or raise :class:`QueueFull`. A ``sequence``
        job orders the moves of plan ``plan_id`` (its ``options`` are a SequenceOptions dict); a
        ``whatif`` job has no scenario and its ``options`` are the RunSpec. With ``session``, the
        job is committed in that session's transaction (with what the caller added to it).

        The queue slot is reserved under the lock and the row committed outside it, so one slow
        commit does not hold up other submissions or the dispatcher."""
        assert kind in KINDS, kind
        lane = KINDS[kind]
        with self._cond:
            if len(self._queues[lane]) + self._reserved[lane] >= self.lanes[lane].queue_size:
                raise QueueFull(f"{len(self._queues[lane])} {lane} jobs waiting")
            self._reserved[lane] += 1
        try:
            row = JobRow(
                id=str(uuid.uuid4()), kind=kind, status=JobStatus.queued, progress=0.0,
                owner=owner, scenario_hash=scenario_hash, options=json.dumps(options),
                plan_id=plan_id, attempts=0, created_at=utcnow(),
            )
            with self.sessions() if session is None else nullcontext(session) as s:
                s.add(row)
                s.commit()
        except BaseException:
            with self._cond:
                self._reserved[lane] -= 1
            raise
        with self._cond:
            self._reserved[lane] -= 1
            self._queues[lane].append(row.id)
            self._cond.notify_all()
        self._changed(row.id)
        return row

    def cancel(self, job_id: str) -> None:
        """Stop a job: a queued one is dropped, a running one has its process killed."""
        with self._cond:
            for q in self._queues.values():
                if job_id in q:
                    q.remove(job_id)
                    self._finish(job_id, JobStatus.cancelled, error="cancelled while queued")
                    return
            running = self._running.get(job_id)
        if running is not None:
            running.cancel.set()
            if running.process is not None and running.process.is_alive():
                running.process.kill()

    def queued(self) -> int:
        """Jobs waiting in the queues."""
        return sum(len(q) for q in self._queues.values())

    def _is_queued(self, job_id: str) -> bool:
        return any(job_id in q for q in self._queues.values())

    def stop_job(self, row: JobRow, session: Session, timeout: float = 10.0) -> JobRow:
        """Stop a queued or running job and return its row as it ends (a finished job is left
        as it is): the one cancel path of every job kind."""
        if row.status in (JobStatus.queued, JobStatus.running):
            self.cancel(row.id)
            self.wait_finished(row.id, timeout=timeout)
            session.refresh(row)
        return row

    def wait_finished(self, job_id: str, timeout: float = 10.0) -> bool:
        """Block until this job is neither queued nor running here."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self._is_queued(job_id) and job_id not in self._running:
                return True
            time.sleep(0.05)
        return False

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until no job is queued or running (tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.queued() and not self._running:
                return True
            time.sleep(0.05)
        return False

    # -- dispatcher ------------------------------------------------------------------------------
    def _loop(self, lane: str = "weekly") -> None:
        q = self._queues[lane]
        while True:
            with self._cond:
                while not q and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                job_id = q.popleft()
                self._running[job_id] = _Running()
            try:
                self._run(job_id)
            except Exception:  # noqa: BLE001 - a job must never be lost silently
                log.exception("job %s failed in the dispatcher", job_id)
                self._finish(job_id, JobStatus.failed,
                             error=f"internal error; details are in the server log (job {job_id})")
            finally:
                with self._cond:
                    self._running.pop(job_id, None)

    def _update(self, job_id: str, **values: object) -> JobRow | None:
        with self.sessions() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                return None
            for k, v in values.items():
                setattr(row, k, v)
            s.commit()
        self._changed(job_id)
        return row

    def _finish(self, job_id: str, status: JobStatus, error: str | None = None) -> None:
        values: dict[str, object] = {"status": status, "error": error, "finished_at": utcnow()}
        if status is JobStatus.done:
            values["progress"] = 1.0
        self._update(job_id, **values)

    def _run(self, job_id: str) -> None:
        with self.sessions() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.status != JobStatus.queued:
                return
            kind, body, options = row.kind, "", json.loads(row.options)
            if kind != "whatif":
                scenario = s.get(ScenarioRow, row.scenario_hash)
                if scenario is None:
                    raise RuntimeError(f"scenario {row.scenario_hash} is missing")
                body = scenario.body
            plan_body: str | None = None
            if kind == "sequence":
                plan = s.get(PlanRow, row.plan_id) if row.plan_id else None
                if plan is None:
                    raise RuntimeError(f"plan {row.plan_id} is missing")
                plan_body = plan.body
            row.status = JobStatus.running
            row.started_at = utcnow()
            row.attempts += 1
            row.progress = 0.1
            s.commit()
        self._changed(job_id)
        running = self._running[job_id]
        wall_s = self.lanes[KINDS.get(kind, "weekly")].wall_s
        result, exitcode, timed_out = self._attempt(job_id, running, kind, body, plan_body,
                                                    options, wall_s, first=True)
        if result is None and not timed_out and not running.cancel.is_set():
            log.warning("job %s: %s; retried once in a new process", job_id,
                        process_ended(exitcode))
            result, exitcode, timed_out = self._attempt(job_id, running, kind, body, plan_body,
                                                        options, wall_s, first=False)
        if running.cancel.is_set():
            self._finish(job_id, JobStatus.cancelled, error="cancelled while running")
        elif timed_out:
            self._finish(job_id, JobStatus.failed,
                         error=f"the job ran longer than its wall-clock limit of {wall_s:g} s "
                         "and was stopped")
        elif result is None:
            self._finish(job_id, JobStatus.failed, error=process_ended(exitcode))
        elif result[0] == "error":
            self._finish(job_id, JobStatus.failed, error=result[1][:4000])
        elif kind == "sequence":
            self._store_sequence(job_id, result[1])
        elif kind == "whatif":
            self._store_whatif(job_id, result[1])
        else:
            self._store_plan(job_id, result[1])

    def _attempt(
        self, job_id: str, running: _Running, kind: str, body: str, plan_body: str | None,
        options: dict[str, object], wall_s: float, first: bool = True,
    ) -> tuple[tuple[str, str] | None, int | None, bool]:
        """One solver process: (result or None, its exit code, whether the wall clock ran out).
        Messages from the child are ``(what, payload)``; an error's payload is (the message for
        the planner, the details for the server log)."""
        parent, child = self._ctx.Pipe(duplex=False)
        fault = self.faults.get(kind)
        if fault == "kill-once":
            fault = "kill" if first else None
        proc = self._ctx.Process(
            target=_child_entry,
            args=(child, kind, body, plan_body, options, os.getpid(), self.memory_mb, fault),
            name=f"{kind}-{job_id[:8]}", daemon=True,
        )
        running.process = proc
        proc.start()
        child.close()
        result: tuple[str, str] | None = None
        deadline = time.monotonic() + wall_s
        timed_out = False
        try:
            while result is None:
                if running.cancel.is_set():
                    break
                if time.monotonic() > deadline:
                    timed_out = True
                    break
                if parent.poll(0.2):
                    try:
                        what, payload = parent.recv()
                    except (EOFError, OSError):
                        break
                    if what == "progress":
                        self._update(job_id, progress=float(payload))
                    elif what == "error":
                        public, detail = payload
                        if detail:
                            log.error("job %s failed in the solver process:\n%s", job_id, detail)
                        result = ("error", str(public))
                    else:
                        result = (what, payload)
                elif not proc.is_alive() and not parent.poll(0):
                    break
        finally:
            parent.close()
            if proc.is_alive() and result is None:
                proc.kill()
            proc.join(5)
        return result, proc.exitcode, timed_out

    def _store_plan(self, job_id: str, plan_json: str) -> None:
        plan = Plan.model_validate_json(plan_json)
        with self.sessions() as s:
            row = s.get(JobRow, job_id)
            assert row is not None
            plan_row = PlanRow(
                id=str(uuid.uuid4()), scenario_hash=row.scenario_hash, job_id=job_id,
                week=plan.week, status=plan.status.value, body=plan_json, created_at=utcnow(),
            )
            s.add(plan_row)
            row.plan_id = plan_row.id
            row.status = JobStatus.done
            row.progress = 1.0
            row.finished_at = utcnow()  # `error` keeps a restart note, if any
            s.commit()
        self._changed(job_id, plan=True)

    def _store_whatif(self, job_id: str, result_json: str) -> None:
        """The what-if comparison is stored under the job's id."""
        with self.sessions() as s:
            row = s.get(JobRow, job_id)
            assert row is not None
            if s.get(WhatIfResultRow, job_id) is None:
                name = str(json.loads(row.options).get("name", "whatif"))[:120]
                s.add(WhatIfResultRow(job_id=job_id, name=name, body=result_json,
                                      created_at=utcnow()))
            row.status = JobStatus.done
            row.progress = 1.0
            row.finished_at = utcnow()
            s.commit()
        self._changed(job_id)

    def _store_sequence(self, job_id: str, sequence_json: str) -> None:
        """The sequence is stored under the job's id (one sequence per sequencing job)."""
        with self.sessions() as s:
            row = s.get(JobRow, job_id)
            assert row is not None and row.plan_id is not None
            if s.get(SequenceRow, job_id) is None:
                s.add(SequenceRow(id=job_id, plan_id=row.plan_id, body=sequence_json,
                                  created_at=utcnow()))
            row.status = JobStatus.done
            row.progress = 1.0
            row.finished_at = utcnow()
            s.commit()
        self._changed(job_id)


def _child_entry(
    conn: object, kind: str, body: str, plan_body: str | None, options: dict[str, object],
    service_pid: int | None = None, memory_mb: int | None = None, fault: str | None = None,
) -> None:
    from api.worker import guard, sequence_in_child, solve_in_child, whatif_in_child

    guard(service_pid, memory_mb)
    if fault == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif fault == "hang":
        time.sleep(3600)
    if kind == "whatif":
        whatif_in_child(conn, options)  # type: ignore[arg-type]
    elif kind == "sequence":
        assert plan_body is not None
        sequence_in_child(conn, body, plan_body, options)  # type: ignore[arg-type]
    else:
        solve_in_child(conn, body, options)  # type: ignore[arg-type]
