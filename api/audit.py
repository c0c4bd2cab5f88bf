"""Audit middleware: every /v1 call (except health) is logged with who, what, the input's hash and
the status code. Pure ASGI so the body is hashed as it is read. Rows go to a writer thread that
commits them in batches (one transaction per ~50 ms instead of one per request: SQLite has one
writer); the batch is flushed when the service stops.

A batch is one multi-row ``INSERT ... VALUES (...), (...)``, not an executemany: the sqlite3 driver
releases the GIL around every row of an executemany, and under load each release cost the writer
thread up to a switch interval (5 ms) to get back, with SQLite's write lock held all that time:
job submissions waited up to a second behind a 500-row audit batch."""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.db.models import AuditRow, utcnow
from api.tokens import TokenStore

log = logging.getLogger(__name__)
UNAUDITED = ("/v1/health",)
MAX_BATCH = 140
"""Rows per INSERT: 7 columns x 140 = 980 bound values, under SQLite's oldest limit of 999."""


class AuditMiddleware:
    """Record (at, who, role, method, path, sha256(path?query + body), status) per /v1 call."""

    def __init__(self, app: ASGIApp, writer: AuditWriter, tokens: TokenStore) -> None:
        self.app = app
        self.writer = writer
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/") or path in UNAUDITED:
            await self.app(scope, receive, send)
            return
        digest = hashlib.sha256(path.encode() + b"?" + scope.get("query_string", b"") + b"\n")
        code = 500
        who, role = self._who(scope)

        async def hashing_receive() -> Message:
            msg = await receive()
            if msg["type"] == "http.request":
                digest.update(msg.get("body", b""))
            return msg

        async def status_send(msg: Message) -> None:
            nonlocal code
            if msg["type"] == "http.response.start":
                code = int(msg["status"])
            await send(msg)

        try:
            await self.app(scope, hashing_receive, status_send)
        finally:
            row = {"at": utcnow(), "who": who, "role": role, "method": scope["method"],
                   "path": path[:512], "input_hash": digest.hexdigest(), "status_code": code}
            self.writer.put(row)

    def _who(self, scope: Scope) -> tuple[str, str | None]:
        """Resolve the token once per request; the principal is left in ``scope['state']`` for
        :func:`api.deps.get_principal`."""
        for k, v in scope.get("headers", []):
            if k == b"authorization":
                scheme, _, token = v.decode("latin-1").partition(" ")
                p = self.tokens.lookup(token.strip()) if scheme.lower() == "bearer" else None
                scope.setdefault("state", {})["coa_auth"] = (token.strip(), p)
                return (p.name, p.role.value) if p else ("unknown token", None)
        return ("anonymous", None)


class AuditWriter:
    """A thread that writes audit rows in batches."""

    def __init__(self, sessions: sessionmaker[Session], interval_s: float = 0.05) -> None:
        self.sessions = sessions
        self.interval_s = interval_s
        self._q: queue.Queue[dict[str, Any] | threading.Event | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._loop, name="audit-writer", daemon=True)
        self._thread.start()

    def put(self, row: dict[str, Any]) -> None:
        """Queue one row (written synchronously if the writer is not running)."""
        if self._thread is None:
            self._write([row])
        else:
            self._q.put(row)

    def flush(self, timeout: float = 10.0) -> None:
        """Return once every row queued before this call is committed."""
        if self._thread is None or not self._thread.is_alive():
            rows = []
            while not self._q.empty():
                r = self._q.get_nowait()
                if isinstance(r, dict):
                    rows.append(r)
            self._write(rows)
            return
        done = threading.Event()
        self._q.put(done)
        done.wait(timeout)

    def stop(self) -> None:
        """Stop the thread and write the rest."""
        if self._thread is not None:
            self._q.put(None)
            self._thread.join(10)
            self._thread = None
        self.flush()

    def _loop(self) -> None:
        batch: list[dict[str, Any]] = []
        while True:
            try:
                r = self._q.get(timeout=self.interval_s if batch else None)
            except queue.Empty:
                r = threading.Event()  # quiet for a moment: write the batch
            if isinstance(r, dict):
                batch.append(r)
                if len(batch) < MAX_BATCH:
                    continue
            self._write(batch)
            batch = []
            if isinstance(r, threading.Event):
                r.set()
            elif r is None:
                return

    def _write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        try:
            with self.sessions() as s:
                for i in range(0, len(rows), MAX_BATCH):
                    s.execute(insert(AuditRow).values(rows[i : i + MAX_BATCH]))
                s.commit()
        except Exception:  # noqa: BLE001 - logging must not turn an answer into a 500
            log.exception("audit write failed for %d rows", len(rows))
