"""What-if studies (analysts and planners): POST a RunSpec (a job of kind 'whatif' in the solve
pool, 202 with the job at once), GET status, progress and the comparison table, DELETE stops."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response, status

from api.body import body_schema, read_body
from api.db.models import JobRow, JobStatus, WhatIfResultRow
from api.deps import Analyst, JobsDep, ServicesDep, SessionDep, may_stop, not_found, row_id
from api.errors import ERRORS, unprocessable
from api.schemas import JobOut, WhatIfOut
from api.submission import JobRequest, submit
from optimizer.whatif.documents import RunSpec, Sweep

router = APIRouter(prefix="/v1/whatif", tags=["whatif"])


def run_weeks(spec: RunSpec) -> int:
    """Weekly solves a study makes: variants (plus the selected-sites variant) x inflows x seeds
    x horizon weeks."""
    variants = len(spec.variants) + (
        1 if spec.selection is not None and spec.selection.simulate_selected else 0)
    return variants * len(spec.inflows) * len(spec.seeds) * spec.horizon_weeks


def http_problems(spec: RunSpec, max_run_weeks: int | None = None) -> list[str]:
    """What a RunSpec may say in a file but not over HTTP: server paths, other clusters, and
    more simulated weeks than the service allows."""
    problems = []
    if max_run_weeks is not None and (n := run_weeks(spec)) > max_run_weeks:
        problems.append(
            f"seeds: the study simulates {n} weeks (variants x inflows x seeds x horizon_weeks); "
            f"at most {max_run_weeks} are allowed (COA_API_WHATIF_MAX_RUN_WEEKS)")
    if spec.start.scenario is not None:
        problems.append("start.scenario: a server file is not accepted over HTTP; "
                        "use a generated start (seed, scale)")
    if spec.selection is not None and spec.selection.candidates_csv is not None:
        problems.append("selection.candidates_csv: a server file is not accepted over HTTP; "
                        "give the candidates inline")
    if spec.sweep.scheduler_address is not None:
        problems.append("sweep.scheduler_address: what-if jobs run in the service's solve pool")
    return problems


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
             responses=ERRORS(400, 401, 403, 413, 422, 503), openapi_extra=body_schema(RunSpec))
async def submit_whatif(who: Analyst, request: Request, services: ServicesDep) -> Response:
    """Queue a what-if study (variants x inflows x seeds over the horizon); answers at once with
    the job id. It runs in the study lane: in one solve process without Dask (``sweep.workers``
    is set to 0), or on the service's Dask cluster (COA_API_DASK_SCHEDULER); each weekly solve
    is capped at the service's ``max_time_limit_s``. A bad spec is 422 naming the field path;
    problems of variants against the start week (unknown closures) fail the job. The spec is
    parsed and validated on the submission pool, off the event loop."""
    settings = services.settings
    spec = await read_body(request, RunSpec, services.submit_pool)
    assert spec is not None
    if problems := http_problems(spec, settings.whatif_max_run_weeks):
        raise unprocessable(problems)
    sim = spec.simulation.model_copy(
        update={"time_limit_s": min(spec.simulation.time_limit_s, settings.max_time_limit_s)}
    )
    spec = spec.model_copy(update={"sweep": Sweep(workers=0), "simulation": sim})
    job = JobRequest("whatif", spec.model_dump(mode="json"))
    return await submit(request, services, who.name, lambda _s: job,
                        location="/v1/whatif/{id}")


def _whatif_job(s: SessionDep, job_id: str) -> JobRow:
    row = s.get(JobRow, row_id("what-if job", job_id))
    if row is None or row.kind != "whatif":
        raise not_found("what-if job", job_id)
    return row


@router.get("/{job_id}", response_model=WhatIfOut, responses=ERRORS(401, 403, 404))
def get_whatif(job_id: str, _: Analyst, s: SessionDep) -> WhatIfOut:
    """Status and progress; once done, the comparison table as JSON rows."""
    row = _whatif_job(s, job_id)
    spec = json.loads(row.options)
    out = WhatIfOut(
        id=row.id, name=spec.get("name", "whatif"), status=row.status, progress=row.progress,
        error=row.error, owner=row.owner, created_at=row.created_at, started_at=row.started_at,
        finished_at=row.finished_at,
        runs=len(spec.get("variants", [])) * len(spec.get("inflows", []))
        * len(spec.get("seeds", [])),
    )
    if row.status == JobStatus.done and (res := s.get(WhatIfResultRow, row.id)) is not None:
        body = json.loads(res.body)
        out.rows, out.selection, out.seconds = body["rows"], body["selection"], body["seconds"]
    return out


@router.delete("/{job_id}", response_model=JobOut, responses=ERRORS(401, 403, 404))
def cancel_whatif(job_id: str, who: Analyst, s: SessionDep, jobs: JobsDep) -> JobRow:
    """Stop a queued or running what-if job (a finished one is left as it is): its owner or an
    admin."""
    row = _whatif_job(s, job_id)
    may_stop(who, row.owner)
    return jobs.stop_job(row, s)
