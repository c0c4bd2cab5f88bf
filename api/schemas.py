"""Response bodies of the service (the documents themselves come from ``optimizer.documents``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from optimizer.documents.plan import Link, MunicipalityKpi, Plan
from optimizer.documents.sequence import Sequence


class JobOut(BaseModel):
    """A solve job: status, progress (0..1) and, when done, the id of its plan."""

    id: str
    kind: str
    status: str = Field(description="queued, running, done, failed or cancelled")
    progress: float
    error: str | None = Field(None, description="Why it failed, or a note such as a re-run after a restart.")
    owner: str
    scenario_hash: str | None
    plan_id: str | None
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class JobDetail(JobOut):
    """A job with its plan (once done). An infeasible plan is a plan: status and diagnosis.
    A sequencing job (``kind`` 'sequence', ``plan_id`` the plan it orders) has its sequence."""

    plan: Plan | None = None
    sequence: Sequence | None = None


class SequenceOut(BaseModel):
    """A stored sequence of a plan's moves (``scope``: 'national' or the supervisor's pv_code,
    in which case moves, trips, occupancy and diagnosis touch that province only)."""

    id: str = Field(description="The id of the sequencing job that made it.")
    plan_id: str
    created_at: dt.datetime
    scope: str
    sequence: Sequence


class PlanSummary(BaseModel):
    """One stored plan, without its body."""

    id: str
    job_id: str | None
    scenario_hash: str
    week: str
    status: str
    created_at: dt.datetime


class PlanOut(PlanSummary):
    """A plan with the occupancy band of its scenario; ``scope`` says whether lists were filtered
    to one province (supervisors always see their own province only)."""

    scope: str = Field(description="'national' or the pv_code the lists are limited to")
    occupancy_min: float
    occupancy_max: float
    plan: Plan


class MunicipalityPlan(BaseModel):
    """What a plan means for one municipality: its pace KPI and its links."""

    plan_id: str
    gm_code: str
    pv_code: str
    kpi: MunicipalityKpi | None
    links: list[Link]


class LocationOut(BaseModel):
    """A reception location from the bundled data, placed at its municipality's centroid."""

    id: str
    name: str
    gm_code: str
    pv_code: str
    kind: str
    capacity: int
    residents: int
    lat: float
    lon: float


class MunicipalityOut(BaseModel):
    gm_code: str
    gm_name: str
    pv_code: str
    population: int


class ProvinceOut(BaseModel):
    pv_code: str
    pv_name: str
    population: int


class AuditOut(BaseModel):
    """One audited request: what the client sent is escaped (``%XX``) and cut to its column;
    the query and body are kept as ``input_hash`` (sha256)."""

    id: int
    at: dt.datetime
    request_id: str
    who: str
    role: str | None
    method: str
    path: str
    input_hash: str
    status_code: int
    objects: str = Field(description="Objects touched: path ids and created jobs, comma-separated.")
    reason: str = Field(description="Why the request was refused, for 4xx/5xx answers.")
    prev_hash: str
    row_hash: str


class AuditPage(BaseModel):
    """A page of audit rows, newest first; pass ``next_before_id`` as ``before_id`` for more."""

    rows: list[AuditOut]
    next_before_id: int | None


class Health(BaseModel):
    status: str
    queued: int
    database: str


class WhatIfOut(BaseModel):
    """A what-if job: status and progress; once done, the comparison table as JSON rows (one per
    variant and inflow, mean over seeds, with the differences to the first variant) and, when the
    spec had a selection, the candidate sites with ``chosen``."""

    id: str
    name: str
    status: str = Field(description="queued, running, done, failed or cancelled")
    progress: float
    error: str | None = None
    owner: str
    runs: int = Field(description="variants x inflows x seeds")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    seconds: float | None = Field(None, description="Wall time of the sweep.")
    rows: list[dict[str, Any]] | None = None
    selection: list[dict[str, Any]] | None = None
