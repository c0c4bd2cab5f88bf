"""The audit log (auditors only): newest first, paged by id, filtered by caller, time and path."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.audit import safe_text
from api.db.models import AuditRow
from api.deps import Auditor, SessionDep
from api.errors import ERRORS
from api.schemas import AuditOut, AuditPage

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=AuditPage, responses=ERRORS(401, 403))
def audit_log(
    _: Auditor, s: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before_id: Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                           description="page: rows older than this id")] = None,
    who: Annotated[str | None, Query(max_length=64, description="caller name")] = None,
    since: Annotated[dt.datetime | None, Query(description="from this moment (ISO 8601)")] = None,
    until: Annotated[dt.datetime | None, Query(description="before this moment")] = None,
    path: Annotated[str | None, Query(max_length=512, description="path prefix, e.g. /v1/jobs")
                    ] = None,
) -> AuditPage:
    """Who asked what and when, newest first. Every row here was committed before its answer
    left; ``next_before_id`` pages on."""
    q = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(AuditRow.id < before_id)
    if who is not None:
        q = q.where(AuditRow.who == safe_text(who, 64))
    if since is not None:
        q = q.where(AuditRow.at >= _utc(since))
    if until is not None:
        q = q.where(AuditRow.at < _utc(until))
    if path is not None:
        prefix = safe_text(path, 512)
        q = q.where(AuditRow.path.startswith(prefix, autoescape=True))
    rows = list(s.scalars(q))
    return AuditPage(rows=[AuditOut.model_validate(r, from_attributes=True) for r in rows],
                     next_before_id=rows[-1].id if len(rows) == limit else None)


def _utc(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)
