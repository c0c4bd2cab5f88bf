"""The scenario document: bad input is rejected with the field path and the value."""

from __future__ import annotations

import json
from typing import Any

import pytest

from optimizer.documents.io import DocumentError, parse_document, reference_errors
from optimizer.documents.scenario import Scenario
from tests.builders import WESTERWOLDE, ZWOLLE, hh, loc, muni, scenario


def _doc(**over: Any) -> dict[str, Any]:
    d = json.loads(
        scenario(
            [loc("TA", WESTERWOLDE, "gvl", 10, 3), loc("A", ZWOLLE, "azc", 10, 5)],
            [hh("H1", "TA", size=3)],
            [muni(ZWOLLE, quota=5)],
        ).model_dump_json()
    )
    d.update(over)
    return d


def _problems(d: dict[str, Any]) -> list[str]:
    with pytest.raises(DocumentError) as e:
        parse_document(Scenario, json.dumps(d), "s.json")
    return e.value.problems


def test_valid_document_round_trips() -> None:
    d = _doc()
    s = parse_document(Scenario, json.dumps(d), "s.json")
    assert s.policy.occupancy_min == 0.85 and s.policy.occupancy_max == 0.91
    assert json.loads(s.model_dump_json()) == d


def test_field_path_and_value_are_named() -> None:
    d = _doc()
    d["households"][0]["size"] = 0
    d["locations"][1]["kind"] = "hotel"
    probs = _problems(d)
    assert "households[0].size: Input should be greater than or equal to 1 (got 0)" in probs
    assert any(p.startswith("locations[1].kind:") and "'hotel'" in p for p in probs)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("week", "2026-48", "week: week must be an ISO week like '2026-W48' (got '2026-48')"),
        (
            "half_year",
            {"id": "2026-H3", "weeks_left": 3},
            "half_year.id: half-year id must look like '2026-H2' (got '2026-H3')",
        ),
        (
            "half_year",
            {"id": "2026-H2", "weeks_left": 0},
            "half_year.weeks_left: Input should be greater than or equal to 1 (got 0)",
        ),
        (
            "policy",
            {"occupancy_min": 0.95, "occupancy_max": 0.9},
            "policy: occupancy_min (0.95) must not exceed occupancy_max (0.9)",
        ),
    ],
)
def test_top_level_fields(field: str, value: Any, expected: str) -> None:
    assert expected in _problems(_doc(**{field: value}))


def test_consistency_unknown_location_and_residents() -> None:
    d = _doc()
    d["households"].append({"id": "H2", "size": 1, "status": "resident", "location": "NOPE"})
    d["locations"][0]["residents"] = 2  # but H1 alone is 3 persons there
    probs = _problems(d)
    assert any("households[1].location: unknown location 'NOPE'" in p for p in probs)
    assert any(
        "locations[0].residents: 2 at 'TA' but its listed households hold 3" in p for p in probs
    )


def test_arrivals_must_be_at_a_col_or_gvl() -> None:
    d = _doc()
    d["households"][0]["location"] = "A"
    d["locations"][1]["residents"] = 8
    assert any("arrivals are at a col or gvl" in p for p in _problems(d))


def test_closing_location_needs_its_residents_listed() -> None:
    d = _doc()
    d["locations"][1]["closing"] = True
    assert any("is closing but only 0 of its 5 residents are listed" in p for p in _problems(d))


def test_duplicate_ids_and_bad_json() -> None:
    d = _doc()
    d["households"].append(dict(d["households"][0]))
    d["locations"][0]["residents"] = 6
    assert any("households: duplicate id(s) ['H1']" in p for p in _problems(d))
    with pytest.raises(DocumentError) as e:
        parse_document(Scenario, "{not json", "s.json")
    assert e.value.problems[0].startswith("not valid JSON (line 1 column 2")


def test_no_personal_fields_accepted() -> None:
    d = _doc()
    d["households"][0]["nationality"] = "XX"
    d["households"][0]["name"] = "someone"
    probs = _problems(d)
    assert any(
        p.startswith("households[0].nationality: Extra inputs are not permitted") for p in probs
    )
    assert any(p.startswith("households[0].name: Extra inputs are not permitted") for p in probs)


def test_unknown_gm_code_against_cbs() -> None:
    d = _doc()
    d["municipalities"][0]["gm_code"] = "GM9999"
    s = parse_document(Scenario, json.dumps(d), "s.json")
    assert reference_errors(s) == [
        "municipalities[0].gm_code: 'GM9999' is not a CBS 2024 municipality"
    ]
