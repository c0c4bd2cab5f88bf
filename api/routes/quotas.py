"""Quota (taakstelling) feasibility check: national or one province (supervisors: their own).

Bodies are parsed and validated off the event loop (:func:`api.body.read_body`), as a scenario
is, and the checks run in the thread pool."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from api.body import body_schema, read_body
from api.deps import QuotaReader, scope_province
from api.errors import ERRORS, unprocessable
from api.scope import in_pv
from api.tokens import Principal
from api.views import gm_province
from optimizer.documents.bounds import MAX_PERSONS, Document
from optimizer.quotas.check import check_quotas, select_province
from optimizer.quotas.compute import compute_quotas
from optimizer.quotas.documents import (
    ProvincialVariant,
    QuotaCheck,
    QuotaComputation,
    QuotaStatus,
)
from optimizer.quotas.provincial import provincial_variant

router = APIRouter(prefix="/v1/quotas", tags=["quotas"])


@router.post("/check", response_model=QuotaCheck, responses=ERRORS(400, 401, 403, 413, 422),
             openapi_extra=body_schema(QuotaStatus))
async def check(
    who: QuotaReader,
    request: Request,
    province: Annotated[str | None, Query(pattern=r"^PV[0-9]{2}$")] = None,
    time_limit_s: Annotated[float, Query(gt=0, le=120)] = 30.0,
) -> QuotaCheck:
    """Can each municipality still meet its quota? A shortfall is a 200 with its causes."""
    pv = scope_province(who, province)
    quota_status = await read_body(request, QuotaStatus)
    assert quota_status is not None
    return await run_in_threadpool(_check, quota_status, pv, time_limit_s)


def _check(quota_status: QuotaStatus, pv: str | None, time_limit_s: float) -> QuotaCheck:
    if pv is not None:
        try:
            quota_status = select_province(quota_status, pv)
        except ValueError as e:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                                detail=[{"loc": ["query", "province"], "msg": str(e),
                                         "type": "value_error"}]) from None
    result = check_quotas(quota_status, time_limit_s=time_limit_s)
    if pv is None:
        return result
    gm_pv = gm_province()
    return result.model_copy(update={
        "provinces": in_pv(result.provinces, pv, lambda p: p.pv_code),
        "municipalities": in_pv(result.municipalities, pv, lambda m: gm_pv.get(m.gm_code)),
    })


class QuotaComputeIn(Document):
    """A national half-year total to split over the municipalities pro rata population (unknown
    fields are refused, figures bounded)."""

    half_year: Annotated[str, Field(pattern=r"^[0-9]{4}-H[12]$", description="e.g. 2026-H2",
                                    examples=["2026-H2"])]
    national: Annotated[int, Field(ge=0, le=MAX_PERSONS, description="National total, persons.")]
    backlog: Annotated[
        dict[Annotated[str, Field(pattern=r"^GM[0-9]{4}$")],
             Annotated[int, Field(ge=0, le=MAX_PERSONS)]],
        Field(max_length=400),
    ] = Field(default_factory=dict, description="gm_code -> persons.")


@router.post("/compute", response_model=QuotaComputation,
             responses=ERRORS(400, 401, 403, 413, 422), openapi_extra=body_schema(QuotaComputeIn))
async def compute(who: QuotaReader, request: Request) -> QuotaComputation:
    """The taakstelling of a half-year per municipality (supervisors: their province's rows;
    the totals stay national)."""
    body = await read_body(request, QuotaComputeIn)
    assert body is not None
    return await run_in_threadpool(_compute, body, who)


def _compute(body: QuotaComputeIn, who: Principal) -> QuotaComputation:
    try:
        result = compute_quotas(body.half_year, body.national, body.backlog)
    except ValueError as e:
        raise unprocessable([str(e)]) from None
    pv = scope_province(who, None)
    return result.model_copy(update={
        "municipalities": in_pv(result.municipalities, pv, lambda m: m.pv_code)})


@router.post("/provincial-variant", response_model=ProvincialVariant,
             responses=ERRORS(400, 401, 403, 413, 422), openapi_extra=body_schema(QuotaStatus))
async def variant(
    who: QuotaReader,
    request: Request,
    province: Annotated[str | None, Query(pattern=r"^PV[0-9]{2}$")] = None,
) -> ProvincialVariant:
    """Rule 6.3.2: each province gets the sum of its municipalities' quotas and distributes it;
    compared with today's pro rata targets (supervisors: their own province)."""
    pv = scope_province(who, province)
    quota_status = await read_body(request, QuotaStatus)
    assert quota_status is not None
    result = await run_in_threadpool(provincial_variant, quota_status)
    return result.model_copy(update={
        "provinces": in_pv(result.provinces, pv, lambda p: p.pv_code),
        "municipalities": in_pv(result.municipalities, pv, lambda m: m.pv_code),
    })
