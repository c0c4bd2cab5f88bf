"""`coa-plan quota` via typer's CliRunner: exit 0 on good input, exit 2 and one line on bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.quotas.check import check_quotas
from optimizer.quotas.cli import quota_app
from optimizer.quotas.example import example_status
from optimizer.quotas.report import pace_map

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def status_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("quota") / "STATUS.json"
    p.write_text(example_status().model_dump_json(), encoding="utf-8")
    return p


def test_compute_writes_csv_and_json(tmp_path: Path) -> None:
    r = runner.invoke(
        quota_app,
        [
            "compute",
            "--half-year",
            "2026-H2",
            "--national",
            "10500",
            "-o",
            str(tmp_path / "q.json"),
        ],
    )
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "q.json").read_text())
    assert sum(m["quota"] for m in doc["municipalities"]) == 10_500
    (tmp_path / "b.csv").write_text("gm_code,backlog\nGM0014,30\n")
    r = runner.invoke(
        quota_app,
        [
            "compute",
            "--half-year",
            "2026-H2",
            "--national",
            "10500",
            "--backlog",
            str(tmp_path / "b.csv"),
            "-o",
            str(tmp_path / "q.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "q.csv").read_text().startswith("gm_code,municipality_name,pv_code,province_name")


def test_check_one_province_writes_json_csv_png(status_file: Path, tmp_path: Path) -> None:
    r = runner.invoke(
        quota_app, ["check", str(status_file), "--province", "PV27", "-o", str(tmp_path)]
    )
    assert r.exit_code == 0, r.output
    assert "PV27" in r.output
    doc = json.loads((tmp_path / "quota_check.json").read_text())
    assert {m["pv_code"] for m in doc["municipalities"]} == {"PV27"}
    assert (tmp_path / "quota_check_municipalities.csv").stat().st_size > 0
    png = tmp_path / "pace_PV27.png"
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == PNG_MAGIC


def test_check_all_and_provincial(status_file: Path, tmp_path: Path) -> None:
    r = runner.invoke(quota_app, ["check", str(status_file), "--all"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(quota_app, ["provincial", str(status_file), "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "quota_6_3_2.json").read_text())
    assert len(doc["provinces"]) == 12


def test_national_map_png(tmp_path: Path) -> None:
    res = check_quotas(example_status())
    out = pace_map(res, None, tmp_path / "nl.png")
    assert out.read_bytes()[:8] == PNG_MAGIC and out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["compute", "--half-year", "2026-H3", "--national", "10"], "'2026-H3'"),
        (["compute", "--half-year", "2026-H2", "--national", "-10"], "national: "),
        (["compute", "--half-year", "2026-H2", "--national", "10", "-o", "x.txt"], ".json or .csv"),
    ],
)
def test_bad_compute_input_exits_2(args: list[str], text: str) -> None:
    r = runner.invoke(quota_app, args)
    assert r.exit_code == 2
    assert text in r.output and "Traceback" not in r.output


def _write(tmp_path: Path, doc: dict) -> Path:
    p = tmp_path / "STATUS.json"
    p.write_text(json.dumps(doc))
    return p


def test_bad_status_exits_2_naming_field_and_value(status_file: Path, tmp_path: Path) -> None:
    doc = json.loads(status_file.read_text())
    doc["municipalities"][3]["gm_code"] = "GM9999"
    r = runner.invoke(quota_app, ["check", str(_write(tmp_path, doc))])
    assert r.exit_code == 2
    assert "municipalities[3].gm_code" in r.output and "'GM9999'" in r.output
    assert len(r.output.strip().splitlines()) == 1

    doc = json.loads(status_file.read_text())
    doc["municipalities"][0]["housed"] = -4
    r = runner.invoke(quota_app, ["check", str(_write(tmp_path, doc))])
    assert r.exit_code == 2 and "municipalities[0].housed" in r.output and "-4" in r.output

    doc = json.loads(status_file.read_text())
    doc["half_year"]["id"] = "2026-2"
    r = runner.invoke(quota_app, ["provincial", str(_write(tmp_path, doc))])
    assert r.exit_code == 2 and "half_year.id" in r.output and "'2026-2'" in r.output


def test_bad_files_and_options_exit_2(status_file: Path, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    for args, text in [
        (["check", str(tmp_path / "broken.json")], "not valid JSON"),
        (["check", str(tmp_path / "missing.json")], "cannot read the file"),
        (["check", str(status_file), "--province", "PV99"], "'PV99' is not a province code or name"),
        (["check", str(status_file), "--province", "PV27", "--all"], "not both"),
    ]:
        r = runner.invoke(quota_app, args)
        assert r.exit_code == 2, args
        assert text in r.output and "Traceback" not in r.output
