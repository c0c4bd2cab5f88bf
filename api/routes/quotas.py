"""Quota (taakstelling) feasibility check: national or one province (supervisors: their own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query, status

from api.deps import QuotaReader, scope_province
from api.errors import ERRORS
from api.views import gm_province
from optimizer.quotas.check import check_quotas, select_province
from optimizer.quotas.documents import QuotaCheck, QuotaStatus

router = APIRouter(prefix="/v1/quotas", tags=["quotas"])


@router.post("/check", response_model=QuotaCheck, responses=ERRORS(400, 401, 403))
def check(
    quota_status: Annotated[QuotaStatus, Body()],
    who: QuotaReader,
    province: Annotated[str | None, Query(pattern=r"^PV\d{2}$")] = None,
    time_limit_s: Annotated[float, Query(gt=0, le=120)] = 30.0,
) -> QuotaCheck:
    """Can each municipality still meet its quota? A shortfall is a 200 with its causes."""
    pv = scope_province(who, province)
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
        "provinces": [p for p in result.provinces if p.pv_code == pv],
        "municipalities": [m for m in result.municipalities if gm_pv.get(m.gm_code) == pv],
    })
