"""Pure ASGI layers around the app: security headers on every answer, and limits before work
(body size and body arrival time) so a large or slow body costs nothing beyond its bytes."""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.audit import mark

CSP_APP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
           "form-action 'self'; frame-ancestors 'none'")
CSP_DOCS = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")
"""Swagger UI and ReDoc set styles inline (React / styled-components); scripts stay own-only."""
DOCS = ("/docs", "/redoc")


class SecurityHeaders:
    """CSP (own scripts only), nosniff, no framing, no referrer; ``no-store`` on API answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = (CSP_DOCS if path in DOCS else CSP_APP).encode()
        api = path.startswith("/v1/") or path == "/openapi.json"

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                headers = [(k, v) for k, v in msg.get("headers", [])
                           if k.lower() not in (b"cache-control",) or not api]
                headers += [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if api:
                    headers.append((b"cache-control", b"no-store"))
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class BodyLimits:
    """413 for a body above ``max_bytes`` (from Content-Length before anything is read, or while
    a chunked body arrives) and 408 for a body that takes longer than ``timeout_s``; both are
    answered before routing, so before the token is checked or the JSON parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    await _error(scope, send, 400, "bad_request", "Content-Length is not a number")
                    return
                if declared > self.max_bytes:
                    await _error(scope, send, 413, "body_too_large",
                                 f"the body is {declared} bytes; at most {self.max_bytes} "
                                 "are accepted (COA_API_MAX_BODY_BYTES)")
                    return
        seen = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            try:
                msg = await asyncio.wait_for(receive(), max(0.001, deadline - loop.time()))
            except TimeoutError:
                raise _TooSlow from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return msg

        async def tracking_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _error(scope, send, 413, "body_too_large",
                             f"the body is larger than {self.max_bytes} bytes "
                             "(COA_API_MAX_BODY_BYTES)")
        except _TooSlow:
            if not started:
                await _error(scope, send, 408, "request_timeout",
                             f"the body did not arrive within {self.timeout_s:g} s")


async def _error(scope: Scope, send: Send, status: int, code: str, detail: str) -> None:
    mark(scope, reason=detail)
    rid = scope.get("state", {}).get("request_id")
    body = json.dumps({"code": code, "detail": detail, "request_id": rid}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
