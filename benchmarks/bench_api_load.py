"""Bounded load run of the service on loopback: 50 concurrent readers, job submission under load.

Starts ``uvicorn api.asgi:app`` on 127.0.0.1 (a throw-away SQLite file), stores one plan, then runs
50 concurrent clients reading GET /v1/jobs, /v1/plans/latest, /v1/plans/{id} and /v1/jobs/{id}
(bounded by a request count and a wall-clock limit) while one client submits small scenarios.
Prints p50/p95/p99 per route, throughput and the service's CPU time per request.

Each reader pauses between its requests for a random time (exponential, mean ``--think-ms``,
100 ms by default: 50 people each sending ten requests a second, about 450 requests/s), on its
own clock, so requests arrive as from independent people. ``--think-ms 0`` is a closed loop (each
reader sends its next request the moment the last is answered): a capacity test, where the
latency is the number of readers divided by the throughput whatever the service does.

The load generator shares the machine with the service, so it must be cheap: by default each
client is one keep-alive HTTP/1.1 connection driven by plain asyncio streams (``--client raw``).
``--client httpx`` uses one httpx.AsyncClient pool as before; on 2 cores httpx itself costs a few ms
of CPU per request and then dominates the measured latency.

    .venv/bin/python benchmarks/bench_api_load.py [--clients 50] [--requests 3000] [--submits 20]
        [--think-ms 100] [--postgres [DSN]] [--processes N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.core.config import Role  # noqa: E402
from api.tokens import new_token  # noqa: E402


def _tiny_scenario(seed: int) -> dict[str, object]:
    hh = [{"id": f"A{i}", "size": 1, "status": "arrival", "location": "L001", "track": "kansrijk"}
          for i in range(4)]
    hh += [{"id": f"S{i}", "size": 1 + (i + seed) % 3, "status": "status_holder",
            "location": "Z27", "track": "kansrijk"} for i in range(4)]
    loc = {"cost_per_bed_day": 68.0, "accepts_families": True, "school_nearby": True}
    return {
        "week": "2026-W48", "half_year": {"id": "2026-H2", "weeks_left": 5},
        "locations": [
            {**loc, "id": "L001", "name": "GVL", "gm_code": "GM1950", "kind": "gvl",
             "capacity": 20, "residents": 4},
            {**loc, "id": "Z27", "name": "AZC", "gm_code": "GM0363", "kind": "azc",
             "capacity": 40, "residents": 20},
        ],
        "municipalities": [{"gm_code": "GM0363", "quota": 20 + seed}],
        "households": hh,
    }


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))] * 1000


def _report(
    read_lat: list[float], sub_lat: list[float], codes: Any, sub_codes: Any, wall: float
) -> int:
    """Print reads and submissions; exit status 0 when the p95 target holds and nothing was 5xx."""
    _summary("reads (all four routes)", read_lat, wall)
    if not sub_lat:
        return 1
    print(f"job submissions under that load; codes {sub_codes}")
    _summary("POST /v1/jobs", sub_lat, wall)
    ok = _pct(sub_lat, 95) < 100
    print(f"submission p95 < 100 ms: {'yes' if ok else 'NO'}")
    return 0 if ok and all(k < 500 for k in (*codes, *sub_codes)) else 1


def _summary(name: str, lat: list[float], wall: float) -> None:
    print(f"{name:<28} n={len(lat):5d}  p50={_pct(lat, 50):7.1f} ms  p95={_pct(lat, 95):7.1f} ms  "
          f"p99={_pct(lat, 99):7.1f} ms  mean={statistics.mean(lat) * 1000:6.1f} ms  "
          f"throughput={len(lat) / wall:6.1f} req/s")


class RawConn:
    """One keep-alive HTTP/1.1 connection on asyncio streams (answers with Content-Length)."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection(self.host, self.port)
        assert self.r is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
                f"Authorization: Bearer {self.token}\r\nContent-Length: {len(body)}\r\n")
        if body:
            head += "Content-Type: application/json\r\n"
        self.w.write(head.encode() + b"\r\n" + body)
        status_line = await self.r.readline()
        length, close = 0, False
        while (line := await self.r.readline()) not in (b"\r\n", b""):
            k, _, v = line.decode("latin-1").partition(":")
            if k.lower() == "content-length":
                length = int(v)
            elif k.lower() == "connection" and v.strip().lower() == "close":
                close = True
        await self.r.readexactly(length)
        if close:
            self.w.close()
            self.w = None
        return int(status_line.split()[1])


