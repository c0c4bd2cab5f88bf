"""Submit a week as an Excel workbook: the same solve job as ``POST /v1/jobs``, read from .xlsx.

The body is the workbook's bytes (``Content-Type: application/vnd.openxmlformats-officedocument.
spreadsheetml.sheet``). A bad cell answers 422 with one entry per problem whose ``loc`` is
``["body", sheet, row, column]``. ``application/octet-stream`` is accepted as well, the row as Excel shows it, and whose ``msg`` is the line the
command line prints (``households row 14, column size: must be at least 1 (got 0)``).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status

from api.deps import Planner, ServicesDep
from api.errors import ERRORS
from api.submission import AllocationOptions, allocation, submit
from optimizer.documents.io import DocumentError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET = "application/octet-stream"  # what generic HTTP clients send for a file
router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
_CELL = re.compile(r"^(\w+) rows? ([\d, ]+?)(?:, column ([\w.() ]+?))?: ")


def cell_loc(problem: str) -> list[str | int]:
    """'households row 14, column size: ...' -> ['body', 'households', 14, 'size']."""
    m = _CELL.match(problem)
    if not m:
        return ["body"]
    loc: list[str | int] = ["body", m.group(1), int(m.group(2).split(",")[0])]
    if m.group(3):
        loc.append(m.group(3).split(" ")[0])
    return loc


def _read(data: bytes) -> Any:
    from optimizer.tables.workbook import read_scenario_bytes

    return read_scenario_bytes(data, "workbook")


@router.post(
    "/workbook",
    status_code=status.HTTP_202_ACCEPTED,
    responses={**ERRORS(400, 401, 403, 413, 503), 415: {"description": "not an .xlsx body"}},
    openapi_extra={
        "requestBody": {"required": True, "content": {
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            OCTET: {"schema": {"type": "string", "format": "binary"}},
        }}
    },
)
async def submit_workbook(
    who: Planner,
    request: Request,
    services: ServicesDep,
    options: AllocationOptions,
) -> Response:
    """Queue a weekly allocation of the week in this workbook (template: ``coa-plan template``)."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in (XLSX, OCTET):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            detail=f"send the workbook with Content-Type: {XLSX}")
    data = await request.body()
    loop = asyncio.get_running_loop()
    try:
        scenario = await loop.run_in_executor(services.submit_pool, _read, data)
    except DocumentError as e:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": cell_loc(p), "msg": p, "type": "invalid_cell"} for p in e.problems],
        ) from None
    return await submit(request, services, who.name, allocation(scenario, options))
