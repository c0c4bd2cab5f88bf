"""The audit log (planners)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from api.db.models import AuditRow
from api.deps import Planner, SessionDep
from api.errors import ERRORS
from api.schemas import AuditOut

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=list[AuditOut], responses=ERRORS(401, 403))
def audit_log(
    _: Planner, s: SessionDep, request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditRow]:
    """Who asked what and when, newest first (rows still in the writer's batch are written first)."""
    request.app.state.audit.flush()
    return list(s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)))
