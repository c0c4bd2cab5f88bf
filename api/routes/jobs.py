"""Solve jobs: POST a scenario (202 with the job at once), GET status/progress/plan, DELETE stops."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query, Response, status
from sqlalchemy import select

from api.db.models import JobRow, JobStatus, PlanRow
from api.deps import JobsDep, Planner, SessionDep, SettingsDep
from api.errors import ERRORS, unprocessable
from api.jobs import QueueFull
from api.schemas import JobDetail, JobOut
from api.store import save_scenario
from api.views import parse_plan
from optimizer.documents.io import reference_errors
from optimizer.documents.scenario import Scenario

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def _job(s: SessionDep, job_id: str) -> JobRow:
    row = s.get(JobRow, job_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no job {job_id!r}")
    return row


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
    responses=ERRORS(400, 401, 403, 422, 503),
)
def submit_job(
    scenario: Annotated[Scenario, Body()],
    who: Planner,
    s: SessionDep,
    jobs: JobsDep,
    settings: SettingsDep,
    response: Response,
    time_limit_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
    mip_rel_gap: Annotated[float | None, Query(ge=0, le=1)] = None,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 20261122,
) -> JobRow:
    """Queue a weekly allocation of this scenario; answers at once with the job id."""
    if errors := reference_errors(scenario):
        raise unprocessable(errors)
    scenario_hash = save_scenario(s, scenario)
    options = {
        "time_limit_s": min(time_limit_s or settings.time_limit_s, settings.max_time_limit_s),
        "mip_rel_gap": settings.mip_rel_gap if mip_rel_gap is None else mip_rel_gap,
        "seed": seed,
    }
    try:
        row = jobs.submit(scenario_hash, who.name, options)
    except QueueFull as e:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"solve queue is full ({e}); retry later",
            headers={"Retry-After": str(settings.retry_after_s)},
        ) from None
    response.headers["Location"] = f"/v1/jobs/{row.id}"
    return row


@router.get("", response_model=list[JobOut], responses=ERRORS(401, 403, 422))
def list_jobs(
    _: Planner,
    s: SessionDep,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[JobRow]:
    """The most recent jobs, newest first."""
    q = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
    if status_ is not None:
        q = q.where(JobRow.status == status_.value)
    return list(s.scalars(q))


@router.get("/{job_id}", response_model=JobDetail, responses=ERRORS(401, 403, 404))
def get_job(job_id: str, _: Planner, s: SessionDep) -> JobDetail:
    """Status, progress and, once done, the plan (an infeasible plan comes with its diagnosis)."""
    row = _job(s, job_id)
    out = JobDetail.model_validate(row, from_attributes=True)
    if row.plan_id is not None and (plan := s.get(PlanRow, row.plan_id)) is not None:
        out.plan = parse_plan(plan.id, plan.body)
    return out


@router.delete("/{job_id}", response_model=JobOut, responses=ERRORS(401, 403, 404))
def cancel_job(job_id: str, _: Planner, s: SessionDep, jobs: JobsDep) -> JobRow:
    """Stop a queued or running job (a finished job is left as it is)."""
    row = _job(s, job_id)
    if row.status in (JobStatus.queued, JobStatus.running):
        jobs.cancel(job_id)
        jobs.wait_finished(job_id, timeout=10.0)
        s.refresh(row)
    return row
