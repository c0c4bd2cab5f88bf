"""Issue 13's examples, on SQLite and PostgreSQL: every odd input is a 4xx with a reason (never a
500 or a broken record), limits answer before work, errors carry no internals, headers."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.audit import safe_text
from api.main import create_app
from tests.api.conftest import auth, make_settings, solved_plan, tiny_scenario

PLANNER = auth("planner")


def _submit(c: TestClient, body: Any) -> Any:
    return c.post("/v1/jobs", json=body, headers=PLANNER)


def _with(path: list[str | int], value: Any) -> dict[str, Any]:
    s = copy.deepcopy(tiny_scenario())
    node: Any = s
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return s


@pytest.fixture(scope="module")
def client(backend_client: TestClient) -> TestClient:
    """One app per backend for the module: every test here is a refusal or stores only what
    its own request sent."""
    return backend_client


@pytest.mark.parametrize(("path", "value", "says"), [
    (["locations", 0, "cost_per_bed_day"], float("inf"), "finite"),
    (["policy"], {"move_eur_per_person": float("nan")}, "finite"),
    (["locations", 0, "capacity"], 10**30, "fit in 64 bits"),
    (["locations", 0, "capacity"], 2**40, "less than or equal"),
    (["households", 0, "size"], True, "not true or false"),
    (["households", 0, "amv"], "yes", "true or false"),
    (["locations", 0, "accepts_families"], 1, "true or false"),
    (["households", 0, "size"], "2", "not a string"),
    (["week"], "２０２６-W48", "ISO week"),
    (["locations", 0, "gm_code"], "GM１９５０", "pattern"),
    (["locations", 0, "name"], "a\x00b", "NUL"),
    (["locations", 0, "name"], "\ud800", "hex escape"),
    (["locations", 0, "name"], "x" * 201, "at most 200"),
    (["households", 0, "id"], "H 1", "pattern"),
    (["households"], [], "nothing to plan"),
    (["locations"], [], "at least 1"),
    (["nationality"], "SY", "Extra inputs"),
])
def test_bad_scenarios_are_422_with_a_reason(client: TestClient, path: list[Any], value: Any,
                                             says: str) -> None:
    import json

    body = json.dumps(_with(path, value), allow_nan=True)  # send Infinity/NaN/surrogates raw
    r = client.post("/v1/jobs", content=body.encode("utf-8", "surrogatepass"),
                    headers={**PLANNER, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid_input" and says in r.text, r.text
    assert r.headers["x-request-id"] == r.json()["request_id"]


def test_quota_compute_is_strict_and_bounded(client: TestClient) -> None:
    for body in ({"half_year": "2026-H2", "national": 10**30},
                 {"half_year": "2026-H2", "national": 100, "nationality": "SY"},
                 {"half_year": "2026-H2", "national": True},
                 {"half_year": "２０２６-H2", "national": 100}):
        r = client.post("/v1/quotas/compute", json=body, headers=PLANNER)
        assert r.status_code == 422, (body, r.text)
    assert client.post("/v1/quotas/compute", json={"half_year": "2026-H2", "national": 100},
                       headers=PLANNER).status_code == 200


def test_whatif_names_and_size_are_bounded(client: TestClient) -> None:
    bad_name = client.post("/v1/whatif", content=b'{"name": "\\ud800x"}',
                           headers={**PLANNER, "Content-Type": "application/json"})
    assert bad_name.status_code == 422 and "surrogate" in bad_name.text
    huge = client.post("/v1/whatif", headers=PLANNER, json={
        "seeds": list(range(1000)), "variants": [{"name": f"v{i}"} for i in range(50)],
        "inflows": ["steady", "2019", "2015-peak"], "horizon_weeks": 104})
    assert huge.status_code == 422 and "COA_API_WHATIF_MAX_RUN_WEEKS" in huge.text


def test_odd_ids_in_paths_are_404_on_every_backend(client: TestClient) -> None:
    for path in ("/v1/jobs/a%00b", "/v1/plans/a%00b", "/v1/sequences/%00", "/v1/whatif/x%00",
                 "/v1/scenarios/%00", "/v1/plans/a%00b/sequence", "/v1/plans/%00/explanation",
                 "/v1/jobs/" + "f" * 5000):
        r = client.get(path, headers=PLANNER)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["code"] == "not_found" and len(r.text) < 400


def test_scenario_keys_are_full_sha256_and_read_back(client: TestClient) -> None:
    job = solved_plan(client)
    assert len(job["scenario_hash"]) == 64
    r = client.get(f"/v1/scenarios/{job['scenario_hash']}", headers=PLANNER)
    assert r.status_code == 200 and r.json()["week"] == "2026-W48"
    assert client.get(f"/v1/scenarios/{job['scenario_hash'][:16]}",
                      headers=PLANNER).status_code == 404


def test_body_limit_is_413_before_authentication(client: TestClient) -> None:
    big = b"[" + b"0," * (17 * 2**20) + b"0]"  # 34 MB, above the default 32 MB
    r = client.post("/v1/jobs", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"


def test_only_the_owner_or_an_admin_cancels(client: TestClient) -> None:
    job = client.post("/v1/jobs?time_limit_s=30", json=tiny_scenario(), headers=PLANNER).json()
    other = client.delete(f"/v1/jobs/{job['id']}", headers=auth("planner2"))
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    assert client.delete(f"/v1/jobs/{job['id']}", headers=auth("admin")).status_code == 200


def test_security_headers_and_self_hosted_docs(client: TestClient) -> None:
    r = client.get("/v1/jobs", headers=PLANNER)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    for page in ("/docs", "/redoc", "/app"):
        html = client.get(page).text
        assert "http://" not in html and "https://" not in html, page
        assert "script-src 'self'" in client.get(page).headers["content-security-policy"]
    assert client.get("/static/docs/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/docs/redoc.standalone.js").status_code == 200


def test_no_route_parses_its_body_on_the_event_loop(tmp_path: Path) -> None:
    """FastAPI validates a ``Body()`` parameter on the event loop; every route taking a document
    reads it with ``api.body.read_body`` instead (validated in a thread), and still publishes
    the document's schema as its request body."""
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'routes.db'}"))
    routes = [r for r in app.routes if isinstance(r, APIRoute)]
    assert [r.path for r in routes if r.body_field is not None] == []
    spec = app.openapi()["paths"]
    for path in ("/v1/jobs", "/v1/quotas/check", "/v1/quotas/compute",
                 "/v1/quotas/provincial-variant", "/v1/whatif", "/v1/plans/{plan_id}/recommend",
                 "/v1/plans/{plan_id}/sequence"):
        body = spec[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body["$ref"].startswith("#/components/schemas/"), path


def test_database_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "private.db"
    with TestClient(create_app(make_settings(f"sqlite:///{db}"))) as c:
        c.get("/v1/jobs", headers=PLANNER)
        for p in (db, Path(f"{db}-wal")):
            assert os.stat(p).st_mode & 0o777 == 0o600, p


def test_safe_text_escapes_what_a_database_refuses() -> None:
    assert safe_text("/v1/x\x00y", 512) == "/v1/x%00y"
    assert safe_text("\ud800", 16) == "%ED%A0%80"
    assert safe_text("X" * 40, 16) == "X" * 16
    assert len(safe_text("é" * 300, 512)) <= 512
