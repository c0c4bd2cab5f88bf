"""The CLI: generate, validate, allocate, demo, schema; bad files give a message and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.documents.schemas import DOCUMENTS, schema_text

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("cli") / "scenario.json"
    r = runner.invoke(app, ["scenario", "--scale", "0.05", "--seed", "3", "-o", str(p)])
    assert r.exit_code == 0, r.output
    return p


def test_scenario_is_seeded(small_scenario: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    r = runner.invoke(app, ["scenario", "--scale", "0.05", "--seed", "3", "-o", str(again)])
    assert r.exit_code == 0
    assert again.read_bytes() == small_scenario.read_bytes()


def test_validate_ok(small_scenario: Path) -> None:
    r = runner.invoke(app, ["validate", str(small_scenario)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


def test_allocate_writes_a_plan(small_scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    r = runner.invoke(app, ["allocate", str(small_scenario), "-o", str(out), "--time-limit", "30"])
    assert r.exit_code == 0, r.output
    plan = json.loads(out.read_text())
    assert plan["status"] in ("optimal", "feasible", "infeasible")
    for key in (
        "objective",
        "bound",
        "gap",
        "solve_seconds",
        "placements",
        "links",
        "unplaced",
        "kpis",
    ):
        assert key in plan
    assert "Plan 2026-W48" in r.output


def test_bad_file_exit_2_with_field_path(small_scenario: Path, tmp_path: Path) -> None:
    d = json.loads(small_scenario.read_text())
    d["households"][0]["size"] = -1
    d["municipalities"][0]["gm_code"] = "GM12"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d))
    for cmd in ("validate", "allocate"):
        r = runner.invoke(app, [cmd, str(bad)])
        assert r.exit_code == 2
        assert "households[0].size" in r.output and "(got -1)" in r.output
        assert "municipalities[0].gm_code" in r.output
        assert "Traceback" not in r.output


def test_unknown_gm_code_exit_2(small_scenario: Path, tmp_path: Path) -> None:
    d = json.loads(small_scenario.read_text())
    old = d["municipalities"][0]["gm_code"]
    d["municipalities"][0]["gm_code"] = "GM9999"
    for h in d["households"]:
        if h.get("linked_gm_code") == old:
            h["linked_gm_code"] = None
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d))
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2
    assert "'GM9999' is not a CBS 2024 municipality" in r.output


def test_missing_and_broken_files_exit_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(tmp_path / "nope.json")])
    assert r.exit_code == 2 and "cannot read the file" in r.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    r = runner.invoke(app, ["allocate", str(broken)])
    assert r.exit_code == 2 and "not valid JSON" in r.output


def test_failed_allocate_keeps_the_existing_plan(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_text('{"kept": true}')
    broken = tmp_path / "broken.json"
    broken.write_text("[]")
    r = runner.invoke(app, ["allocate", str(broken), "-o", str(out)])
    assert r.exit_code == 2
    assert out.read_text() == '{"kept": true}'


def test_demo_small(tmp_path: Path) -> None:
    r = runner.invoke(app, ["demo", "--scale", "0.05", "--out-dir", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "scenario.json").exists() and (tmp_path / "plan.json").exists()
    assert "greedy baseline" in r.output


def test_published_schemas_are_current() -> None:
    for name, model in DOCUMENTS.items():
        committed = (ROOT / "docs" / "schemas" / f"{name}.schema.json").read_text()
        assert committed == schema_text(model), f"run `coa-plan schema` to update {name}"


def test_cli_start_imports_no_heavy_library() -> None:
    """`coa-plan --help` and the start of every command load none of the solvers, pandas,
    plotting, GIS, Excel or Dask (the commands import them when they run)."""
    import subprocess
    import sys

    heavy = (
        "pyomo", "highspy", "ortools", "matplotlib", "geopandas", "pandas", "pandera", "dask",
        "openpyxl", "fastapi", "numpy", "scipy", "sqlalchemy", "uvicorn",
    )  # fmt: skip
    code = f"import sys, coa_plan.cli; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "", f"imported at start: {out.stdout.strip()}"
