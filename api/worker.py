"""A worker: slots that claim jobs from the database queue and run each in a solve process.

The same class runs embedded in ``coa-plan serve`` (one process, the README's default) and alone
as ``coa-plan worker`` on this or any machine that reaches the database. Each slot belongs to one
lane (weekly or study), so a weekly allocation never waits for a study to end; ``kinds`` limits
the worker to some job kinds.

A running job's solve is a separate process (from a forkserver that has the optimizer imported),
so cancelling can stop it and a crash of the solver is seen with its exit code. A solver that
dies is retried once in a new process, then the job fails with "the solver process ended (signal
9)". While the solve runs, the slot renews the job's lease every ``renew_s`` and stops the solve
when the job was cancelled (from any API process) or the lease is no longer its own.
"""

from __future__ import annotations

import importlib
import json
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from api.db.models import JobRow, JobStatus
from api.kinds import KINDS, LANES, JobKind, MissingInput
from api.queue import JobQueue, Lease, worker_id

log = logging.getLogger(__name__)


def process_ended(exitcode: int | None) -> str:
    """Planner-readable end of a solver process that sent no result."""
    if exitcode is not None and exitcode < 0:
        return f"the solver process ended (signal {-exitcode})"
    return f"the solver process ended (exit code {exitcode})"


@dataclass
class _Running:
    process: mp.process.BaseProcess | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    lost: bool = False


@dataclass
class _Attempt:
    result: tuple[str, str] | None = None
    exitcode: int | None = None
    timed_out: bool = False


