"""Scenario workbooks and CSV folders: round trips, dialects, names, and one line per bad cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from optimizer.documents.io import DocumentError, load_scenario
from optimizer.documents.scenario import Scenario
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from optimizer.tables.csvio import BOM, read_csv_table
from optimizer.tables.workbook import (
    read_scenario,
    read_scenario_bytes,
    readme_rows,
    record_sheets,
    scalar_fields,
    write_scenario,
    write_template,
)


@pytest.fixture(scope="module")
def week() -> Scenario:
    """A small generated week with every kind of field set away from its default."""
    s = generate_scenario(ScenarioSpec(scale=0.05, seed=3))
    locs = list(s.locations)
    locs[0] = locs[0].model_copy(update={"name": "AZC Súdwest-Fryslân ‘t Heechhiem"})
    locs[1] = locs[1].model_copy(update={"x_rd_m": 182_500.25, "y_rd_m": 564_000.0})
    munis = list(s.municipalities)
    munis[3] = munis[3].model_copy(update={"max_links_per_week": 7})
    sh = next(h for h in s.households if h.status.value == "status_holder" and not h.linked_gm_code)
    resident = next(h for h in s.households if h.status.value == "resident")
    doc = s.model_dump(mode="json")
    doc["locations"] = [x.model_dump(mode="json") for x in locs]
    doc["municipalities"] = [x.model_dump(mode="json") for x in munis]
    doc["policy"].update(
        occupancy_min=0.8125,
        band_kinds=["azc", "pol", "noodopvang"],
        rebalance_school_children=True,
        link_target_days=21,
        move_eur_per_person=312.5,
    )
    doc["pins"] = [
        {"household": sh.id, "gm_code": munis[0].gm_code},
        {"household": resident.id, "location": resident.location},
    ]
    return Scenario.model_validate(doc)


def test_layout_is_derived_from_the_models() -> None:
    sheets = {s.name: [c.name for c in s.columns] for s in record_sheets()}
    assert list(sheets) == ["locations", "municipalities", "households", "pins"]
    for name, model_fields in (
        ("households", ["permit_date", "linked_gm_code", "size"]),
        ("municipalities", ["max_links_per_week"]),
        ("locations", ["x_rd_m", "cost_per_bed_day"]),
    ):
        for f in model_fields:
            assert f in sheets[name]
    paths = [p for p, _ in scalar_fields()]
    assert paths[:3] == ["week", "half_year.id", "half_year.weeks_left"]
    for f in ("unlinked_eur_per_person_week", "band_kinds", "rebalance_school_children"):
        assert f"policy.{f}" in paths


def test_json_workbook_json_is_the_same_document(week: Scenario, tmp_path: Path) -> None:
    out = tmp_path / "week.xlsx"
    write_scenario(week, out)
    back = load_scenario(out)
    assert back == week
    assert back.model_dump_json() == week.model_dump_json()
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames[:2] == ["README", "scenario"]
    head = next(wb["households"].iter_rows(max_row=1, values_only=True))
    assert head[head.index("location") + 1] == "location_name"


@pytest.mark.parametrize("excel", [False, True])
def test_json_csv_folder_json_is_the_same_document(
    week: Scenario, tmp_path: Path, excel: bool
) -> None:
    out = tmp_path / "week"
    write_scenario(week, out, excel_csv=excel)
    raw = (out / "locations.csv").read_bytes().decode("utf-8")
    assert raw.startswith(BOM) == excel
    assert ("Súdwest-Fryslân" in raw) and ("‘t Heechhiem" in raw)
    sep = ";" if excel else ","
    assert raw.removeprefix(BOM).split("\r\n", 1)[0].startswith(f"id{sep}name{sep}gm_code")
    policy = (out / "scenario.csv").read_text(encoding="utf-8-sig")
    assert ("0,8125" in policy) == excel and ("0.8125" in policy) != excel
    assert load_scenario(out) == week


def test_dutch_names_beside_ids_survive_the_bom(week: Scenario, tmp_path: Path) -> None:
    small = week.model_copy(
        update={"municipalities": [m for m in week.municipalities if m.gm_code == "GM1900"]}
    )
    write_scenario(small, tmp_path / "w", excel_csv=True)
    t = read_csv_table(tmp_path / "w" / "municipalities.csv")
    assert t.separator == ";"
    row = dict(zip(t.header, t.rows[0][1], strict=True))
    assert row["municipality_name"] == "Súdwest-Fryslân" and row["province_name"] == "Fryslân"


def test_template_validates_and_documents_every_column(tmp_path: Path) -> None:
    out = tmp_path / "week.xlsx"
    write_template(out)
    s = read_scenario(out)
    assert len(s.households) == 2 and s.policy == type(s.policy)()
    wb = load_workbook(out)
    described = {(r[0], r[1]) for r in wb["README"].iter_rows(min_row=2, values_only=True)}
    for spec in record_sheets():
        for c in spec.columns:
            assert (spec.name, c.name) in described
    kinds = wb["locations"].data_validations.dataValidation
    assert any('"col,gvl,pol' in (dv.formula1 or "") for dv in kinds)
    status = wb["households"].data_validations.dataValidation
    assert any("status_holder" in (dv.formula1 or "") for dv in status)
    rows = readme_rows()
    units = {r[1]: r[4] for r in rows if r[0] == "scenario"}
    assert units["policy.unlinked_eur_per_person_week"] == "EUR per person-week"
    csv_dir = tmp_path / "csv"
    write_template(csv_dir, excel_csv=True)
    assert read_scenario(csv_dir).households == s.households


# ----------------------------------------------------------------------------- bad cells


def _edit(template: Path, out: Path, edits: list[tuple[str, int, str, Any]]) -> Path:
    wb = load_workbook(template)
    for sheet, row, column, value in edits:
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        if column not in header:
            ws.cell(1, len(header) + 1).value = column
            header.append(column)
        ws.cell(row, header.index(column) + 1).value = value
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("tpl") / "week.xlsx"
    write_template(p)
    return p


BAD_CELLS = [
    ("households", 2, "size", 0, "households row 2, column size: must be at least 1 (got 0)"),
    ("households", 3, "size", "twee", "households row 3, column size: must be a whole number (got 'twee')"),
    ("households", 2, "size", 2.5, "households row 2, column size: must be a whole number (got 2.5)"),
    ("households", 3, "status", "waiting", "households row 3, column status: must be one of 'arrival', 'resident' or 'status_holder' (got 'waiting')"),
    ("households", 3, "amv", "misschien", "households row 3, column amv: must be TRUE or FALSE (also 1/0, ja/nee) (got 'misschien')"),
    ("households", 3, "permit_date", "gisteren", "households row 3, column permit_date: must be a date like 2026-11-02 (or 02-11-2026) (got 'gisteren')"),
    ("households", 2, "location", None, "households row 2, column location: required, but blank"),
    ("households", 2, "school_age_children", 5, "households row 2: school_age_children (5) exceeds size (3)"),
    ("households", 2, "location", "L999", "households row 2, column location: unknown location 'L999'"),
    ("locations", 2, "capacity", -5, "locations row 2, column capacity: must be at least 0 (got -5)"),
    ("locations", 3, "cost_per_bed_day", "duur", "locations row 3, column cost_per_bed_day: must be a number (got 'duur')"),
    ("locations", 3, "gm_code", "0193", "locations row 3, column gm_code: must be a CBS municipality code like GM0363 (got 0193)"),
    ("locations", 3, "gm_code", "GM9999", "locations row 3, column gm_code: 'GM9999' is not a CBS 2024 municipality"),
    ("locations", 2, "kind", "hotel", "locations row 2, column kind: must be one of"),
    ("locations", 2, "id", "L002", "locations rows 2, 3, column id: duplicate id 'L002'"),
    ("locations", 3, "x_rd_m", 150000, "locations row 3: give both x_rd_m and y_rd_m"),
    ("municipalities", 2, "quota", "veel", "municipalities row 2, column quota: must be a whole number (got 'veel')"),
    ("scenario", 5, "value", 1.5, "scenario row 5, column value (policy.occupancy_min): must be at most 1 (got 1.5)"),
    ("scenario", 2, "value", "2026-W60", "scenario row 2, column value (week): week must be an ISO week like '2026-W48' (got '2026-W60')"),
    ("locations", 2, "capcity", 3, "locations row 1, column capcity: unknown column; did you mean 'capacity'?"),
]


@pytest.mark.parametrize(
    ("sheet", "row", "column", "value", "expected"), BAD_CELLS, ids=[b[4][:40] for b in BAD_CELLS]
)
def test_bad_cell_is_one_line_with_sheet_row_column(
    template: Path, tmp_path: Path, sheet: str, row: int, column: str, value: Any, expected: str
) -> None:
    bad = _edit(template, tmp_path / "bad.xlsx", [(sheet, row, column, value)])
    with pytest.raises(DocumentError) as e:
        load_scenario(bad)
    assert any(p.startswith(expected) for p in e.value.problems), e.value.problems
    assert all("\n" not in p for p in e.value.problems)


def test_several_bad_cells_are_all_reported(template: Path, tmp_path: Path) -> None:
    bad = _edit(
        template,
        tmp_path / "bad.xlsx",
        [("households", 2, "size", 0), ("locations", 2, "capacity", -1), ("households", 3, "amv", "?")],
    )
    with pytest.raises(DocumentError) as e:
        load_scenario(bad)
    assert len(e.value.problems) == 3


def test_forgiving_cells(template: Path, tmp_path: Path) -> None:
    """ja/nee, 1/0, decimal commas, percentages, Dutch dates, upper-case choices, blank = default."""
    ok = _edit(
        template,
        tmp_path / "ok.xlsx",
        [
            ("locations", 2, "accepts_families", "nee"),
            ("locations", 3, "school_nearby", 1),
            ("locations", 3, "cost_per_bed_day", "68,5"),
            ("locations", 2, "kind", "COL"),
            ("scenario", 5, "value", "80%"),
            ("households", 3, "permit_date", "02-11-2026"),
            ("households", 2, "track", None),
            ("municipalities", 2, "notes", "belt op vrijdag"),
            ("households", 2, "location_name", "anything: informational"),
        ],
    )
    s = read_scenario(ok)
    assert not s.locations[0].accepts_families and s.locations[1].school_nearby
    assert s.locations[1].cost_per_bed_day == 68.5 and s.policy.occupancy_min == 0.8
    assert s.households[1].permit_date == dt.date(2026, 11, 2)
    assert s.households[0].track.value == "unknown"


def test_missing_sheet_and_column(template: Path, tmp_path: Path) -> None:
    wb = load_workbook(template)
    del wb["municipalities"]
    ws = wb["households"]
    ws.delete_cols(2)  # size
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(DocumentError) as e:
        read_scenario(tmp_path / "b.xlsx")
    joined = "\n".join(e.value.problems)
    assert "no sheet 'municipalities'" in joined
    assert "households row 1: no column 'size'" in joined


def test_not_a_workbook_and_upload_bytes(template: Path, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("id,size\n", encoding="utf-8")
    with pytest.raises(DocumentError) as e:
        load_scenario(fake)
    assert e.value.problems[0].startswith("not an Excel workbook")
    assert len(read_scenario_bytes(template.read_bytes()).households) == 2


def test_csv_folder_errors_name_file_rows(template: Path, tmp_path: Path) -> None:
    d = tmp_path / "csv"
    write_template(d)
    text = (d / "households.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",1,0,", ",1,9,", 1)  # second household: school_age_children 9
    (d / "households.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DocumentError) as e:
        load_scenario(d)
    assert e.value.problems == ["households row 3: school_age_children (9) exceeds size (1)"]
