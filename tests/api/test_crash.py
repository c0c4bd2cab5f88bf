"""Crash test: kill -9 the service while a solve runs: its solver processes end within 2 s; start
it again: the job completes or is failed with a reason, and what was stored before is still
there."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx

from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from tests.api.api_server_helper import alive, descendants, start_server, stop_server
from tests.api.conftest import TOKENS, tiny_scenario

H = {"Authorization": f"Bearer {TOKENS['planner'][0]}"}


def _wait(base: str, job_id: str, states: tuple[str, ...], timeout: float) -> dict[str, object]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = httpx.get(f"{base}/v1/jobs/{job_id}", headers=H, timeout=10).json()
        if body["status"] in states:
            return body  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} not in {states} after {timeout}s: {body}")


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def test_kill_while_solving_then_restart(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'crash.db'}"
    tokens = [t[1].model_dump(mode="json") for t in TOKENS.values()]
    log = tmp_path / "service.log"
    proc, base = start_server(db, tokens, log)
    try:
        first = httpx.post(f"{base}/v1/jobs", json=tiny_scenario(), headers=H, timeout=30).json()
        first = _wait(base, first["id"], ("done", "failed"), 60)
        assert first["status"] == "done"
        # a week that takes seconds to solve (at scale 0.05 it was done within half a second once
        # the solve got faster), and the solve process looked for until it is there
        big = generate_scenario(ScenarioSpec(seed=2, scale=0.3)).model_dump(mode="json")
        job = httpx.post(f"{base}/v1/jobs?time_limit_s=60", json=big, headers=H, timeout=30)
        assert job.status_code == 202
        _wait(base, job.json()["id"], ("running",), 30)
        end = time.monotonic() + 10.0
        solvers = descendants(proc.pid)  # the forkserver and the solve process under it
        while not any(_ppid(p) in solvers for p in solvers) and time.monotonic() < end:
            time.sleep(0.05)
            solvers = descendants(proc.pid)
        assert any(_ppid(p) in solvers for p in solvers), "no solve process under the forkserver"
        os.kill(proc.pid, signal.SIGKILL)  # the crash
        proc.wait(10)
        end = time.monotonic() + 2.0
        while alive(solvers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not alive(solvers), "solver processes outlived the service by more than 2 s"
    finally:
        stop_server(proc)
    proc, base = start_server(db, tokens, log)
    try:
        after = _wait(base, job.json()["id"], ("done", "failed"), 120)
        if after["status"] == "failed":
            assert after["error"], "a failed job names its reason"
        else:
            assert after["attempts"] == 2 and after["plan"]
            assert "service restarted while running" in str(after["error"])
        kept = httpx.get(f"{base}/v1/jobs/{first['id']}", headers=H, timeout=10).json()
        assert kept["status"] == "done" and kept["plan"] == first["plan"]
        plans = httpx.get(f"{base}/v1/plans", headers=H, timeout=10).json()
        assert first["plan_id"] in {p["id"] for p in plans}
    finally:
        stop_server(proc)
