"""RUN.toml at the boundary: field paths and values in every message; the example file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from optimizer.documents.io import DocumentError
from optimizer.whatif.cli import whatif_command
from optimizer.whatif.documents import load_runspec

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "whatif" / "RUN.toml"


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "RUN.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_example_run_toml_is_valid() -> None:
    spec = load_runspec(EXAMPLE)
    assert {v.name for v in spec.variants} >= {"no new site", "GVL west"}
    assert spec.selection is not None and len(spec.selection.candidates) >= 3
    assert spec.inflows == ["steady", "2015-peak"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[variants]]\nname = "x"\n[[variants.sites]]\nname = "s"\ngm_code = "GM9999"\n'
            "capacity = 100\n",
            "variants[0].sites[0].gm_code: ",
        ),
        (
            '[[variants]]\nname = "a"\n[[variants]]\nname = "b"\noccupancy_max = 1.5\n',
            "variants[1].occupancy_max: ",
        ),
        ('inflows = ["steady", "2016"]\n', "inflows[1]: unknown inflow '2016'"),
        ("horizon_weeks = 0\n", "horizon_weeks: "),
        ('[start]\nweek = "2026-48"\n', "start.week: "),
        ('[[variants]]\nname = "x"\noccupancy_min = 0.95\n', "occupancy_min (0.95)"),
        ("horizon_weeks = [\n", "not valid TOML"),
        ('[sweep]\nworkers = "two"\n', "sweep.workers: "),
    ],
)
def test_bad_run_toml_names_the_field(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(DocumentError) as e:
        load_runspec(_write(tmp_path, text))
    assert any(expected in p for p in e.value.problems), e.value.problems


def test_bad_value_shows_the_value(tmp_path: Path) -> None:
    text = '[[variants]]\nname = "x"\n[[variants.sites]]\nname = "s"\ngm_code = "GM0394"\n'
    text += "capacity = -5\n"
    with pytest.raises(DocumentError) as e:
        load_runspec(_write(tmp_path, text))
    assert any("variants[0].sites[0].capacity" in p and "-5" in p for p in e.value.problems)


def test_cli_exits_2_with_field_path(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(whatif_command)
    bad = _write(tmp_path, '[[variants]]\nname = "x"\nnational_quota = -1\n')
    res = CliRunner().invoke(app, [str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "variants[0].national_quota" in res.output


def test_cli_rejects_unknown_closure_location(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(whatif_command)
    text = (
        'horizon_weeks = 2\n[start]\nseed = 5\nscale = 0.05\n[[variants]]\nname = "x"\n'
        '[[variants.closures]]\nlocation = "L999"\nweek = 1\n'
    )
    res = CliRunner().invoke(app, [str(_write(tmp_path, text)), "--workers", "0"])
    assert res.exit_code == 2
    assert "variants[0].closures[0].location: 'L999'" in res.output
