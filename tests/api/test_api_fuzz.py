"""Schemathesis against the OpenAPI schema, bounded: no 5xx and every answer matches the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from conftest import auth, make_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app


def _app():  # type: ignore[no-untyped-def]
    """An app on a throw-away SQLite file; the lifespan is not run, so queued solves stay queued
    (the fuzzer checks the HTTP contract, not the solver). The queue is large enough for every
    valid submission the fuzzer makes (a default RunSpec is valid): a 503 counts as a server
    error here."""
    import tempfile

    db = Path(tempfile.mkdtemp(prefix="coa-fuzz-")) / "fuzz.db"
    return create_app(make_settings(f"sqlite:///{db}", queue_size=200))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())
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


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.parametrize("who", ["planner", "sup27"])
def test_api_contract(case: schemathesis.Case, who: str) -> None:
    response = case.call_and_validate(headers=auth(who), checks=CHECKS)
    assert response.status_code < 500
