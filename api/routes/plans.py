"""Plans (read-only): by id, the latest, one municipality's part; supervisors see their province."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import PlanRow, ScenarioRow
from api.deps import (
    Planner,
    PlanReader,
    Province,
    ServicesDep,
    SessionDep,
    not_found,
    scope_province,
    stored,
)
from api.errors import ERRORS
from api.schemas import MunicipalityPlan, PlanOut, PlanSummary
from api.scope import filter_plan
from api.store import KEY_PATTERN
from api.views import LIGHT_PLAN, facts_of, gm_province, plan_of
from optimizer.documents.scenario import Scenario

router = APIRouter(prefix="/v1", tags=["plans"])


def _present(s: Session, row: PlanRow, province: str | None) -> PlanOut:
    facts = facts_of(s, row.scenario_hash)
    plan = plan_of(row)
    if province is not None:
        plan = filter_plan(plan, province, facts)
    return PlanOut(
        id=row.id, job_id=row.job_id, scenario_hash=row.scenario_hash, week=row.week,
        status=row.status, created_at=row.created_at, scope=province or "national",
        occupancy_min=facts.occupancy_min, occupancy_max=facts.occupancy_max, plan=plan,
    )


def _plan_row(s: Session, plan_id: str) -> PlanRow:
    return stored(s, PlanRow, "plan", plan_id, LIGHT_PLAN)


@router.get("/plans", response_model=list[PlanSummary], responses=ERRORS(401, 403))
def list_plans(
    _: PlanReader, s: SessionDep, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[PlanRow]:
    """Stored plans, newest first (no bodies)."""
    return list(s.scalars(select(PlanRow).order_by(PlanRow.created_at.desc()).limit(limit)))


def _render_latest(sessions: sessionmaker[Session], pv: str | None) -> bytes | None:
    with sessions() as s:
        row = s.scalars(select(PlanRow).order_by(PlanRow.created_at.desc()).limit(1)).first()
        if row is None:
            return None
        return _present(s, row, pv).model_dump_json(by_alias=True).encode()


@router.get("/plans/latest", response_model=PlanOut, responses=ERRORS(401, 403, 404))
async def latest_plan(who: PlanReader, services: ServicesDep, province: Province = None
                      ) -> Response:
    """The newest plan (supervisors: their province's part only). Rendered once per scope and
    kept until a job stores a new plan."""
    pv = scope_province(who, province)
    body = await services.plan_responses.render(
        ("plans/latest", pv),
        lambda: run_in_threadpool(_render_latest, services.sessions, pv),
    )
    if body is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no plan yet")
    return Response(body, media_type="application/json")


def _render_plan(sessions: sessionmaker[Session], plan_id: str, pv: str | None) -> bytes:
    with sessions() as s:
        return _present(s, _plan_row(s, plan_id), pv).model_dump_json(by_alias=True).encode()


@router.get("/plans/{plan_id}", response_model=PlanOut, responses=ERRORS(401, 403, 404))
async def get_plan(
    plan_id: str, who: PlanReader, services: ServicesDep, province: Province = None
) -> Response:
    """One plan (supervisors: their province's part only; another province is 403). Read and
    serialized in one trip to the thread pool, as ``GET /v1/jobs/{id}``."""
    pv = scope_province(who, province)
    body = await run_in_threadpool(_render_plan, services.sessions, plan_id, pv)
    return Response(body, media_type="application/json")


@router.get(
    "/plans/{plan_id}/municipalities/{gm_code}", response_model=MunicipalityPlan,
    responses=ERRORS(401, 403, 404),
)
def municipality_plan(
    plan_id: str, gm_code: str, who: PlanReader, s: SessionDep
) -> MunicipalityPlan:
    """One municipality's pace KPI and links in a plan (supervisors: their province's
    municipalities; another is 404, as an unknown one)."""
    pv_code = gm_province().get(gm_code)
    if pv_code is None or (who.province is not None and who.province != pv_code):
        raise not_found("municipality", gm_code)
    plan = plan_of(_plan_row(s, plan_id))
    kpi = next((k for k in plan.kpis.municipalities if k.gm_code == gm_code), None)
    return MunicipalityPlan(
        plan_id=plan_id, gm_code=gm_code, pv_code=pv_code, kpi=kpi,
        links=[x for x in plan.links if x.gm_code == gm_code],
    )


@router.get("/scenarios/{scenario_hash}", response_model=Scenario, responses=ERRORS(401, 403, 404))
def get_scenario(scenario_hash: str, _: Planner, s: SessionDep) -> Scenario:
    """A stored scenario (national data: planners only)."""
    row = s.get(ScenarioRow, scenario_hash) if re.match(KEY_PATTERN, scenario_hash) else None
    if row is None:
        raise not_found("scenario", scenario_hash)
    return Scenario.model_validate_json(row.body)
