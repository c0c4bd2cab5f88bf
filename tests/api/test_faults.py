"""Faults of the solve processes and of clients: a crashed solver is retried once in a new process,
then failed with the signal; the wall-clock and memory caps; what-if studies in their own lane;
the header timeout of ``coa-plan serve`` against a slow client."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.child import failure
from api.main import create_app
from tests.api.api_server_helper import ROOT, start_server, stop_server
from tests.api.conftest import TOKENS, auth, make_settings, tiny_scenario, wait_job
from tests.api.test_whatif import TINY


def _submit(c: TestClient) -> str:
    r = c.post("/v1/jobs", json=tiny_scenario(), headers=auth("planner"))
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def test_crashed_solver_is_retried_once_then_failed(db_url: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    with TestClient(create_app(make_settings(db_url))) as c:
        jobs = c.app.state.services.jobs  # type: ignore[attr-defined]
        jobs.faults = {"allocate": "kill-once"}  # the first process dies, the retry solves
        with caplog.at_level(logging.WARNING, logger="api.jobs"):
            once = wait_job(c, _submit(c))
        assert once["status"] == "done" and once["plan"], once
        assert "the solver process ended (signal 9); retried once in a new process" in caplog.text
        jobs.faults = {"allocate": "kill"}  # both processes die
        twice = wait_job(c, _submit(c))
        assert twice["status"] == "failed"
        assert twice["error"] == "the solver process ended (signal 9)"


def test_wall_clock_cap_stops_the_solver(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'wall.db'}", job_wall_s=1.0)
    with TestClient(create_app(settings)) as c:
        c.app.state.services.jobs.faults = {"allocate": "hang"}  # type: ignore[attr-defined]
        t0 = time.monotonic()
        job = wait_job(c, _submit(c), timeout=20)
        assert time.monotonic() - t0 < 10  # stopped at the cap, not retried into a second hour
        assert job["status"] == "failed"
        assert job["error"] == ("the job ran longer than its wall-clock limit of 1 s and was "
                                "stopped")


def test_memory_cap_of_a_solve_process() -> None:
    """The address-space cap that :func:`api.child.guard` sets in every solve process makes a
    larger allocation fail there (and only there), and the job says so in planner words."""
    code = ("from api.child import guard\n"
            "guard(None, 256)\n"
            "try:\n    bytearray(512 * 2**20)\nexcept MemoryError:\n    print('capped')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "capped", out.stderr[-2000:]
    try:
        raise MemoryError
    except MemoryError as e:
        _, (public, _detail) = failure(e, "weekly allocation")
    assert public == ("the weekly allocation needed more memory than a job may use "
                      "(COA_API_JOB_MEMORY_MB)")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_weekly_allocation_never_waits_behind_studies(db_url: str) -> None:
    settings = make_settings(db_url, workers=1, whatif_workers=1)
    with TestClient(create_app(settings)) as c:
        c.app.state.services.jobs.faults = {"whatif": "hang"}  # type: ignore[attr-defined]
        studies = []
        for _ in range(2):  # one running (forever), one queued behind it in the study lane
            r = c.post("/v1/whatif", json=TINY, headers=auth("analyst"))
            assert r.status_code == 202, r.text
            studies.append(r.json()["id"])
        end = time.monotonic() + 20
        while c.get(f"/v1/whatif/{studies[0]}", headers=auth("analyst")).json()["status"] \
                != "running":
            assert time.monotonic() < end, "the study never started"
            time.sleep(0.05)
        job = wait_job(c, _submit(c), timeout=30)
        assert job["status"] == "done", job
        states = [c.get(f"/v1/whatif/{s}", headers=auth("analyst")).json()["status"]
                  for s in studies]
        assert states == ["running", "queued"]
        for s in studies:
            assert c.delete(f"/v1/whatif/{s}", headers=auth("analyst")).status_code == 200


def test_slow_client_is_cut_off_by_the_header_timeout(tmp_path: Path) -> None:
    """A slowloris client (a header line every 0.3 s, never the blank line) is closed after
    COA_API_HEADER_TIMEOUT_S; a normal request on another connection is answered meanwhile."""
    tokens = [t[1].model_dump(mode="json") for t in TOKENS.values()]
    proc, base = start_server(f"sqlite:///{tmp_path / 'slow.db'}", tokens, tmp_path / "log.txt",
                              serve=True, env={"COA_API_HEADER_TIMEOUT_S": "1"})
    port = int(base.rsplit(":", 1)[1])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
            t0, closed = time.monotonic(), False
            while time.monotonic() - t0 < 5:
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                    s.settimeout(0.3)
                    if s.recv(1024) == b"":
                        closed = True
                        break
                except TimeoutError:
                    continue
                except OSError:  # reset by the server
                    closed = True
                    break
            cut_after = time.monotonic() - t0
        assert closed and 0.8 < cut_after < 2.5, cut_after
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(1024).startswith(b"HTTP/1.1 200")
    finally:
        stop_server(proc)

