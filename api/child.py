"""The code that runs in a solve process (kept tiny: imports the optimizer once per forkserver).

Every child function has the same signature, ``(conn, inputs, options, context)``: ``inputs`` are
the stored documents the job kind loads (``api/kinds.py``), ``options`` the job's own options and
``context`` what the worker adds (e.g. the Dask scheduler of what-if studies). It sends
``("progress", x)`` messages, then ``("done", result_json)`` or ``("error", (message, details))``."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from pydantic import ValidationError

from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.io import DocumentError, validation_messages
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import SequenceOptions
from optimizer.gc_pause import paused_gc
from optimizer.sequencing.solve import sequence


def die_with_parent() -> None:
    """Linux: the solver is killed when its parent (the forkserver) goes, so a crashed service
    leaves no orphan solve burning a core."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def guard(service_pid: int | None, memory_mb: int | None, interval_s: float = 0.25) -> None:
    """Limits of a solve process: an address-space cap of ``memory_mb`` and a watchdog thread
    that ends the process within ``interval_s`` of the service's end (the forkserver, its real
    parent, may outlive the service by seconds)."""
    die_with_parent()
    if memory_mb is not None:
        import resource

        with contextlib.suppress(ValueError, OSError):
            limit = memory_mb * 2**20
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    if service_pid is None:
        return

    def watch() -> None:
        while _alive(service_pid):
            time.sleep(interval_s)
        os._exit(70)

    threading.Thread(target=watch, name="service-watchdog", daemon=True).start()


def failure(e: BaseException, what: str) -> tuple[str, tuple[str, str]]:
    """The error message of a failed job: planner-readable for bad input and memory, a plain
    statement otherwise; the traceback goes to the server log only."""
    detail = traceback.format_exc()
    if isinstance(e, MemoryError):
        public = f"the {what} needed more memory than a job may use (COA_API_JOB_MEMORY_MB)"
    elif isinstance(e, DocumentError):
        public = "; ".join(e.problems)
    elif isinstance(e, ValidationError):
        public = "; ".join(validation_messages(e))[:2000]
    else:
        public = f"the {what} failed with an internal error; details are in the server log"
    return ("error", (public, detail))


Inputs = dict[str, str]
Options = dict[str, Any]


@paused_gc()  # reading a national week's JSON is object-heavy too (0.6 s -> 0.4 s)
def solve_in_child(conn: Connection, inputs: Inputs, options: Options, _context: Options) -> None:
    """Solve the weekly allocation of ``inputs['scenario']``; the result is the plan."""
    try:
        scenario = Scenario.model_validate_json(inputs["scenario"])
        conn.send(("progress", 0.2))
        opts = SolveOptions(
            time_limit_s=float(options["time_limit_s"]),
            mip_rel_gap=float(options["mip_rel_gap"]),
            threads=1,
            seed=int(options["seed"]),
        )
        plan = allocate(scenario, opts)
        conn.send(("done", plan.model_dump_json()))
    except Exception as e:  # noqa: BLE001 - reported to the job, never lost
        conn.send(failure(e, "weekly allocation"))
    finally:
        conn.close()


def sequence_in_child(
    conn: Connection, inputs: Inputs, options: Options, _context: Options
) -> None:
    """Sequence the moves of ``inputs['plan']`` with CP-SAT in this (already isolated) process;
    progress is the share of the (wall-clock) time limit used, reported on every improving
    solution."""
    try:
        scenario = Scenario.model_validate_json(inputs["scenario"])
        plan = Plan.model_validate_json(inputs["plan"])
        opts = SequenceOptions.model_validate(options)
        conn.send(("progress", 0.2))
        limit = opts.time_limit_s  # wall-clock seconds, end to end

        def progress(seconds: float, _trips: int, _objective: float) -> None:
            conn.send(("progress", round(min(0.95, 0.2 + 0.75 * seconds / limit), 3)))

        seq = sequence(scenario, plan, opts, progress=progress, isolate=False)
        conn.send(("done", seq.model_dump_json()))
    except Exception as e:  # noqa: BLE001 - reported to the job, never lost
        conn.send(failure(e, "sequencing"))
    finally:
        conn.close()


def whatif_in_child(conn: Connection, _inputs: Inputs, spec: Options, context: Options) -> None:
    """Run a what-if study (the RunSpec is the job's options): on the Dask cluster of
    ``context['dask_scheduler']`` when the service has one (COA_API_DASK_SCHEDULER), else in this
    process without Dask (``workers=0``: a solve process is daemonic and may not start a cluster
    of its own). Progress is the share of runs done; the
    result is the comparison table (mean over seeds per variant and inflow) and, with a
    selection, the chosen sites. Problems of the variants against the start week end the job
    with messages naming the field path."""
    try:
        from optimizer.whatif.documents import RunSpec
        from optimizer.whatif.report import compare
        from optimizer.whatif.study import run_study, study_problems

        run = RunSpec.model_validate(spec)
        conn.send(("progress", 0.15))
        if problems := study_problems(run):
            conn.send(("error", ("; ".join(problems), "")))
            return

        def progress(done: int, total: int) -> None:
            conn.send(("progress", round(0.2 + 0.75 * done / max(total, 1), 3)))

        address = context.get("dask_scheduler")
        study = run_study(run, workers=0 if address is None else None,
                          scheduler_address=address, progress=progress)
        sweep, weekly = study.sweep, study.weekly
        selection = (
            json.loads(study.selection.sites.to_json(orient="records"))
            if study.selection is not None
            else None
        )
        table = compare(weekly, run.variants[0].name)
        conn.send(("done", json.dumps({
            "rows": json.loads(table.to_json(orient="records")),
            "selection": selection,
            "seconds": round(sweep.seconds, 3),
        })))
    except Exception as e:  # noqa: BLE001 - reported to the job, never lost
        conn.send(failure(e, "what-if study"))
    finally:
        conn.close()
