"""Error bodies: 422 names the field path (``loc``) and the reason (``msg``); others a ``detail``."""

from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

_PATH_LINE = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.DOTALL)
_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


class ErrorOut(BaseModel):
    """Any error other than 422."""

    detail: str


def ERRORS(*codes: int) -> dict[int | str, dict[str, Any]]:  # noqa: N802 - reads like a constant
    """OpenAPI ``responses`` for these status codes (422 keeps FastAPI's own schema)."""
    words = {400: "body cannot be parsed", 401: "no or unknown bearer token", 403: "role or province not allowed",
             404: "not found", 503: "solve queue full; see Retry-After"}
    return {c: {"model": ErrorOut, "description": words[c]} for c in codes if c != 422}


def _loc(path: str) -> list[str | int]:
    """'households[3].location' -> ['body', 'households', 3, 'location']."""
    out: list[str | int] = ["body"]
    for name, index in _PART.findall(path):
        out.append(int(index) if index else name)
    return out


def path_messages(lines: list[str], kind: str) -> list[dict[str, Any]]:
    """One error entry per 'field.path: message' line, with the path as ``loc``."""
    out = []
    for line in lines:
        m = _PATH_LINE.match(line)
        if m:
            out.append({"loc": _loc(m.group(1)), "msg": line, "type": kind})
        else:
            out.append({"loc": ["body"], "msg": line, "type": kind})
    return out


def unprocessable(problems: list[str]) -> HTTPException:
    """422 for problems found after schema validation (e.g. gm_codes unknown to CBS 2024)."""
    return HTTPException(
        status.HTTP_422_UNPROCESSABLE_CONTENT, detail=path_messages(problems, "reference_error")
    )


async def validation_handler(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 without echoing the (large) input; cross-record errors split per path."""
    assert isinstance(exc, RequestValidationError)
    detail: list[dict[str, Any]] = []
    for e in exc.errors():
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        loc = list(e.get("loc", ()))
        if loc == ["body"] and "\n" in msg or (loc == ["body"] and _PATH_LINE.match(msg)):
            detail.extend(path_messages(msg.splitlines(), str(e.get("type", "value_error"))))
        else:
            detail.append({"loc": loc, "msg": msg, "type": e.get("type", "value_error")})
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content=jsonable_encoder({"detail": detail}),
    )
