"""The family registry is the single source: every priced family has its cost term, every
elastic one its slack and diagnosis, and the README's tables name exactly the registry's."""

import re
from pathlib import Path

from optimizer.model.build import create_model
from optimizer.model.families.base import Kind
from optimizer.model.families.registry import ELASTIC, FAMILIES, PRICED
from optimizer.model.instance import build_instance
from tests.builders import WESTERWOLDE, ZWOLLE, hh, loc, muni, scenario


def test_every_priced_family_has_its_cost_term_and_every_elastic_its_slack() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 5),
            loc("A", ZWOLLE, "azc", 20, 17),
            loc("N", ZWOLLE, "noodopvang", 5, 1, closing=True),
        ],
        [hh("H", "TA"), hh("S", "A", status="status_holder"), hh("R", "N", status="resident")],
        [muni(ZWOLLE, quota=5)],
    )
    m = create_model(build_instance(s))
    for f in FAMILIES:
        assert f.priced == hasattr(m, f.component), f.name
    for f in ELASTIC:
        assert f.diagnose is not None and hasattr(m, f.slack or ""), f.name
    assert len({f.name for f in FAMILIES}) == len(FAMILIES)
    assert tuple(f.name for f in FAMILIES if f.kind is not Kind.hard) == PRICED


def test_readme_tables_name_the_registry() -> None:
    text = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The model's rules and costs") : text.index("**Scale.**")]
    named = [n for n in re.findall(r"^\| ([a-z_]+) \|", section, flags=re.M) if n != "family"]
    assert sorted(named) == sorted(f.name for f in FAMILIES)
