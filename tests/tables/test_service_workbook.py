"""The service takes a week as an .xlsx body: a job like the JSON submission, or a 422 whose
entries locate each bad cell by sheet, row and column."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.main import create_app
from api.routes.uploads import XLSX, cell_loc
from optimizer.documents.scenario import Scenario
from optimizer.tables.workbook import write_scenario
from tests.api.conftest import auth, make_settings, tiny_scenario, wait_job


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(f"sqlite:///{tmp_path / 'service.db'}"))) as c:
        yield c


def _workbook(tmp_path: Path) -> Path:
    p = tmp_path / "week.xlsx"
    write_scenario(Scenario.model_validate(tiny_scenario()), p)
    return p


def test_workbook_submission_solves(client: TestClient, tmp_path: Path) -> None:
    body = _workbook(tmp_path).read_bytes()
    r = client.post("/v1/jobs/workbook", content=body, headers={**auth("planner"), "Content-Type": XLSX})
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"])
    assert job["status"] == "done" and job["plan"]["status"] in ("optimal", "feasible")


def test_bad_cell_is_a_422_with_its_location(client: TestClient, tmp_path: Path) -> None:
    p = _workbook(tmp_path)
    wb = load_workbook(p)
    ws = wb["households"]
    header = [c.value for c in ws[1]]
    ws.cell(4, header.index("size") + 1).value = 0
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post("/v1/jobs/workbook", content=buf.getvalue(),
                    headers={**auth("planner"), "Content-Type": XLSX})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail == [{"loc": ["body", "households", 4, "size"],
                       "msg": "households row 4, column size: must be at least 1 (got 0)",
                       "type": "invalid_cell"}]


def test_not_a_workbook(client: TestClient) -> None:
    r = client.post("/v1/jobs/workbook", content=b"{}",
                    headers={**auth("planner"), "Content-Type": "application/json"})
    assert r.status_code == 415
    r = client.post("/v1/jobs/workbook", content=b"PK not really",
                    headers={**auth("planner"), "Content-Type": XLSX})
    assert r.status_code == 422 and "not an Excel workbook" in r.json()["detail"][0]["msg"]


def test_cell_loc() -> None:
    assert cell_loc("locations rows 2, 3, column id: duplicate id 'L2'") == ["body", "locations", 2, "id"]
    assert cell_loc("scenario row 5, column value (policy.occupancy_min): x") == ["body", "scenario", 5, "value"]
    assert cell_loc("no sheet 'pins'") == ["body"]
