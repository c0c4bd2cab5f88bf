"""`coa-plan sequence`: writes the sequence, prints a summary, exits 2 on bad input (no traceback)."""

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from optimizer.sequencing.cli import sequence_command
from tests.sequencing.seq_helpers import GM, location, plan_of, scenario_of, singles

app = typer.Typer()
app.command()(sequence_command)
runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    locs = [location("ZW", 100, 10, GM["zwolle"]), location("UT", 100, 0, GM["utrecht"])]
    s = scenario_of(locs, singles("R", 10, "ZW"))
    p = plan_of(s, [(f"R{i:02d}", "UT") for i in range(10)])
    sp, pp = tmp_path / "scenario.json", tmp_path / "plan.json"
    sp.write_text(s.model_dump_json())
    pp.write_text(p.model_dump_json())
    return sp, pp


def test_writes_the_sequence(tmp_path: Path) -> None:
    sp, pp = _files(tmp_path)
    out = tmp_path / "sequence.json"
    res = runner.invoke(app, [str(sp), str(pp), "-o", str(out), "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc["status"] == "optimal" and len(doc["moves"]) == 10
    assert doc["moves"][0]["from"] == "ZW" and doc["trips"][0]["persons"] == 10
    assert "Relocation sequence" in res.output


def test_bad_field_exits_2_naming_file_and_field(tmp_path: Path) -> None:
    sp, pp = _files(tmp_path)
    doc = json.loads(sp.read_text())
    doc["locations"][0]["capacity"] = -3
    sp.write_text(json.dumps(doc))
    res = runner.invoke(app, [str(sp), str(pp), "-o", str(tmp_path / "x.json")])
    assert res.exit_code == 2
    assert "scenario.json: locations[0].capacity" in res.output
    assert "Traceback" not in res.output


def test_plan_not_matching_the_scenario_exits_2(tmp_path: Path) -> None:
    sp, pp = _files(tmp_path)
    doc = json.loads(pp.read_text())
    doc["placements"][0]["from_location"] = "AM"
    pp.write_text(json.dumps(doc))
    res = runner.invoke(app, [str(sp), str(pp), "-o", str(tmp_path / "x.json")])
    assert res.exit_code == 2 and "plan.placements[0].from_location" in res.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, [str(tmp_path / "nope.json"), "p.json", "-o", "x.json"])
    assert res.exit_code == 2 and "nope.json: cannot read" in res.output


def test_work_limit_option_and_stopped_by(tmp_path: Path) -> None:
    sp, pp = _files(tmp_path)
    out = tmp_path / "sequence.json"
    args = [str(sp), str(pp), "-o", str(out), "--time-limit", "5", "--work-limit", "2"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    assert doc["status"] == "optimal" and doc["stopped_by"] is None  # the search ended itself
    assert "work_limit=2.0" in doc["solver"]
    assert "incumbent" in res.output and "bound 1" in res.output  # the progress line
    bad = runner.invoke(app, [*args[:-1], "0"])
    assert bad.exit_code == 2 and "--work-limit" in bad.output
