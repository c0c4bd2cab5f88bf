"""Start the service as a real uvicorn subprocess on a free loopback port (crash and page tests)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_url: str, tokens: list[dict[str, object]], log: Path,
                 port: int | None = None, serve: bool = False,
                 env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn api.asgi:app (``serve``: ``coa-plan serve``, with its header timeout and
    connection cap) in its own process, with ``env`` added; returns it and the base URL once it
    answers."""
    port = port or free_port()
    env = {**os.environ, "COA_API_DATABASE_URL": db_url, "COA_API_TOKENS": json.dumps(tokens),
           **(env or {})}
    server = ["api.cli"] if serve else ["uvicorn", "api.asgi:app"]
    proc = subprocess.Popen(
        [sys.executable, "-m", *server, "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"service exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"service did not answer within 60 s: {log.read_text()[-2000:]}")


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc; zombies count as ended)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(d.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in out:
                out.add(c)
                todo.append(c)
    return out


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (not ended, not zombies)."""
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            out.add(pid)
    return out


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a service started here (terminate, then kill)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
