"""The one way a route queues a job: build it off the event loop, store it, answer 202.

Every job-submitting route (``POST /v1/jobs``, ``/v1/jobs/workbook``, ``/v1/plans/{id}/sequence``,
``/v1/whatif``) parses its body, then calls :func:`submit` with a ``build`` step that runs on the
submission pool in one database session: it checks what only the stored data can tell (422 with
the problems), may add rows (the scenario), and names the job. The job is committed in the same
transaction. A full lane is 503 with ``Retry-After``; the answer is 202 with the job and its
``Location``, and the audit row names the objects touched."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, Response, status
from sqlalchemy.orm import Session

from api.audit import mark
from api.db.models import JobRow
from api.deps import ServicesDep
from api.errors import unprocessable
from api.queue import QueueFull
from api.schemas import JobOut
from api.services import Services
from api.store import add_scenario
from optimizer.documents.io import submission_errors
from optimizer.documents.scenario import Scenario
from optimizer.rules.week import SEED


@dataclass(frozen=True)
class JobRequest:
    """What ``build`` returns: the job to queue."""

    kind: str
    options: dict[str, object]
    scenario_hash: str | None = None
    plan_id: str | None = None


Build = Callable[[Session], JobRequest | list[str]]


def _store(services: Services, owner: str, build: Build) -> JobRow | QueueFull | list[str]:
    with services.sessions() as s:
        job = build(s)
        if isinstance(job, list):
            return job
        try:
            return services.jobs.submit(job.scenario_hash, owner, job.options, kind=job.kind,
                                        plan_id=job.plan_id, session=s)
        except QueueFull as e:
            return e


async def submit(
    request: Request, services: Services, owner: str, build: Build,
    location: str = "/v1/jobs/{id}",
) -> Response:
    """Queue the job ``build`` describes; 202, or the 422 / 503 the submission ran into."""
    loop = asyncio.get_running_loop()
    row = await loop.run_in_executor(services.submit_pool, _store, services, owner, build)
    if isinstance(row, list):
        raise unprocessable(row)
    if isinstance(row, QueueFull):
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, detail=f"solve queue is full ({row}); retry later",
            headers={"Retry-After": str(services.settings.retry_after_s)},
        )
    touched = [f"job:{row.id}"]
    if row.scenario_hash:
        touched.append(f"scenario:{row.scenario_hash}")
    if row.plan_id:
        touched.append(f"plan:{row.plan_id}")
    mark(request.scope, *touched)
    body = JobOut.model_validate(row, from_attributes=True).model_dump_json().encode()
    return Response(body, status_code=status.HTTP_202_ACCEPTED, media_type="application/json",
                    headers={"Location": location.format(id=row.id)})


def allocation_options(
    services: ServicesDep,
    time_limit_s: Annotated[float | None, Query(gt=0, le=3600)] = None,
    mip_rel_gap: Annotated[float | None, Query(ge=0, le=1)] = None,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = SEED,
) -> dict[str, object]:
    """A weekly allocation's solver options from the query: the request's, within the
    service's limits (a dependency of every route that queues an allocation)."""
    settings = services.settings
    return {
        "time_limit_s": min(time_limit_s or settings.time_limit_s, settings.max_time_limit_s),
        "mip_rel_gap": settings.mip_rel_gap if mip_rel_gap is None else mip_rel_gap,
        "seed": seed,
    }


AllocationOptions = Annotated[dict[str, object], Depends(allocation_options)]


def allocation(scenario: Scenario, options: dict[str, object]) -> Build:
    """The build step of a weekly allocation: the scenario is stored with its job (422 for a
    scenario that cannot be planned, e.g. without households)."""

    def build(s: Session) -> JobRequest | list[str]:
        if errors := submission_errors(scenario):
            return errors
        return JobRequest("allocate", options, scenario_hash=add_scenario(s, scenario))

    return build
