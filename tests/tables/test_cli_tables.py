"""The command line with workbooks and CSV folders: template, convert, validate, --locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimizer.cli import app
from optimizer.documents.io import load_scenario

runner = CliRunner()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("cli_tables") / "scenario.json"
    r = runner.invoke(app, ["scenario", "--scale", "0.05", "--seed", "3", "-o", str(p)])
    assert r.exit_code == 0, r.output
    return p


def test_template_then_validate(tmp_path: Path) -> None:
    out = tmp_path / "week.xlsx"
    r = runner.invoke(app, ["template", "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["validate", str(out)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


def test_convert_round_trip_json_xlsx_csv(small: Path, tmp_path: Path) -> None:
    xlsx, folder, back = tmp_path / "w.xlsx", tmp_path / "w_csv", tmp_path / "back.json"
    for src, dst, extra in ((small, xlsx, []), (xlsx, folder, ["--excel"]), (folder, back, [])):
        r = runner.invoke(app, ["convert", str(src), "-o", str(dst), *extra])
        assert r.exit_code == 0, r.output
    assert load_scenario(back) == load_scenario(small)
    assert (folder / "households.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_bad_workbook_exit_2_one_line_per_cell(small: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "w.xlsx"
    assert runner.invoke(app, ["convert", str(small), "-o", str(xlsx)]).exit_code == 0
    wb = load_workbook(xlsx)
    ws = wb["households"]
    header = [c.value for c in ws[1]]
    ws.cell(14, header.index("size") + 1).value = 0
    wb.save(xlsx)
    before = xlsx.read_bytes()
    r = runner.invoke(app, ["validate", str(xlsx)])
    assert r.exit_code == 2
    assert "households row 14, column size: must be at least 1 (got 0)" in r.output
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["convert", str(xlsx), "-o", str(tmp_path / "x.json")])
    assert r.exit_code == 2 and not (tmp_path / "x.json").exists()
    assert xlsx.read_bytes() == before


def test_scenario_from_own_register(tmp_path: Path) -> None:
    reg = tmp_path / "locaties.xlsx"
    r = runner.invoke(app, ["template", "-o", str(reg)])
    assert r.exit_code == 0
    out = tmp_path / "week.json"
    r = runner.invoke(app, ["scenario", "--locations", str(reg), "--scale", "0.02", "-o", str(out)])
    assert r.exit_code == 0, r.output
    s = load_scenario(out)
    assert [x.id for x in s.locations] == ["L001", "L002"]
    assert "2 locations" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,name,gm_code,kind,capacity,residents,cost_per_bed_day\nA1,Een,GM0363,col,-4,0,70\n",
        encoding="utf-8",
    )
    r = runner.invoke(app, ["scenario", "--locations", str(bad), "-o", str(tmp_path / "b.json")])
    assert r.exit_code == 2
    assert "locations row 2, column capacity: must be at least 0 (got -4)" in r.output


def test_allocate_to_workbook_csv_and_stdout(small: Path, tmp_path: Path) -> None:
    import csv
    import io
    import json

    xlsx, folder = tmp_path / "plan.xlsx", tmp_path / "plan_csv"
    r = runner.invoke(
        app,
        [
            "allocate",
            str(small),
            "-o",
            str(xlsx),
            "-o",
            str(folder),
            "--excel",
            "--time-limit",
            "20",
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "plan.json").exists()  # the contract is written beside the workbook
    wb = load_workbook(xlsx, read_only=True)
    assert {"summary", "placements", "links", "moves", "locations", "costs"} <= set(wb.sheetnames)
    assert (folder / "moves.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    r = runner.invoke(
        app,
        [
            "allocate",
            str(small),
            "-o",
            str(tmp_path / "p2.json"),
            "--format",
            "json",
            "--time-limit",
            "20",
        ],
    )
    assert r.exit_code == 0
    assert json.loads(r.stdout)["week"] == "2026-W48"
    r = runner.invoke(
        app, ["fairness", str(tmp_path / "p2.json"), "--scenario", str(small), "--format", "csv"]
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and "moved_share" in rows[0]
    r = runner.invoke(
        app,
        [
            "recommend",
            str(tmp_path / "p2.json"),
            "--scenario",
            str(small),
            "--size",
            "3",
            "--status",
            "arrival",
            "--track",
            "kansrijk",
            "--location",
            "L001",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "Best places for NEW1" in r.stdout and "{" not in r.stdout
    r = runner.invoke(
        app, ["recommend", str(tmp_path / "p2.json"), "--scenario", str(small), "--size", "3"]
    )
    assert r.exit_code == 2 and "--status, --location" in r.output


def test_quota_check_by_province_name_with_gis(tmp_path: Path) -> None:
    status = tmp_path / "status.json"
    assert runner.invoke(app, ["quota", "example", "-o", str(status)]).exit_code == 0
    out = tmp_path / "q"
    r = runner.invoke(
        app,
        ["quota", "check", str(status), "--province", "noord holland", "-o", str(out), "--excel"],
    )
    assert r.exit_code == 0, r.output
    assert "PV27" in r.output and "PV26" not in r.output
    for name in ("quota_check.xlsx", "quota_check.gpkg", "quota_check.geojson", "pace_PV27.png"):
        assert (out / name).exists(), name
    head = (out / "quota_check_municipalities.csv").read_text(encoding="utf-8-sig").split("\n")[0]
    assert head.startswith("gm_code;municipality_name;pv_code;province_name")


def test_wide_tables_fold_instead_of_cutting_the_last_column() -> None:
    """At 80 columns every column of a wide table is shown whole-width or folded, never cut at
    the right edge ('capacit')."""
    from rich.console import Console

    from optimizer.cli_output import FitTable

    t = FitTable(title="t")
    cols = [
        "province",
        "target",
        "housed",
        "linked",
        "reach- able",
        "short",
        "on track/ behind/ far",
        "miss- ing",
        "binding cause",
    ]
    for c in cols:
        t.add_column(c, justify="left" if c in ("province", "binding cause") else "right")
    t.add_row(
        "PV27 Noord-Holland",
        "1,748",
        "790",
        "77",
        "1,565",
        "183",
        "20/10/14",
        "22",
        "housing capacity",
    )
    con = Console(width=80, record=True)
    con.print(t)
    text = con.export_text()
    assert "capacity" in text and "housing" in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
