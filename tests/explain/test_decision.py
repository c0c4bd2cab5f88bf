"""Explain one decision: chosen option, two alternatives with extra cost, rules ruling out others."""

import pytest

from optimizer.explain.decision import explain_household
from optimizer.explain.options import PlanContext, placement_options
from tests.builders import (
    GRONINGEN,
    MAASTRICHT,
    UTRECHT,
    WESTERWOLDE,
    ZWOLLE,
    hh,
    loc,
    scenario,
    solve,
)


def test_chosen_alternatives_and_ruled_out() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 10),
            loc("NEAR", GRONINGEN, "azc", 100, 88),
            loc("MID", ZWOLLE, "azc", 100, 88),
            loc("FAR", MAASTRICHT, "azc", 100, 88),
            loc("FULL", UTRECHT, "azc", 100, 100),
            loc("NS", UTRECHT, "azc", 100, 50, school_nearby=False),
        ],
        [hh("F", "TA", size=3, school_age_children=1)],
    )
    plan = solve(s)
    ex = explain_household(s, plan, "F")
    assert ex.decision == "placed" and ex.chosen is not None and ex.chosen.where == "NEAR"
    assert [a.where for a in ex.alternatives] == ["MID", "FAR"]
    mid = ex.alternatives[0]
    assert mid.extra_eur > 0 and mid.extra_km > 0
    assert mid.message.startswith(f"{mid.name}: EUR {mid.extra_eur:,.0f} more, ")
    reasons = {r.where: (r.rule, r.reason) for r in ex.ruled_out}
    assert reasons["FULL"] == ("capacity", "full: 0 free beds for 3 persons")
    assert reasons["NS"] == ("suitability", "no school nearby")
    # staying at the gvl is not ruled out: it is a wait at registration, priced above any bed
    assert "TA" not in reasons
    options, _ = placement_options(PlanContext.build(s, plan), s.households[0])
    wait = next(o for o in options if o.where == "TA")
    assert wait.components["registration_wait"] == 3 * s.policy.registration_wait_eur_per_person
    assert wait.eur > max(o.eur for o in options if o.where not in ("TA", "unplaced"))
    # the chosen option's components are the model's own costs for this household
    assert ex.chosen.eur == pytest.approx(sum(ex.chosen.components.values()), abs=0.02)


def test_status_holder_link_explained() -> None:
    from tests.builders import AMSTERDAM, muni

    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder")],
        [muni(ZWOLLE, quota=10), muni(AMSTERDAM, quota=10), muni(UTRECHT, quota=2, housed=2)],
    )
    plan = solve(s)
    ex = explain_household(s, plan, "S1")
    assert ex.decision == "linked" and ex.chosen is not None and ex.chosen.where == ZWOLLE
    assert ex.chosen.components["quota_pace"] == -476.0
    assert {r.where: r.rule for r in ex.ruled_out} == {UTRECHT: "quota_cap"}


def test_unknown_household() -> None:
    s = scenario([loc("TA", WESTERWOLDE, "gvl", 10, 1)], [hh("H", "TA", track="dublin")])
    with pytest.raises(KeyError, match="not in the scenario"):
        explain_household(s, solve(s), "NOPE")
