"""Solve jobs: POST a scenario (202 with the job at once), GET status/progress/plan, DELETE stops."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.audit import mark
from api.body import body_schema, read_body
from api.cache import ResponseCache
from api.db.models import JobRow, JobStatus, PlanRow, SequenceRow
from api.deps import JobsDep, Planner, SessionDep, SettingsDep, may_stop, not_found, row_id
from api.errors import ERRORS, unprocessable
from api.jobs import JobManager, QueueFull
from api.schemas import JobDetail, JobOut
from api.store import add_scenario
from api.views import parse_plan
from optimizer.documents.io import submission_errors
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import Sequence

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def _job(s: Session, job_id: str) -> JobRow:
    row = s.get(JobRow, row_id("job", job_id))
    if row is None:
        raise not_found("job", job_id)
    return row


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
    responses=ERRORS(400, 401, 403, 413, 422, 503), openapi_extra=body_schema(Scenario),
)
async def submit_job(
    who: Planner,
    request: Request,
    settings: SettingsDep,
    time_limit_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
    mip_rel_gap: Annotated[float | None, Query(ge=0, le=1)] = None,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 20261122,
) -> Response:
    """Queue a weekly allocation of this scenario (the body); answers at once with the job id.

    The body is parsed and validated, and the scenario and the job stored, on the small
    submission pool (``app.state.submit_pool``): never on the event loop, and never behind
    readers. A scenario without households is 422 (nothing to plan)."""
    options: dict[str, object] = {
        "time_limit_s": min(time_limit_s or settings.time_limit_s, settings.max_time_limit_s),
        "mip_rel_gap": settings.mip_rel_gap if mip_rel_gap is None else mip_rel_gap,
        "seed": seed,
    }
    loop = asyncio.get_running_loop()
    pool = request.app.state.submit_pool
    scenario = await read_body(request, Scenario, pool)
    assert scenario is not None
    row = await loop.run_in_executor(pool, _store_and_queue, request, scenario, who.name, options)
    if isinstance(row, JobRow):
        mark(request.scope, f"job:{row.id}", f"scenario:{row.scenario_hash}")
    return _job_created(row, settings.retry_after_s)


def _store_and_queue(
    request: Request, scenario: Scenario, owner: str, options: dict[str, object]
) -> JobRow | QueueFull | list[str]:
    if errors := submission_errors(scenario):
        return errors
    try:
        with request.app.state.sessions() as s:  # the scenario and its job: one transaction
            return request.app.state.jobs.submit(  # type: ignore[no-any-return]
                add_scenario(s, scenario), owner, options, session=s
            )
    except QueueFull as e:
        return e


def _job_created(row: JobRow | QueueFull | list[str], retry_after_s: int) -> Response:
    """202 with the job and its Location, or the 422 / 503 the submission ran into."""
    if isinstance(row, list):
        raise unprocessable(row)
    if isinstance(row, QueueFull):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"solve queue is full ({row}); retry later",
            headers={"Retry-After": str(retry_after_s)},
        )
    body = JobOut.model_validate(row, from_attributes=True).model_dump_json().encode()
    return Response(body, status_code=status.HTTP_202_ACCEPTED, media_type="application/json",
                    headers={"Location": f"/v1/jobs/{row.id}"})


_JOBS = TypeAdapter(list[JobOut])


def _render_jobs(jobs: JobManager, status_: JobStatus | None, limit: int) -> bytes:
    q = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
    if status_ is not None:
        q = q.where(JobRow.status == status_.value)
    with jobs.sessions() as s:
        rows = list(s.scalars(q))
    return _JOBS.dump_json([JobOut.model_validate(r, from_attributes=True) for r in rows])


@router.get("", response_model=list[JobOut], responses=ERRORS(401, 403, 422))
async def list_jobs(
    _: Planner,
    request: Request,
    jobs: JobsDep,
    status_: Annotated[JobStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """The most recent jobs, newest first (rendered once per change of any job)."""
    cache: ResponseCache = request.app.state.responses
    body = await cache.render(
        ("jobs", status_, limit), lambda: run_in_threadpool(_render_jobs, jobs, status_, limit)
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
        elif row.plan_id is not None and (plan := s.get(PlanRow, row.plan_id)) is not None:
            out.plan = parse_plan(plan.id, plan.body)
    return out.model_dump_json(by_alias=True).encode()


@router.get("/{job_id}", response_model=JobDetail, responses=ERRORS(401, 403, 404))
async def get_job(job_id: str, _: Planner, request: Request) -> Response:
    """Status, progress and, once done, the plan (an infeasible plan comes with its diagnosis) or,
    for a sequencing job, the sequence.

    Read, validated and serialized in one trip to the thread pool (session opened and closed
    there): a sync route with a session dependency took three trips, each a wait for a thread
    and the GIL under load."""
    body = await run_in_threadpool(_render_job, request.app.state.sessions, job_id)
    return Response(body, media_type="application/json")


@router.delete("/{job_id}", response_model=JobOut, responses=ERRORS(401, 403, 404))
def cancel_job(job_id: str, who: Planner, s: SessionDep, jobs: JobsDep) -> JobRow:
    """Stop a queued or running job (a finished job is left as it is): its owner or an admin."""
    row = _job(s, job_id)
    may_stop(who, row.owner)
    return jobs.stop_job(row, s)
