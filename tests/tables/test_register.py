"""The planner's own location register replaces the synthetic set; its problems name the rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.documents.io import DocumentError
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from optimizer.tables.register import read_location_register

REGISTER = """id;name;gm_code;kind;capacity;residents;accepts_families;school_nearby;cost_per_bed_day;closing;x_rd_m;y_rd_m;notes
R-TA;Aanmeld Ter Apel;GM1950;col;400;300;ja;nee;79,5;nee;;;eigen register
R-ZW;AZC Zwolle-Zuid;GM0193;azc;500;440;ja;ja;68;nee;203000;501500;
R-LW;AZC Leeuwarden;GM0080;azc;300;270;ja;ja;66,25;nee;;;
R-NO;Noodopvang Súdwest-Fryslân;GM1900;noodopvang;120;80;nee;nee;180;ja;;;sluit
"""


def _write(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    p = tmp_path / name
    p.write_text("\ufeff" + text, encoding="utf-8")
    return p


def test_register_replaces_the_synthetic_set(tmp_path: Path) -> None:
    reg = read_location_register(_write(tmp_path, REGISTER))
    s = generate_scenario(ScenarioSpec(scale=0.05, seed=2), locations=reg)
    assert [x.id for x in s.locations] == ["R-LW", "R-NO", "R-TA", "R-ZW"]
    closing = [x.id for x in s.locations if x.closing]
    assert closing == ["R-NO"]
    assert {h.location for h in s.households} <= {"R-LW", "R-NO", "R-TA", "R-ZW"}
    zw = next(x for x in s.locations if x.id == "R-ZW")
    assert (zw.x_rd_m, zw.y_rd_m) == (203000.0, 501500.0)
    ta = next(x for x in s.locations if x.id == "R-TA")
    assert ta.cost_per_bed_day == 79.5 and ta.x_rd_m is None
    assert next(x for x in s.locations if x.id == "R-NO").name == "Noodopvang Súdwest-Fryslân"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("GM0193;azc;500", "GM9193;azc;500"), "locations row 3, column gm_code: 'GM9193' is not a CBS 2024 municipality"),
        (("R-LW;", "R-ZW;"), "locations rows 3, 4, column id: duplicate id 'R-ZW'"),
        (("azc;300;270", "azc;-300;270"), "locations row 4, column capacity: must be at least 0 (got -300)"),
        (("col;400", "azc;400"), "locations: no location of kind col or gvl"),
        (("cost_per_bed_day", "cost_per_bed"), "locations row 1, column cost_per_bed: unknown column; did you mean 'cost_per_bed_day'?"),
    ],
)
def test_register_problems(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    with pytest.raises(DocumentError) as e:
        read_location_register(_write(tmp_path, REGISTER.replace(*edit)))
    assert any(p.startswith(expected) for p in e.value.problems), e.value.problems