def _cpu_s(pid: int) -> float:
    """utime + stime of a process and its live children (the N API processes of
    ``serve --workers N``; the worker and its solves count too), seconds (Linux /proc)."""
    stats: dict[int, list[str]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stats[int(d.name)] = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
    if pid not in stats:
        return float("nan")
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for p, f in stats.items():
            if int(f[1]) == parent and p not in tree:
                tree.add(p)
                todo.append(p)
    ticks = sum(int(stats[p][11]) + int(stats[p][12]) for p in tree)
    return ticks / os.sysconf("SC_CLK_TCK")


class HttpxConn:
    """The same ``request`` on one shared httpx.AsyncClient pool."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def request(self, method: str, path: str, body: bytes = b"") -> int:
        headers = {"Content-Type": "application/json"} if body else None
        r = await self.client.request(method, path, content=body or None, headers=headers)
        return r.status_code


async def _run(base: str, token: str, clients: int, requests: int, submits: int,
               limit_s: float, client: str = "raw", server_pid: int = 0,
               paths: list[str] | None = None, think_s: float = 0.0) -> int:
    if client == "raw":
        host, port = base.removeprefix("http://").split(":")
        how = "raw keep-alive connections" + (f", {think_s * 1000:g} ms between requests"
                                              if think_s else ", closed loop")
        return await _load(lambda: RawConn(host, int(port), token), clients, requests, submits,
                           limit_s, server_pid, how, paths, think_s)
    limits = httpx.Limits(max_connections=clients + 5, max_keepalive_connections=clients + 5)
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"},
                                 timeout=30, limits=limits) as c:
        return await _load(lambda: HttpxConn(c), clients, requests, submits, limit_s,
                           server_pid, "one httpx pool")


async def _load(connect: Any, clients: int, requests: int, submits: int, limit_s: float,
                server_pid: int, how: str, paths: list[str] | None = None,
                think_s: float = 0.0) -> int:
    """``clients`` readers and one submitter, each on a connection from ``connect()``. Every
    answer has its audit row committed first (the durable audit of issue 13). With ``think_s``
    each reader pauses between its requests for a random time of that mean (exponential, seeded
    per reader: people reading, each on their own clock, not a closed loop and not in step)."""
    paths = paths or ["/v1/jobs", "/v1/plans/latest"]
    by_path: dict[str, list[float]] = {p: [] for p in paths}
    read_lat: list[float] = []
    codes: dict[int, int] = {}
    sub_lat: list[float] = []
    sub_codes: dict[int, int] = {}
    left = requests
    deadline = time.monotonic() + limit_s

    async def reader(i: int) -> None:
        nonlocal left
        conn, k = connect(), i
        pause = random.Random(i)
        if think_s:  # readers start at random moments, as people do
            await asyncio.sleep(pause.uniform(0, think_s))
        while left > 0 and time.monotonic() < deadline:
            left -= 1
            t0 = time.perf_counter()
            path = paths[k % len(paths)]
            code = await conn.request("GET", path)
            read_lat.append(time.perf_counter() - t0)
            by_path[path].append(read_lat[-1])
            codes[code] = codes.get(code, 0) + 1
            k += 1
            if think_s:
                await asyncio.sleep(pause.expovariate(1 / think_s))

    async def submitter() -> None:
        conn = connect()
        await asyncio.sleep(0.5)
        for i in range(submits):
            if time.monotonic() > deadline:
                break
            body = json.dumps(_tiny_scenario(i)).encode()
            t0 = time.perf_counter()
            code = await conn.request("POST", "/v1/jobs", body)
            sub_lat.append(time.perf_counter() - t0)
            sub_codes[code] = sub_codes.get(code, 0) + 1
            await asyncio.sleep(0.25)

    cpu0, own0 = _cpu_s(server_pid), time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(submitter(), *(reader(i) for i in range(clients)))
    wall = time.perf_counter() - t0
    cpu, own = _cpu_s(server_pid) - cpu0, time.process_time() - own0
    n = len(read_lat) + len(sub_lat)
    print(f"{clients} concurrent readers ({how}), {len(read_lat)} reads in {wall:.1f} s; "
          f"codes {codes}")
    print(f"service CPU {cpu:.1f} s for {n} requests = {cpu / max(n, 1) * 1000:.2f} ms/request "
          f"(solves run in child processes, not counted); load generator CPU {own:.1f} s; "
          f"load average {os.getloadavg()}")
    for name, lat in by_path.items():
        if lat:
            last = name.rsplit("/", 1)[-1]
            _summary(f"  GET {name.replace(last, '{id}') if len(last) == 36 else name}", lat, wall)
    ok_reads = _pct(read_lat, 95) < 100
    print(f"read p95 < 100 ms: {'yes' if ok_reads else 'NO'}")
    return _report(read_lat, sub_lat, codes, sub_codes, wall) or (0 if ok_reads else 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--submits", type=int, default=20)
    ap.add_argument("--time-limit", type=float, default=90.0)
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw")
    ap.add_argument("--think-ms", type=float, default=100.0,
                    help="mean pause of each reader between its requests, exponential (0: a closed "
                    "loop, where latency is clients / throughput)")
    ap.add_argument("--postgres", metavar="DSN", nargs="?", const="postgresql://postgres@127.0.0.1/test",
                    help="run the service on this PostgreSQL (an own schema, dropped afterwards) "
                    "instead of a throw-away SQLite file")
    ap.add_argument("--processes", type=int, default=1,
                    help="API processes (`coa-plan serve --workers N`, a worker beside them)")
    a = ap.parse_args()
    if a.postgres:
        import psycopg

        schema = f"bench_{os.getpid()}"
        with psycopg.connect(a.postgres, autocommit=True) as c:
            c.execute(f"CREATE SCHEMA {schema}")
        try:
            url = a.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
            return _serve_and_load(a, f"{url}?options=-csearch_path%3D{schema}")
        finally:
            with psycopg.connect(a.postgres, autocommit=True) as c:
                c.execute(f"DROP SCHEMA {schema} CASCADE")
    with tempfile.TemporaryDirectory(prefix="coa-bench-") as tmp:
        return _serve_and_load(a, f"sqlite:///{tmp}/bench.db")


def _serve_and_load(a: argparse.Namespace, database_url: str) -> int:
    print(f"database: {database_url.split('://')[0]}, API processes: {a.processes}")
    token, entry = new_token("bench", Role.planner)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        env = {**os.environ, "COA_API_DATABASE_URL": database_url,
               "COA_API_TOKENS": json.dumps([entry.model_dump(mode="json")]),
               "COA_API_QUEUE_SIZE": "100"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--workers", str(a.processes)],
            cwd=ROOT, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            h = {"Authorization": f"Bearer {token}"}
            job = httpx.post(f"{base}/v1/jobs", json=_tiny_scenario(0), headers=h).json()
            while httpx.get(f"{base}/v1/jobs/{job['id']}", headers=h).json()["status"] in (
                "queued", "running"
            ):
                time.sleep(0.1)
            done = httpx.get(f"{base}/v1/jobs/{job['id']}", headers=h).json()
            paths = ["/v1/jobs", "/v1/plans/latest", f"/v1/plans/{done['plan_id']}",
                     f"/v1/jobs/{job['id']}"]  # the last two are not cached by the service
            print(f"load average before: {os.getloadavg()}")
            return asyncio.run(_run(base, token, a.clients, a.requests, a.submits, a.time_limit,
                                    a.client, proc.pid, paths, a.think_ms / 1000))
        finally:
            proc.terminate()
            proc.wait(15)


if __name__ == "__main__":
    raise SystemExit(main())
