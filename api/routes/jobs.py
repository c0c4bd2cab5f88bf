"""Solve jobs: POST a scenario (202 with the job at once), GET status/progress/plan, DELETE stops."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.body import body_schema, read_body
from api.db.models import JobRow, JobStatus, PlanRow, SequenceRow
from api.deps import JobsDep, Planner, ServicesDep, SessionDep, may_stop, stored
from api.errors import ERRORS
from api.schemas import JobDetail, JobOut
from api.submission import AllocationOptions, allocation, submit
from api.views import LIGHT_PLAN, plan_of
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import Sequence

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def _job(s: Session, job_id: str) -> JobRow:
    return stored(s, JobRow, "job", job_id)


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
    responses=ERRORS(400, 401, 403, 413, 422, 503), openapi_extra=body_schema(Scenario),
)
async def submit_job(
    who: Planner,
    request: Request,
    services: ServicesDep,
    options: AllocationOptions,
) -> Response:
    """Queue a weekly allocation of this scenario (the body); answers at once with the job id.

    The body is parsed and validated, and the scenario and the job stored, on the small
    submission pool: never on the event loop, and never behind readers. A scenario without
    households is 422 (nothing to plan)."""
    scenario = await read_body(request, Scenario, services.submit_pool)
    assert scenario is not None
    return await submit(request, services, who.name, allocation(scenario, options))


_JOBS = TypeAdapter(list[JobOut])


def _render_jobs(sessions: sessionmaker[Session], status_: JobStatus | None, limit: int
                 ) -> bytes:
    q = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
    if status_ is not None:
        q = q.where(JobRow.status == status_.value)
    with sessions() as s:
        rows = list(s.scalars(q))
    return _JOBS.dump_json([JobOut.model_validate(r, from_attributes=True) for r in rows])


@router.get("", response_model=list[JobOut], responses=ERRORS(401, 403, 422))
async def list_jobs(
    _: Planner,
    services: ServicesDep,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """The most recent jobs, newest first (rendered once per change of any job)."""
    body = await services.responses.render(
        ("jobs", status_, limit),
        lambda: run_in_threadpool(_render_jobs, services.sessions, status_, limit),
    )
    assert body is not None
    return Response(body, media_type="application/json")


def _render_job(sessions: sessionmaker[Session], job_id: str) -> bytes:
    with sessions() as s:
        row = _job(s, job_id)
        out = JobDetail.model_validate(row, from_attributes=True)
        if row.kind == "sequence":
            if row.status == JobStatus.done and (seq := s.get(SequenceRow, row.id)) is not None:
                out.sequence = Sequence.model_validate_json(seq.body)
        elif row.plan_id is not None and (
            plan := s.get(PlanRow, row.plan_id, options=[LIGHT_PLAN])
        ) is not None:
            out.plan = plan_of(plan)
    return out.model_dump_json(by_alias=True).encode()


@router.get("/{job_id}", response_model=JobDetail, responses=ERRORS(401, 403, 404))
async def get_job(job_id: str, _: Planner, services: ServicesDep) -> Response:
    """Status, progress and, once done, the plan (an infeasible plan comes with its diagnosis) or,
    for a sequencing job, the sequence.

    Read, validated and serialized in one trip to the thread pool (session opened and closed
    there): a sync route with a session dependency took three trips, each a wait for a thread
    and the GIL under load."""
    body = await run_in_threadpool(_render_job, services.sessions, job_id)
    return Response(body, media_type="application/json")


@router.delete("/{job_id}", response_model=JobOut, responses=ERRORS(401, 403, 404))
def cancel_job(job_id: str, who: Planner, s: SessionDep, jobs: JobsDep) -> JobRow:
    """Stop a queued or running job (a finished job is left as it is): its owner or an admin."""
    row = _job(s, job_id)
    may_stop(who, row.owner)
    return jobs.stop_job(row, s)
