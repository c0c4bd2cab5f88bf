"""Result sheets: every id column has its name beside it, workbooks and CSV folders are written
from the document, and analysts get the same tables as DataFrames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import SequenceOptions
from optimizer.quotas.check import check_quotas
from optimizer.quotas.example import example_status
from optimizer.quotas.provincial import provincial_variant
from optimizer.sequencing.solve import sequence
from optimizer.tables import to_frames
from optimizer.tables.csvio import read_frame
from optimizer.tables.frames import Frames
from optimizer.tables.names import LOCATION_ID_COLUMNS, resolve_province
from optimizer.tables.output import write_frames
from tests.builders import AMSTERDAM, UTRECHT, WESTERWOLDE, ZWOLLE, hh, loc, muni, scenario, solve


@pytest.fixture(scope="module")
def week() -> Scenario:
    return scenario(
        [
            loc("L001", WESTERWOLDE, "col", 40, 6),
            loc("A1", AMSTERDAM, "azc", 10, 10, name="AZC Amsterdam-Noord"),
            loc("U1", UTRECHT, "azc", 30, 12, name="AZC Utrecht Overvecht"),
            loc("N1", ZWOLLE, "noodopvang", 10, 2, closing=True, name="Noodopvang Zwolle"),
        ],
        [
            hh("a1", "L001", size=3, school_age_children=1),
            hh("a2", "L001", size=2),
            hh("a3", "L001", track="dublin"),
            hh("s1", "A1", "status_holder", size=2),
            hh("n1", "N1", "resident", size=2),
        ],
        [muni(UTRECHT, quota=30, housed=5), muni(AMSTERDAM, quota=20)],
    )


@pytest.fixture(scope="module")
def plan(week: Scenario) -> Plan:
    return solve(week)


def _id_columns(df: pd.DataFrame) -> list[str]:
    cols = [str(c) for c in df.columns]
    return [
        c
        for c in cols
        if c in LOCATION_ID_COLUMNS
        or c.endswith("_location")
        or c in ("gm_code", "pv_code", "where")
        or c.endswith("_gm_code")
    ]


def assert_names_beside_ids(frames: Frames) -> None:
    """Every id column is followed by its name column(s)."""
    for sheet, df in frames.items():
        cols = [str(c) for c in df.columns]
        for c in _id_columns(df):
            nxt = cols[cols.index(c) + 1] if cols.index(c) + 1 < len(cols) else ""
            assert nxt.endswith("_name"), f"{sheet}: {c} is followed by {nxt!r}, not a name"


def test_plan_sheets_with_names(week: Scenario, plan: Plan) -> None:
    frames = to_frames(plan, week)
    assert list(frames)[:9] == [
        "summary", "placements", "links", "unplaced", "moves", "locations", "municipalities",
        "diagnosis", "costs",
    ]
    assert_names_beside_ids(frames)
    moves = frames["moves"]
    assert moves.loc[moves["household"] == "n1", "from_location_name"].item() == "Noodopvang Zwolle"
    assert moves.loc[moves["household"] == "n1", "persons"].item() == 2
    links = frames["links"]
    assert links["municipality_name"].tolist() and set(links["province_name"]) <= {
        "Utrecht", "Noord-Holland"
    }
    locs = frames["locations"].set_index("location")
    assert locs.at["A1", "location_name"] == "AZC Amsterdam-Noord"
    assert locs.at["A1", "municipality_name"] == "Amsterdam"
    assert set(locs["band"]) <= {"below", "in band", "above", "not applicable"}
    assert locs.at["L001", "band"] == "not applicable"
    costs = frames["costs"]
    assert costs["eur"].sum() == pytest.approx(sum(plan.kpis.objective_terms_eur.values()))
    summary = frames["summary"].set_index("figure")["value"]
    assert summary["status"] == plan.status.value
    assert summary["beds_short"] == plan.kpis.beds_short
    placed = frames["placements"]["persons"].sum()
    assert placed == plan.kpis.arrivals_placed_persons


def test_plan_workbook_and_csv_folder(week: Scenario, plan: Plan, tmp_path: Path) -> None:
    frames = to_frames(plan, week)
    write_frames(frames, tmp_path / "plan.xlsx", title="Plan")
    wb = load_workbook(tmp_path / "plan.xlsx", read_only=True)
    assert wb.sheetnames == ["README", *frames]
    head = next(wb["moves"].iter_rows(max_row=1, values_only=True))
    assert "from_location_name" in head and "location_name" in head
    write_frames(frames, tmp_path / "csv", excel=True)
    back = read_frame(tmp_path / "csv" / "locations.csv")
    assert back["occupancy_end"].tolist() == pytest.approx(frames["locations"]["occupancy_end"].tolist())
    assert (tmp_path / "csv" / "locations.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_sequence_sheets(week: Scenario, plan: Plan) -> None:
    seq = sequence(week, plan, SequenceOptions(time_limit_s=5))
    frames = to_frames(seq, week)
    assert_names_beside_ids(frames)
    assert {"moves", "trips", "occupancy"} <= set(frames)
    days = [n for n in frames if n.startswith("trips_day")]
    assert len(days) == len(seq.days)
    assert sum(len(frames[d]) for d in days) == len(seq.trips)
    if len(frames["moves"]):
        assert {"date", "weekday", "trip", "to_location_name"} <= set(frames["moves"].columns)


def test_quota_sheets_and_explanations(week: Scenario, plan: Plan) -> None:
    from optimizer.explain.fairness import fairness_report
    from optimizer.explain.score import explain_plan

    status = example_status(weeks_left=12)
    for doc in (check_quotas(status), provincial_variant(status)):
        frames = to_frames(doc)
        assert_names_beside_ids(frames)
        assert len(frames["municipalities"]) == 342 and len(frames["provinces"]) == 12
        assert "Súdwest-Fryslân" in set(frames["municipalities"]["municipality_name"])
    ex = to_frames(explain_plan(week, plan), week)
    assert_names_beside_ids(ex)
    assert ex["families"]["eur"].sum() == pytest.approx(plan.objective, abs=0.01)
    assert "groups" in to_frames(fairness_report(week, plan), week)


@pytest.mark.parametrize(
    ("text", "code"),
    [("PV27", "PV27"), ("pv27", "PV27"), ("Noord-Holland", "PV27"), ("noord holland", "PV27"),
     ("NOORD-HOLLAND", "PV27"), ("Fryslân", "PV21"), ("fryslan", "PV21"), ("Friesland", "PV21"),
     ("27", "PV27"), ("Zuid-Holland", "PV28"), ("limburg", "PV31")],
)
def test_province_by_code_or_name(text: str, code: str) -> None:
    assert resolve_province(text) == code


def test_unknown_province() -> None:
    with pytest.raises(ValueError, match="not a province code or name"):
        resolve_province("Holland")
