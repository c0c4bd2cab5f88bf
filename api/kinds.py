"""The job kinds of the service, one row each: lane, inputs, child function and store step.

A worker runs every kind the same way (``api/worker.py``): it claims a job of its lanes, calls the
kind's ``load`` for the documents the solve needs, runs ``child`` in a solve process, and, in the
transaction that marks the job done, calls ``store`` with the child's result. Adding a kind is
one row here, its child function in ``api/child.py`` and the route that submits it.

Lanes: a weekly allocation and the day-by-day sequence of a plan's moves share the *weekly* lane;
what-if studies (a RunSpec in ``options``, no scenario) have the *study* lane, with its own queue
and solve processes, so a weekly solve never waits behind a study. Workers claim weekly jobs first.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.db.models import JobRow, PlanRow, ScenarioRow, SequenceRow, WhatIfResultRow, utcnow
from optimizer.documents.plan import Plan

LANES = ("weekly", "study")
"""In the order workers claim them."""


class MissingInput(RuntimeError):
    """A stored document the job needs is gone (the job fails with this message)."""


@dataclass(frozen=True)
class JobKind:
    """One kind of job: where it queues, what it reads, what runs, what it stores."""

    name: str
    lane: str
    title: str
    """The kind in a planner's words ("weekly allocation"), for error messages."""
    child: str
    """``module:function`` run in the solve process, ``(conn, inputs, options, context)``."""
    load: Callable[[Session, JobRow], dict[str, str]]
    """The documents the child needs, read from the database when the job starts."""
    store: Callable[[Session, JobRow, str], bool]
    """Add the result rows to the session (not committed); True if a new plan was stored."""


def _scenario(s: Session, row: JobRow) -> dict[str, str]:
    scenario = s.get(ScenarioRow, row.scenario_hash) if row.scenario_hash else None
    if scenario is None:
        raise MissingInput(f"scenario {row.scenario_hash} is missing")
    return {"scenario": scenario.body}


def _scenario_and_plan(s: Session, row: JobRow) -> dict[str, str]:
    plan = s.get(PlanRow, row.plan_id) if row.plan_id else None
    if plan is None:
        raise MissingInput(f"plan {row.plan_id} is missing")
    return {**_scenario(s, row), "plan": plan.body}


def _nothing(_s: Session, _row: JobRow) -> dict[str, str]:
    return {}


def _store_plan(s: Session, row: JobRow, plan_json: str) -> bool:
    plan = Plan.model_validate_json(plan_json)
    plan_row = PlanRow(
        id=str(uuid.uuid4()), scenario_hash=row.scenario_hash, job_id=row.id, week=plan.week,
        status=plan.status.value, body=plan_json, created_at=utcnow(),
    )
    s.add(plan_row)
    row.plan_id = plan_row.id
    return True


def _store_sequence(s: Session, row: JobRow, sequence_json: str) -> bool:
    """The sequence is stored under the job's id (one sequence per sequencing job)."""
    assert row.plan_id is not None
    if s.get(SequenceRow, row.id) is None:
        s.add(SequenceRow(id=row.id, plan_id=row.plan_id, body=sequence_json,
                          created_at=utcnow()))
    return False


def _store_whatif(s: Session, row: JobRow, result_json: str) -> bool:
    """The what-if comparison is stored under the job's id."""
    if s.get(WhatIfResultRow, row.id) is None:
        name = str(json.loads(row.options).get("name", "whatif"))[:120]
        s.add(WhatIfResultRow(job_id=row.id, name=name, body=result_json, created_at=utcnow()))
    return False


KINDS: dict[str, JobKind] = {
    k.name: k
    for k in (
        JobKind("allocate", "weekly", "weekly allocation", "api.child:solve_in_child",
                _scenario, _store_plan),
        JobKind("sequence", "weekly", "sequencing", "api.child:sequence_in_child",
                _scenario_and_plan, _store_sequence),
        JobKind("whatif", "study", "what-if study", "api.child:whatif_in_child",
                _nothing, _store_whatif),
    )
}


def lane_of(kind: str) -> str:
    """The lane of a stored job's kind (an unknown kind queues as weekly and fails there)."""
    k = KINDS.get(kind)
    return k.lane if k is not None else "weekly"
