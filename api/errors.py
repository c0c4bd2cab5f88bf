"""Error bodies: a stable ``code``, a planner-readable ``detail`` (422: one entry per problem with
the field path ``loc`` and the reason ``msg``) and the ``request_id``. Internals (tracebacks, SQL,
driver messages) go to the server log under the request id, never to the client."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import mark

log = logging.getLogger(__name__)
CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 408: "request_timeout", 409: "conflict",
         413: "body_too_large", 415: "unsupported_media_type", 422: "invalid_input",
         429: "too_many_requests", 500: "internal_error", 503: "unavailable"}

_PATH_LINE = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.DOTALL)
_PART = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


class ErrorOut(BaseModel):
    """Any error other than 422."""

    code: str
    detail: str
    request_id: str | None = None


class ValidationErrorOut(BaseModel):
    """A 422: every problem with its field path (``loc``), message (``msg``) and ``type``."""

    code: str
    detail: list[dict[str, Any]]
    request_id: str | None = None


def ERRORS(*codes: int) -> dict[int | str, dict[str, Any]]:  # noqa: N802 - reads like a constant
    """OpenAPI ``responses`` for these status codes. 422 is stated here too: FastAPI adds its own
    only to routes with parameters it validates, and a document read by ``api.body.read_body``
    is not one of them."""
    words = {400: "body cannot be parsed", 401: "no, unknown, expired or revoked bearer token",
             403: "role not allowed", 404: "not found (or not in the caller's scope)",
             413: "body larger than the service accepts",
             422: "input refused; each problem names its field",
             503: "queue full or audit log unavailable; see Retry-After"}
    return {c: {"model": ValidationErrorOut if c == 422 else ErrorOut, "description": words[c]}
            for c in codes}


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


def _rid(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")  # type: ignore[no-any-return]


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
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
    first = detail[0] if detail else {"loc": [], "msg": ""}
    mark(request.scope, reason=f"invalid input ({len(detail)} problem(s)); first: "
         f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content=jsonable_encoder({"code": CODES[422], "detail": detail,
                                  "request_id": _rid(request)}),
    )


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """HTTPException -> ``{code, detail, request_id}``; the detail is the reason in the audit."""
    assert isinstance(exc, StarletteHTTPException)
    code = CODES.get(exc.status_code, "error")
    if exc.status_code >= 400:
        mark(request.scope, reason=str(exc.detail)[:256] if not isinstance(exc.detail, list)
             else f"invalid input: {exc.detail[0].get('msg', '')}"[:256])
    return JSONResponse(
        status_code=exc.status_code,
        content=jsonable_encoder({"code": code, "detail": exc.detail,
                                  "request_id": _rid(request)}),
        headers=getattr(exc, "headers", None),
    )


async def internal_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """Anything unexpected: logged with the request id, the client gets no internals."""
    rid = _rid(request)
    log.error("request %s %s failed: %s", rid, request.url.path, type(exc).__name__,
              exc_info=exc)
    return JSONResponse(
        status_code=500,
        content={"code": CODES[500], "request_id": rid,
                 "detail": f"internal error; quote request id {rid} to the service desk"},
    )
