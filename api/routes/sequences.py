"""Sequencing: order a plan's moves day by day and into bus trips (CP-SAT, a job of kind
'sequence' in the solve pool); read the stored sequence (supervisors: their province's part)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.body import body_schema, read_body
from api.db.models import PlanRow, SequenceRow
from api.deps import (
    Planner,
    PlanReader,
    Province,
    ServicesDep,
    SessionDep,
    scope_province,
    stored,
)
from api.errors import ERRORS
from api.schemas import JobOut, SequenceOut
from api.scope import filter_sequence
from api.submission import Build, JobRequest, submit
from api.views import LIGHT_PLAN, scenario_of, stored_plan
from optimizer.documents.sequence import Sequence, SequenceOptions
from optimizer.sequencing.data import input_errors

router = APIRouter(prefix="/v1", tags=["sequences"])


def _plan_row(s: Session, plan_id: str) -> PlanRow:
    return stored(s, PlanRow, "plan", plan_id)


def sequencing(plan_id: str, options: SequenceOptions) -> Build:
    """The build step of a sequencing job: the plan must exist (404) and the options fit it
    (422 naming the field)."""

    def build(s: Session) -> JobRequest | list[str]:
        plan, scenario, key = stored_plan(s, plan_id)
        if errors := input_errors(scenario, plan, options):
            return [e.removeprefix("options.") for e in errors]
        return JobRequest("sequence", options.model_dump(mode="json"), scenario_hash=key,
                          plan_id=plan_id)

    return build


@router.post(
    "/plans/{plan_id}/sequence", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
    responses=ERRORS(400, 401, 403, 404, 413, 422, 503),
    openapi_extra=body_schema(SequenceOptions, required=False),
)
async def sequence_plan(plan_id: str, who: Planner, request: Request, services: ServicesDep
                        ) -> Response:
    """Queue the day-by-day sequence of this plan's moves (job kind 'sequence'); answers at once
    with the job id. Options that do not fit the plan (e.g. a closing day beyond the horizon)
    are 422 naming the field. The options (optional) are parsed off the event loop."""
    options = await read_body(request, SequenceOptions, services.submit_pool, optional=True)
    opts = options or SequenceOptions()
    opts = opts.model_copy(update={"time_limit_s": min(
        opts.time_limit_s, services.settings.max_time_limit_s)})
    return await submit(request, services, who.name, sequencing(plan_id, opts))


def _present(s: SessionDep, row: SequenceRow, pv: str | None) -> SequenceOut:
    seq = Sequence.model_validate_json(row.body)
    if pv is not None:
        plan = s.get(PlanRow, row.plan_id, options=[LIGHT_PLAN])
        assert plan is not None
        seq = filter_sequence(seq, pv, scenario_of(s, plan.scenario_hash))
    return SequenceOut(id=row.id, plan_id=row.plan_id, created_at=row.created_at,
                       scope=pv or "national", sequence=seq)


@router.get("/plans/{plan_id}/sequence", response_model=SequenceOut,
            responses=ERRORS(401, 403, 404))
def plan_sequence(
    plan_id: str, who: PlanReader, s: SessionDep, province: Province = None
) -> SequenceOut:
    """The newest sequence of this plan (supervisors: the moves touching their province)."""
    pv = scope_province(who, province)
    _plan_row(s, plan_id)
    row = s.scalars(select(SequenceRow).where(SequenceRow.plan_id == plan_id)
                    .order_by(SequenceRow.created_at.desc()).limit(1)).first()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            detail=f"plan {plan_id!r} has no sequence yet")
    return _present(s, row, pv)


@router.get("/sequences/{sequence_id}", response_model=SequenceOut,
            responses=ERRORS(401, 403, 404))
def get_sequence(
    sequence_id: str, who: PlanReader, s: SessionDep, province: Province = None
) -> SequenceOut:
    """One sequence by id (the id of the job that made it)."""
    pv = scope_province(who, province)
    return _present(s, stored(s, SequenceRow, "sequence", sequence_id), pv)
