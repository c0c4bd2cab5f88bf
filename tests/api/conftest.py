"""Fixtures of the API tests: tokens per role, a database per backend (SQLite file, PostgreSQL
schema), an app with its lifespan running, and tiny scenarios that solve in well under a second."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.core.config import Role, Settings
from api.main import create_app
from api.tokens import new_token

PG_URL = os.environ.get(
    "COA_API_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_DSN = PG_URL.replace("postgresql+psycopg://", "postgresql://")
BACKENDS = ["sqlite", "postgresql"]


def _mint(name: str, role: Role, province: str | None = None) -> tuple[str, Any]:
    return new_token(name, role, province)


TOKENS = {
    "planner": _mint("pia-planner", Role.planner),
    "sup27": _mint("sam-supervisor-nh", Role.supervisor, "PV27"),
    "sup26": _mint("sue-supervisor-ut", Role.supervisor, "PV26"),
    "analyst": _mint("ann-analyst", Role.analyst),
    "auditor": _mint("aud-auditor", Role.auditor),
    "admin": _mint("adm-admin", Role.admin),
    "planner2": _mint("pete-planner", Role.planner),
}


def auth(who: str) -> dict[str, str]:
    """Authorization header for one of the test principals."""
    return {"Authorization": f"Bearer {TOKENS[who][0]}"}


def _loc(id: str, gm: str, kind: str, capacity: int, residents: int) -> dict[str, Any]:
    return {"id": id, "name": f"{kind.upper()} {id}", "gm_code": gm, "kind": kind,
            "capacity": capacity, "residents": residents, "cost_per_bed_day": 68.0,
            "accepts_families": True, "school_nearby": True}


def tiny_scenario(arrivals: int = 4, beds: int = 40, closing: bool = False) -> dict[str, Any]:
    """Ter Apel (PV20) with arrivals, an azc in Amsterdam (PV27) and one in Utrecht (PV26) with
    status holders; Amsterdam and Utrecht have quota left. Closing Ter Apel with few ``beds``
    elsewhere -> infeasible."""
    hh: list[dict[str, Any]] = [
        {"id": f"A{i}", "size": 1, "status": "arrival", "location": "L001", "track": "kansrijk"}
        for i in range(arrivals)
    ]
    hh += [{"id": f"S{i}", "size": 1 + i % 3, "status": "status_holder",
            "location": "Z27" if i % 2 else "Z26", "track": "kansrijk"} for i in range(6)]
    return {
        "week": "2026-W48",
        "half_year": {"id": "2026-H2", "weeks_left": 5},
        "locations": [
            {**_loc("L001", "GM1950", "gvl", arrivals + 10, arrivals), "closing": closing},
            _loc("Z27", "GM0363", "azc", beds, 20),
            _loc("Z26", "GM0344", "azc", beds, 20),
        ],
        "municipalities": [
            {"gm_code": "GM0363", "quota": 20},
            {"gm_code": "GM0344", "quota": 20},
        ],
        "households": hh,
    }


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=3):
            return None
    except Exception as e:  # noqa: BLE001 - any failure means: skip with the reason
        return f"PostgreSQL at {PG_DSN} does not answer ({type(e).__name__}: {e})"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh database: an SQLite file, or an own schema in the local PostgreSQL."""
    yield from _database(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_db_url(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per backend for a whole module."""
    yield from _database(request, tmp_path_factory.mktemp("module-db"))


@pytest.fixture(scope="module")
def backend_client(module_db_url: str) -> Iterator[TestClient]:
    """One running app per backend for a whole module: for tests of refusals and of what one
    request stores, which do not need an empty database (an app and its migrations cost more
    than most of these tests)."""
    with TestClient(create_app(make_settings(module_db_url))) as c:
        yield c


def _database(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'service.db'}"
        return
    reason = _pg_available()
    if reason:
        if os.environ.get("CI"):  # .ci/run starts PostgreSQL: there a missing server is a failure
            pytest.fail(reason)
        print(f"SKIP PostgreSQL variant: {reason}")
        pytest.skip(reason)
    import psycopg

    schema = f"api_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_DSN, autocommit=True) as c:
        c.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"DROP SCHEMA {schema} CASCADE")


def make_settings(db_url: str, **kw: Any) -> Settings:
    """Settings with the test tokens."""
    return Settings(database_url=db_url, tokens=[t[1] for t in TOKENS.values()], **kw)


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    """A running app (lifespan started: job dispatcher up) on the backend of ``db_url``."""
    with TestClient(create_app(make_settings(db_url))) as c:
        yield c


@pytest.fixture(scope="module")
def module_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One running app on an SQLite file for a whole module: for modules whose tests only read
    what a module-scoped fixture stored (one solve, not one per test) and check logic that does
    not depend on the database."""
    db = tmp_path_factory.mktemp("module") / "service.db"
    with TestClient(create_app(make_settings(f"sqlite:///{db}"))) as c:
        yield c


def wait_job(c: TestClient, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll a job until it leaves queued/running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = c.get(f"/v1/jobs/{job_id}", headers=auth("planner")).json()
        if body["status"] not in ("queued", "running"):
            return body  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {body['status']} after {timeout}s")


def solved_plan(c: TestClient, scenario: dict[str, Any] | None = None) -> dict[str, Any]:
    """Submit a tiny scenario and wait for the finished job (with its plan)."""
    r = c.post("/v1/jobs", json=scenario or tiny_scenario(), headers=auth("planner"))
    assert r.status_code == 202, r.text
    return wait_job(c, r.json()["id"])