class Worker:
    """Claim and run jobs of ``kinds`` with ``slots[lane]`` solves at a time per lane."""

    def __init__(
        self, queue: JobQueue, slots: dict[str, int], wall_s: dict[str, float],
        kinds: Iterable[str] | None = None, memory_mb: int | None = None,
        requeue_on_restart: bool = True, context: dict[str, Any] | None = None,
        poll_s: float = 0.5,
    ) -> None:
        self.queue = queue
        self.id = worker_id()
        self.kinds = tuple(kinds) if kinds is not None else tuple(KINDS)
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown job kinds {unknown}; known: {', '.join(KINDS)}")
        self.lanes = [ln for ln in LANES if any(KINDS[k].lane == ln for k in self.kinds)]
        self.slots = {ln: slots.get(ln, 0) for ln in self.lanes}
        self.wall_s = wall_s
        self.memory_mb = memory_mb
        self.requeue_on_restart = requeue_on_restart
        self.context = context or {}
        self.poll_s = poll_s
        self.renew_s = min(1.0, queue.lease_s / 3)
        self._wake = threading.Condition()
        self._running: dict[str, _Running] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(["api.child"])
        self.faults: dict[str, str] = {}
        """Fault tests only (not reachable from settings or requests): job kind -> what its
        solver process does instead of solving: ``kill`` (SIGKILL itself, as the kernel's OOM
        killer would), ``kill-once`` (only in the first process of a job), ``hang`` (sleep past
        any wall-clock cap)."""

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Recover what a previous process left, then start the slots and the reaper."""
        self.recover()
        self._stopping.clear()
        for lane in self.lanes:
            for i in range(self.slots[lane]):
                self._thread(self._loop, f"solve-{lane}-{i}", lane)
        self._thread(self._reaper, "lease-reaper")

    def _thread(self, target: Any, name: str, *args: object) -> None:
        t = threading.Thread(target=target, args=args, daemon=True, name=name)
        t.start()
        self._threads.append(t)

    def recover(self) -> None:
        """Jobs left running by a worker of this host that is gone are queued again or failed;
        without ``requeue_on_restart``, queued jobs from before this start fail too."""
        self.queue.reap(requeue=self.requeue_on_restart)
        if not self.requeue_on_restart:
            self.queue.fail_queued("service restarted while queued; not run again "
                                   "(COA_API_REQUEUE_ON_RESTART is off)")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop claiming; running solves are killed and their leases ended, so the next start
        (here or on another worker) runs them again."""
        self._stopping.set()
        self.wake()
        for r in list(self._running.values()):
            r.lost = True  # nothing is stored after this
            if r.process is not None and r.process.is_alive():
                r.process.kill()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
        self.queue.release(self.id)

    def wake(self) -> None:
        """A job was queued in this process: claim now instead of at the next poll."""
        with self._wake:
            self._wake.notify_all()

    def cancel_local(self, job_id: str) -> None:
        """Stop a job this worker runs at once (the renewal would see the request within
        ``renew_s`` anyway)."""
        running = self._running.get(job_id)
        if running is not None:
            running.cancel.set()
            if running.process is not None and running.process.is_alive():
                running.process.kill()

    def busy(self) -> int:
        """Jobs running here."""
        return len(self._running)

    # -- slots -------------------------------------------------------------------------------
    def _reaper(self) -> None:
        while not self._stopping.wait(self.renew_s * 3):
            try:
                if self.queue.reap(requeue=True):
                    self.wake()
            except Exception:  # noqa: BLE001 - the database may be away for a moment
                log.exception("reaping expired leases failed; trying again")

    def _loop(self, lane: str) -> None:
        while not self._stopping.is_set():
            try:
                job_id = self.queue.claim([lane], self.id, kinds=self.kinds)
            except Exception:  # noqa: BLE001 - the database may be away for a moment
                log.exception("claiming a %s job failed; trying again", lane)
                job_id = None
            if job_id is None:
                with self._wake:
                    self._wake.wait(self.poll_s)
                continue
            running = self._running[job_id] = _Running()
            try:
                self._run(job_id, lane, running)
            except Exception:  # noqa: BLE001 - a job must never be lost silently
                log.exception("job %s failed in the worker", job_id)
                self.queue.finish(job_id, self.id, JobStatus.failed,
                                  error=f"internal error; details are in the server log "
                                  f"(job {job_id})")
            finally:
                self._running.pop(job_id, None)

    def _run(self, job_id: str, lane: str, running: _Running) -> None:
        with self.queue.sessions() as s:
            row = s.get(JobRow, job_id)
            assert row is not None
            kind = KINDS.get(row.kind)
            if kind is None:
                self.queue.finish(job_id, self.id, JobStatus.failed,
                                  error=f"unknown job kind {row.kind!r}")
                return
            options = json.loads(row.options)
            try:
                inputs = kind.load(s, row)
            except MissingInput as e:
                self.queue.finish(job_id, self.id, JobStatus.failed, error=str(e))
                return
        wall_s = self.wall_s.get(lane, 1800.0)
        end = time.monotonic() + wall_s
        a = self._attempt(job_id, running, kind, inputs, options, end, first=True)
        if a.result is None and not a.timed_out and not running.cancel.is_set() \
                and not running.lost:
            log.warning("job %s: %s; retried once in a new process", job_id,
                        process_ended(a.exitcode))
            a = self._attempt(job_id, running, kind, inputs, options, end, first=False)
        self._end(job_id, running, a, wall_s)

    def _end(self, job_id: str, running: _Running, a: _Attempt, wall_s: float) -> None:
        if running.lost and self._stopping.is_set():
            log.info("job %s: the worker stops; the job goes back to the queue", job_id)
        elif running.lost:
            log.warning("job %s: the lease is no longer this worker's; its result is dropped",
                        job_id)
        elif running.cancel.is_set():
            self.queue.finish(job_id, self.id, JobStatus.cancelled, error="cancelled while running")
        elif a.timed_out:
            self.queue.finish(job_id, self.id, JobStatus.failed,
                              error=f"the job ran longer than its wall-clock limit of {wall_s:g} s "
                              "and was stopped")
        elif a.result is None:
            self.queue.finish(job_id, self.id, JobStatus.failed, error=process_ended(a.exitcode))
        elif a.result[0] == "error":
            self.queue.finish(job_id, self.id, JobStatus.failed, error=a.result[1][:4000])
        elif not self.queue.finish(job_id, self.id, JobStatus.done, result=a.result[1]):
            log.warning("job %s: the lease was lost before its result was stored", job_id)

    def _attempt(
        self, job_id: str, running: _Running, kind: JobKind, inputs: dict[str, str],
        options: dict[str, Any], end: float, first: bool,
    ) -> _Attempt:
        """One solver process: its result or None, its exit code, whether the wall clock ran
        out. Messages from the child are ``(what, payload)``; an error's payload is (the message
        for the planner, the details for the server log)."""
        parent, child = self._ctx.Pipe(duplex=False)
        fault = self.faults.get(kind.name)
        if fault == "kill-once":
            fault = "kill" if first else None
        proc = self._ctx.Process(
            target=_child_entry,
            args=(child, kind.child, inputs, options, self.context, os.getpid(), self.memory_mb,
                  fault),
            name=f"{kind.name}-{job_id[:8]}", daemon=True,
        )
        running.process = proc
        proc.start()
        child.close()
        out = _Attempt()
        next_renewal = time.monotonic() + self.renew_s
        try:
            while out.result is None and not running.cancel.is_set() and not running.lost:
                now = time.monotonic()
                if now > end:
                    out.timed_out = True
                    break
                progress: float | None = None
                if parent.poll(0.2):
                    try:
                        what, payload = parent.recv()
                    except (EOFError, OSError):
                        break
                    if what == "progress":
                        progress = float(payload)
                    elif what == "error":
                        public, detail = payload
                        if detail:
                            log.error("job %s failed in the solver process:\n%s", job_id, detail)
                        out.result = ("error", str(public))
                    else:
                        out.result = (what, payload)
                elif not proc.is_alive() and not parent.poll(0):
                    break
                if progress is not None or time.monotonic() >= next_renewal:
                    self._renew(job_id, running, progress)
                    next_renewal = time.monotonic() + self.renew_s
        finally:
            parent.close()
            if proc.is_alive() and out.result is None:
                proc.kill()
            proc.join(5)
        out.exitcode = proc.exitcode
        return out

    def _renew(self, job_id: str, running: _Running, progress: float | None) -> None:
        try:
            lease = self.queue.renew(job_id, self.id, progress)
        except Exception:  # noqa: BLE001 - keep solving; the lease has slack for a retry
            log.exception("renewing the lease of job %s failed", job_id)
            return
        if lease is Lease.cancel:
            running.cancel.set()
        elif lease is Lease.lost:
            running.lost = True


def _child_entry(
    conn: object, child: str, inputs: dict[str, str], options: dict[str, Any],
    context: dict[str, Any], service_pid: int | None = None, memory_mb: int | None = None,
    fault: str | None = None,
) -> None:
    from api.child import guard

    guard(service_pid, memory_mb)
    if fault == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif fault == "hang":
        time.sleep(3600)
    module, _, name = child.partition(":")
    getattr(importlib.import_module(module), name)(conn, inputs, options, context)

