"""Explanations of a stored plan: score analysis, one household's decision, a recommendation for a
new household, fairness by group. Supervisors see their province's part only.

A :class:`~optimizer.explain.options.PlanContext` is built once per plan id and kept in an LRU
(``Services.contexts``; plans never change), so a recommendation takes milliseconds."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from api.body import body_schema, read_body
from api.core.config import Role
from api.deps import (
    PlanReader,
    Province,
    QuotaReader,
    ServicesDep,
    scope_province,
    shown,
)
from api.errors import ERRORS, unprocessable
from api.scope import (
    filter_explanation,
    filter_household_explanation,
    filter_recommendation,
    households_touching,
    touches,
)
from api.services import Services
from api.tokens import Principal
from api.views import stored_plan
from optimizer.documents.scenario import Household, Scenario, consistency_errors
from optimizer.explain.decision import explain_household
from optimizer.explain.documents import (
    FairnessReport,
    HouseholdExplanation,
    PlanExplanation,
    Recommendation,
)
from optimizer.explain.fairness import fairness_report
from optimizer.explain.options import PlanContext
from optimizer.explain.recommend import recommend
from optimizer.explain.score import explain_plan

router = APIRouter(prefix="/v1/plans/{plan_id}", tags=["explanations"])


def plan_context(services: Services, plan_id: str) -> PlanContext:
    """The plan's context from the LRU, or built from the stored plan and scenario (404)."""
    ctx = services.contexts.get(plan_id)
    if ctx is not None:
        return ctx
    with services.sessions() as s:
        plan, scenario, _ = stored_plan(s, plan_id)
    ctx = PlanContext.build(scenario, plan)
    services.contexts.put(plan_id, ctx)
    return ctx


@router.get("/explanation", response_model=PlanExplanation, responses=ERRORS(401, 403, 404))
def plan_explanation(
    plan_id: str, who: PlanReader, services: ServicesDep, province: Province = None
) -> PlanExplanation:
    """What each rule family costs and where (families sum to the objective). Supervisors: the
    family totals stay national; the listed items and conflicts are their province's."""
    pv = scope_province(who, province)
    ctx = plan_context(services, plan_id)
    out = explain_plan(ctx.scenario, ctx.plan)
    return out if pv is None else filter_explanation(out, pv, ctx.scenario, ctx.plan)


def _no_household(household: str) -> HTTPException:
    """One 404 for an unknown household and for one outside a supervisor's province."""
    return HTTPException(status.HTTP_404_NOT_FOUND,
                         detail=f"household {shown(household)} is not in the plan's scenario")


def _household_province(ctx: PlanContext, household: str) -> set[str]:
    """The places a household touches in this plan: where it is, and where it goes or is linked."""
    h = next((x for x in ctx.scenario.households if x.id == household), None)
    if h is None:
        raise _no_household(household)
    return {h.location, ctx.decision.get(h.id, h.location), ctx.link_of.get(h.id, "")}


@router.get("/households/{household_id}/explanation", response_model=HouseholdExplanation,
            responses=ERRORS(401, 403, 404))
def household_explanation(
    plan_id: str, household_id: str, who: PlanReader, services: ServicesDep
) -> HouseholdExplanation:
    """Why this household is where the plan puts it: the chosen place and its cost components, the
    best alternatives and the rules that rule out the others. Supervisors: households at, going to
    or linked into their province (others 404, as unknown ones); alternatives limited to their
    province."""
    ctx = plan_context(services, plan_id)
    touched = _household_province(ctx, household_id)
    pv = _supervised(who)
    if pv is not None and not touches(pv, ctx.scenario, touched):
        raise _no_household(household_id)
    try:
        out = explain_household(ctx.scenario, ctx.plan, household_id, ctx=ctx)
    except KeyError:
        raise _no_household(household_id) from None
    return out if pv is None else filter_household_explanation(out, pv, ctx.scenario)


@router.post("/recommend", response_model=Recommendation,
             responses=ERRORS(400, 401, 403, 404, 413, 422), openapi_extra=body_schema(Household))
async def recommend_household(
    plan_id: str,
    who: QuotaReader,
    request: Request,
    services: ServicesDep,
    k: Annotated[int, Query(ge=1, le=20)] = 3,
) -> Recommendation:
    """The best ``k`` places for one new household (``location``: where it is now), by greedy
    insertion into this plan, every hard rule checked (no re-solve). Supervisors: households in
    their province, places in their province (a location elsewhere is 422, as an unknown one).
    The household passes the same consistency checks as in a submitted scenario (an arrival at
    a col or gvl, a known linked_gm_code, an id not yet used). The household is parsed off the
    event loop; the recommendation runs in the thread pool."""
    household = await read_body(request, Household)
    assert household is not None
    return await run_in_threadpool(_recommend, services, plan_id, household, who, k)


def _recommend(services: Services, plan_id: str, household: Household, who: Principal,
               k: int) -> Recommendation:
    ctx = plan_context(services, plan_id)
    pv = _supervised(who)
    if household.location not in ctx.loc_index or (
        pv is not None and not touches(pv, ctx.scenario, [household.location])
    ):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=[{
            "loc": ["body", "location"], "type": "reference_error",
            "msg": f"location: {household.location!r} is not in the plan's scenario"}])
    if problems := household_errors(ctx.scenario, household):
        raise unprocessable(problems)
    out = recommend(ctx.scenario, ctx.plan, household, k=k if pv is None else 1000, ctx=ctx)
    return out if pv is None else filter_recommendation(out, pv, ctx.scenario, k)


def household_errors(scenario: Scenario, household: Household) -> list[str]:
    """The scenario's own consistency checks for one more household (those about it alone:
    where it is, its link, a duplicate id), with its fields named as in the request body."""
    if any(h.id == household.id for h in scenario.households):
        return [f"id: household {household.id!r} is already in the plan's scenario"]
    alone = Scenario.model_construct(
        week=scenario.week, half_year=scenario.half_year, policy=scenario.policy,
        locations=scenario.locations, municipalities=scenario.municipalities,
        households=[household], pins=[],
    )
    return [e.removeprefix("households[0].") for e in consistency_errors(alone)
            if e.startswith("households[0].")]


def _supervised(who: Principal) -> str | None:
    return who.province if who.role is Role.supervisor else None


class FairnessBy(StrEnum):
    type_and_track = "type_and_track"
    type = "type"


@router.get("/fairness", response_model=FairnessReport, responses=ERRORS(401, 403, 404))
def fairness(
    plan_id: str, who: PlanReader, services: ServicesDep, province: Province = None,
    by: FairnessBy = FairnessBy.type_and_track,
) -> FairnessReport:
    """Outcomes by household type (and track) with the spread between groups. Supervisors: the
    households that start or end the week in their province."""
    pv = scope_province(who, province)
    ctx = plan_context(services, plan_id)
    scenario = ctx.scenario
    if pv is not None:
        scenario = households_touching(pv, scenario, ctx.decision, ctx.link_of)
    return fairness_report(scenario, ctx.plan, by=by.value)
