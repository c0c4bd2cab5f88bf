"""Bad STATUS.json input is rejected at the boundary, naming the field path and the value."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from optimizer.quotas.compute import read_backlog_csv
from optimizer.quotas.documents import QuotaStatus

GOOD: dict[str, Any] = {
    "half_year": {"id": "2026-H2", "weeks_left": 12},
    "ladder": {"on_track_min": 0.9, "behind_min": 0.7},
    "municipalities": [
        {"gm_code": "GM0014", "quota": 150, "housed": 50, "linked": 5},
        {"gm_code": "GM0034", "quota": 130, "backlog": 4, "housing_capacity_per_week": 5.5},
    ],
    "supply": {
        "waiting": [{"location": "L005", "persons": 40}, {"gm_code": "GM0014", "persons": 7}],
        "waiting_by_province": {"PV24": 12},
        "forecast_new_permits_per_week": 120,
        "lead_time_weeks": 2,
    },
}


def bad(path: str, value: Any) -> dict[str, Any]:
    """GOOD with the value at a dotted path (ints index lists) replaced."""
    doc = copy.deepcopy(GOOD)
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    node = doc
    for k in keys[:-1]:
        node = node[k]
    node[keys[-1]] = value
    return doc


def test_good_document_validates() -> None:
    s = QuotaStatus.model_validate(GOOD)
    assert s.municipalities[1].target == 134
    assert s.supply.waiting[0].place_gm_code == "GM0037"  # AZC Musselkanaal


@pytest.mark.parametrize(
    ("path", "value", "loc", "text"),
    [
        (
            "municipalities.0.gm_code",
            "GM9999",
            ("municipalities", 0, "gm_code"),
            "unknown municipality code 'GM9999'",
        ),
        (
            "municipalities.0.gm_code",
            "Groningen",
            ("municipalities", 0, "gm_code"),
            "should match pattern",
        ),
        (
            "municipalities.0.quota",
            -1,
            ("municipalities", 0, "quota"),
            "greater than or equal to 0",
        ),
        (
            "municipalities.0.housed",
            -5,
            ("municipalities", 0, "housed"),
            "greater than or equal to 0",
        ),
        (
            "municipalities.1.backlog",
            -2,
            ("municipalities", 1, "backlog"),
            "greater than or equal to 0",
        ),
        (
            "municipalities.1.housing_capacity_per_week",
            -0.5,
            ("municipalities", 1, "housing_capacity_per_week"),
            "greater than or equal to 0",
        ),
        (
            "supply.waiting.0.persons",
            -1,
            ("supply", "waiting", 0, "persons"),
            "greater than or equal to 0",
        ),
        (
            "supply.waiting.0.location",
            "L999",
            ("supply", "waiting", 0, "location"),
            "unknown location id 'L999'",
        ),
        (
            "supply.forecast_new_permits_per_week",
            -3,
            ("supply", "forecast_new_permits_per_week"),
            "greater than or equal to 0",
        ),
        (
            "supply.waiting_by_province",
            {"PV99": 3},
            ("supply", "waiting_by_province"),
            "unknown province code 'PV99'",
        ),
        (
            "half_year.id",
            "2026-H3",
            ("half_year", "id"),
            "half-year id must look like '2026-H2', got '2026-H3'",
        ),
        ("half_year.id", "H2-2026", ("half_year", "id"), "got 'H2-2026'"),
        ("half_year.weeks_left", 0, ("half_year", "weeks_left"), "greater than or equal to 1"),
        ("half_year.weeks_left", 30, ("half_year", "weeks_left"), "less than or equal to 26"),
    ],
)
def test_bad_values_name_path_and_value(path: str, value: Any, loc: tuple, text: str) -> None:
    with pytest.raises(ValidationError) as ei:
        QuotaStatus.model_validate(bad(path, value))
    errs = ei.value.errors()
    hit = [e for e in errs if tuple(e["loc"][: len(loc)]) == loc]
    assert hit, errs
    assert any(text in e["msg"] for e in hit), hit
    assert any(e["input"] == value for e in hit)


def test_cross_record_errors() -> None:
    dup = bad("municipalities.1.gm_code", "GM0014")
    with pytest.raises(ValidationError, match=r"duplicate gm_code\(s\) \['GM0014'\]"):
        QuotaStatus.model_validate(dup)
    with pytest.raises(ValidationError, match="exactly one of 'location' or 'gm_code'"):
        QuotaStatus.model_validate(bad("supply.waiting.0", {"persons": 3}))
    with pytest.raises(ValidationError, match=r"behind_min \(0.95\) must not exceed"):
        QuotaStatus.model_validate(bad("ladder.behind_min", 0.95))
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        QuotaStatus.model_validate(bad("municipalities.0.qouta", 3))
    with pytest.raises(ValidationError, match="at least 1 item"):
        QuotaStatus.model_validate(bad("municipalities", []))


def test_backlog_csv_errors_name_row_and_value(tmp_path: Path) -> None:
    p = tmp_path / "b.csv"
    p.write_text("gm_code,backlog\nGM0014,3\nGM0034,4\n")
    assert read_backlog_csv(p) == {"GM0014": 3, "GM0034": 4}
    p.write_text("gm_code,backlog\nGM0014,3\nGM9999,4\n")
    with pytest.raises(ValueError, match="row 3: gm_code: unknown municipality code 'GM9999'"):
        read_backlog_csv(p)
    p.write_text("gm_code,backlog\nGM0014,-3\n")
    with pytest.raises(ValueError, match="row 2: backlog: must be a whole number >= 0, got -3"):
        read_backlog_csv(p)
    p.write_text("gm,backlog\nGM0014,3\n")
    with pytest.raises(ValueError, match=r"missing column\(s\) \['gm_code'\]"):
        read_backlog_csv(p)


def test_bundled_example_status_validates() -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "quotas" / "status_2026-H2_example.json"
    s = QuotaStatus.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert len(s.municipalities) == 342
