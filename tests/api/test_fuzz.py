"""Schemathesis against the OpenAPI schema, bounded: no 5xx and every answer matches the schema."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from tests.api.conftest import PG_DSN, PG_URL, _pg_available, auth, make_settings


def _app(db_url: str):  # type: ignore[no-untyped-def]
    """An app on a fresh database; the lifespan is not run, so queued solves stay queued (the
    fuzzer checks the HTTP contract, not the solver). The queues are large enough for every valid
    submission the fuzzer makes: a 503 counts as a server error here."""
    return create_app(make_settings(db_url, queue_size=500, whatif_queue_size=500))


# Every answer waits for its audit row's durable commit; the fuzzer checks the HTTP contract and
# what the databases accept, not durability (the kill -9 tests do), so its SQLite file lives in
# memory-backed /dev/shm where there is one and its PostgreSQL sessions commit without waiting
# for the WAL flush. That is most of the run's time on a busy disk.
_PG_SCHEMA = f"api_fuzz_{uuid.uuid4().hex[:10]}"
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
_TMP = Path(tempfile.mkdtemp(prefix="coa-fuzz-", dir=_SHM))
sqlite_schema = schemathesis.openapi.from_asgi("/openapi.json", _app(f"sqlite:///{_TMP / 'fuzz.db'}"))
_pg_missing = _pg_available()
if _pg_missing is None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True) as _c:
        _c.execute(f"CREATE SCHEMA {_PG_SCHEMA}")
    pg_schema = schemathesis.openapi.from_asgi(
        "/openapi.json",
        _app(f"{PG_URL}?options=-csearch_path%3D{_PG_SCHEMA}%20-csynchronous_commit%3Doff"))
else:
    pg_schema = sqlite_schema


@pytest.fixture(scope="module", autouse=True)
def _drop_pg_schema():  # type: ignore[no-untyped-def]
    yield
    shutil.rmtree(_TMP, ignore_errors=True)
    if _pg_missing is None:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as c:
            c.execute(f"DROP SCHEMA IF EXISTS {_PG_SCHEMA} CASCADE")


# The contract checks: no 5xx, documented status codes, bodies/headers/content types as
# documented. Not run: positive_data_acceptance (the documents have rules beyond JSON Schema, e.g.
# ISO weeks, cross-record consistency and CBS codes, that answer 422 by design), negative-data
# rejection (unknown query parameters are ignored, as FastAPI does) and the Allow header of 405s.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


ROLES = ["planner", "sup27", "analyst", "auditor", "admin"]
_REFUSED: set[tuple[str, str, str]] = set()
"""(backend, operation, role) already answered 403 by the role check. That check runs before the
request's parameters and body are looked at, so every later case of the operation takes the same
path for that role: it is called once, not once per generated case."""


def _roles(case: schemathesis.Case, backend: str) -> list[str]:
    """The roles a case is sent as: each role until its role check refused the operation once;
    ``admin`` only on DELETE (everywhere else it is let through exactly as a planner is, see
    ``api.deps``: stopping someone else's job is its only difference)."""
    label = case.operation.label
    return [who for who in ROLES if (backend, label, who) not in _REFUSED
            and (who != "admin" or case.method.upper() == "DELETE")]


def _check(case: schemathesis.Case, backend: str) -> None:
    for who in _roles(case, backend):
        response = case.call_and_validate(headers=auth(who), checks=CHECKS)
        assert response.status_code < 500, who
        if response.status_code == 403 and "may not do this" in response.text:
            _REFUSED.add((backend, case.operation.label, who))


@sqlite_schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract_sqlite(case: schemathesis.Case) -> None:
    _check(case, "sqlite")


@pg_schema.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_contract_postgresql(case: schemathesis.Case) -> None:
    if _pg_missing is not None:
        if os.environ.get("CI"):
            pytest.fail(_pg_missing)
        pytest.skip(_pg_missing)
    _check(case, "postgresql")
