"""Fairness report: groups by household type and track, spreads, and no nationality anywhere."""

from optimizer.allocation import allocate
from optimizer.documents.scenario import Household
from optimizer.explain.fairness import OUTCOMES, fairness_report
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


def test_report_covers_every_household_once() -> None:
    s = generate_scenario(ScenarioSpec(seed=3, scale=0.1))
    rep = fairness_report(s, allocate(s))
    assert sum(g.households for g in rep.groups) == len(s.households)
    types = {g.household_type for g in rep.groups}
    assert {"single", "amv", "family with school-age children"} <= types
    for o in OUTCOMES:
        vals = [getattr(g, o) for g in rep.groups if getattr(g, o) is not None]
        assert rep.spread[o] == round(max(vals) - min(vals), 4)


def test_no_nationality_field_exists() -> None:
    fields = set(Household.model_fields)
    assert not {f for f in fields if "nation" in f or "country" in f or "name" in f}
