"""The audit trail on SQLite and PostgreSQL: a row per answer, committed before it leaves; poisoned
requests lose no row; a refused row fails only its own request (503); the hash chain finds a
removed or altered row; auditors page and filter; a kill -9 under 50 readers loses nothing."""

from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from api.audit import verify_chain
from api.db.models import AuditRow
from api.db.session import make_engine, make_sessionmaker
from tests.api.api_server_helper import ROOT, start_server, stop_server
from tests.api.conftest import TOKENS, auth


def _rows(c: TestClient) -> list[AuditRow]:
    with c.app.state.services.sessions() as s:  # type: ignore[attr-defined]
        return list(s.scalars(select(AuditRow).order_by(AuditRow.id)))


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        return s.recv(65536)


def test_rows_carry_request_id_caller_objects_and_reason(client: TestClient) -> None:
    job = client.post("/v1/jobs", json={"week": "x"}, headers=auth("planner"))
    denied = client.get("/v1/jobs", headers=auth("analyst"))
    rows = {r.request_id: r for r in _rows(client)}
    assert rows[job.headers["x-request-id"]].reason.startswith("invalid input")
    d = rows[denied.headers["x-request-id"]]
    assert (d.who, d.role, d.status_code) == ("ann-analyst", "analyst", 403)
    assert "may not do this" in d.reason
    r = client.get("/v1/jobs/00000000-0000-0000-0000-000000000000", headers=auth("planner"))
    row = {x.request_id: x for x in _rows(client)}[r.headers["x-request-id"]]
    assert row.objects == "job_id:00000000-0000-0000-0000-000000000000"
    assert row.reason.startswith("no job")


def test_auditor_pages_and_filters(client: TestClient) -> None:
    for _ in range(5):
        client.get("/v1/reference/provinces", headers=auth("sup27"))
    client.get("/v1/jobs", headers=auth("planner"))
    a = auth("auditor")
    page = client.get("/v1/audit?limit=3&who=sam-supervisor-nh", headers=a).json()
    assert len(page["rows"]) == 3 and {r["who"] for r in page["rows"]} == {"sam-supervisor-nh"}
    more = client.get(f"/v1/audit?limit=3&who=sam-supervisor-nh&before_id="
                      f"{page['next_before_id']}", headers=a).json()
    assert len(more["rows"]) == 2 and max(r["id"] for r in more["rows"]) < page["next_before_id"]
    jobs = client.get("/v1/audit?path=/v1/jobs", headers=a).json()["rows"]
    assert jobs and all(r["path"].startswith("/v1/jobs") for r in jobs)
    future = client.get("/v1/audit?since=2100-01-01T00:00:00Z", headers=a).json()["rows"]
    assert future == []


def test_chain_finds_removed_and_altered_rows(client: TestClient) -> None:
    for _ in range(6):
        client.get("/v1/reference/provinces", headers=auth("planner"))
    engine = client.app.state.services.engine  # type: ignore[attr-defined]
    with make_sessionmaker(engine)() as s:
        assert verify_chain(s).problems == []
        ids = list(s.scalars(select(AuditRow.id).order_by(AuditRow.id)))
        s.execute(update(AuditRow).where(AuditRow.id == ids[2]).values(status_code=201))
        s.commit()
        assert any("altered" in p for p in verify_chain(s).problems)
        s.execute(update(AuditRow).where(AuditRow.id == ids[2]).values(status_code=200))
        s.commit()
        assert verify_chain(s).problems == []
        s.execute(text("DELETE FROM audit WHERE id = :i"), {"i": ids[3]})
        s.commit()
        assert any("removed" in p for p in verify_chain(s).problems)


def test_a_refused_row_fails_its_request_closed_and_takes_no_other(client: TestClient,
                                                                   db_url: str) -> None:
    """A database trigger refuses rows of one path: that request is 503, concurrent ones of
    other callers are answered and recorded."""
    engine = client.app.state.services.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        if db_url.startswith("sqlite"):
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON audit WHEN NEW.path LIKE "
                              "'%poison%' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:
            conn.execute(text("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.path "
                              "LIKE '%poison%' THEN RAISE EXCEPTION 'refused'; END IF; RETURN "
                              "NEW; END $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON audit FOR EACH ROW "
                              "EXECUTE FUNCTION refuse()"))

    def call(i: int) -> tuple[int, str]:
        path = "/v1/poison" if i % 5 == 0 else "/v1/reference/provinces"
        r = client.get(path, headers=auth("planner"))
        return r.status_code, r.headers["x-request-id"]

    with cf.ThreadPoolExecutor(8) as pool:
        out = list(pool.map(call, range(40)))
    poisoned = [rid for i, (code, rid) in enumerate(out) if i % 5 == 0]
    assert all(code == 503 for i, (code, _) in enumerate(out) if i % 5 == 0)
    good = {rid for i, (code, rid) in enumerate(out) if i % 5 and code == 200}
    assert len(good) == 32
    stored = {r.request_id for r in _rows(client)}
    assert good <= stored and not set(poisoned) & stored
    with make_sessionmaker(engine)() as s:
        assert verify_chain(s).problems == []


def test_kill_9_under_50_readers_loses_no_answered_row(db_url: str, tmp_path: Path) -> None:
    tokens = [t[1].model_dump(mode="json") for t in TOKENS.values()]
    proc, base = start_server(db_url, tokens, tmp_path / "log.txt")
    port = int(base.rsplit(":", 1)[1])
    answered: list[str] = []
    try:
        h = auth("planner")

        def reader(i: int) -> None:
            with httpx.Client(base_url=base, headers=h, timeout=10) as c:
                for k in range(40):
                    try:
                        r = c.get("/v1/jobs" if k % 2 else "/v1/reference/provinces")
                    except httpx.HTTPError:
                        return  # the service is gone
                    answered.append(r.headers["x-request-id"])

        with cf.ThreadPoolExecutor(50) as pool:
            futures = [pool.submit(reader, i) for i in range(50)]
            # a poisoned request among them: an absurd method and a NUL in the path
            poison = _raw(port, b"XXXXXXXXXXXXXXXXXXXX /v1/x%00y HTTP/1.1\r\nHost: x\r\n\r\n")
            while len(answered) < 600 and not all(f.done() for f in futures):
                pass
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            cf.wait(futures, timeout=30)
        assert poison.startswith(b"HTTP/1.1 ")
    finally:
        stop_server(proc)
    assert len(answered) >= 300
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        stored = set(s.scalars(select(AuditRow.request_id)))
        odd = s.scalars(select(AuditRow).where(AuditRow.path.like("/v1/x%"))).all()
    engine.dispose()
    lost = set(answered) - stored
    assert not lost, f"{len(lost)} answered requests have no audit row"
    assert [(r.method, r.path) for r in odd] == [("XXXXXXXXXXXXXXXX", "/v1/x%2500y")]
    verify = subprocess.run(
        [str(Path(sys.executable).parent / "coa-plan"), "audit", "verify", "--database-url",
         db_url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout
