"""Family unlinked: every status holder who can be linked is linked; the longest waiting first."""

import pytest

from optimizer.evaluate import plan_costs
from optimizer.model.instance import build_instance
from tests.builders import AMSTERDAM, ZWOLLE, hh, links, loc, muni, scenario, solve


def test_links_beyond_the_pace_when_quota_is_left() -> None:
    # Zwolle has 20 left over 10 weeks: its pace this week is 2 persons. Five status holders wait:
    # the pace alone would link two; a week of waiting costs more than any link, so all five go.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh(f"S{i}", "A", status="status_holder") for i in range(5)],
        [muni(ZWOLLE, quota=20)],
        weeks_left=10,
    )
    plan = solve(s)
    assert sorted(links(plan)) == [f"S{i}" for i in range(5)]
    assert plan.kpis.unlinked_households == 0
    assert plan.kpis.quota_target_persons == 2
    # only the pace decides where: nothing is priced as waiting
    assert plan.kpis.objective_terms_eur["unlinked"] == 0


def test_longest_waiting_linked_first_when_quota_is_short() -> None:
    # One person of quota, two single status holders at the same place (same distance): the one
    # whose permit is 30 days old (past the 14-day target) is linked, the 3-day one waits.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [
            hh("NEW", "A", status="status_holder", permit_date="2026-11-20"),
            hh("OLD", "A", status="status_holder", permit_date="2026-10-24"),
        ],
        [muni(ZWOLLE, quota=1)],
    )
    plan = solve(s)
    assert links(plan) == {"OLD": ZWOLLE}
    k = plan.kpis
    assert (k.unlinked_households, k.unlinked_persons) == (1, 1)
    assert k.unlinked_with_quota_left_households == 0  # no municipality has room left
    assert k.longest_wait_unlinked_days == 3  # week 2026-W48 starts on Monday 23 November
    # NEW waits: EUR 476 for the week (no weeks waited, not late)
    assert k.objective_terms_eur["unlinked"] == pytest.approx(476.0)


def test_waiting_past_the_target_costs_more() -> None:
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S", "A", status="status_holder", size=2, permit_date="2026-11-02")],  # 21 days
        [muni(ZWOLLE, quota=0)],
    )
    plan = solve(s)
    assert plan.links == []
    p = s.policy
    per_person = (
        p.unlinked_eur_per_person_week
        + p.late_link_eur_per_person_week
        + 3 * p.wait_priority_eur_per_person_week_waited
    )
    assert plan.kpis.objective_terms_eur["unlinked"] == pytest.approx(2 * per_person)
    ev = plan_costs(build_instance(s), plan.placements, plan.links, plan.unplaced)
    assert ev["unlinked"] == pytest.approx(2 * per_person)
    assert plan.kpis.longest_wait_unlinked_days == 21


def test_a_far_municipality_beats_waiting() -> None:
    # The only quota left is in Amsterdam, ~90 km from Zwolle: EUR 90 a person against EUR 476.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S", "A", status="status_holder", size=3)],
        [muni(ZWOLLE, quota=0), muni(AMSTERDAM, quota=3)],
    )
    assert links(solve(s)) == {"S": AMSTERDAM}


def test_candidates_widen_when_the_nearest_run_out() -> None:
    # link_candidates=1: each status holder sees only its nearest municipality with room, Zwolle,
    # which has room for one. The other is linked to Amsterdam in the second round.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder"), hh("S2", "A", status="status_holder")],
        [muni(ZWOLLE, quota=1), muni(AMSTERDAM, quota=5)],
        link_candidates=1,
    )
    plan = solve(s)
    assert sorted(links(plan).values()) == sorted([AMSTERDAM, ZWOLLE])
    assert plan.kpis.unlinked_with_quota_left_households == 0


def test_unit_unlinked_prices_each_person_left_waiting() -> None:
    """Only the unlinked family: two households of 2 in one class, late (21 days, 3 weeks)."""
    import pyomo.environ as pyo

    from optimizer.model.families.unlinked import add_unlinked
    from tests.model.families.units import family_model, link

    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [
            hh("S1", "A", status="status_holder", size=2, permit_date="2026-11-02"),
            hh("S2", "A", status="status_holder", size=2, permit_date="2026-11-02"),
        ],
        [muni(ZWOLLE, quota=10)],
    )
    m, inst = family_model(s, add_unlinked)
    per_person = 476.0 + 476.0 + 3 * 20.0
    assert pyo.value(m.cost_unlinked) == pytest.approx(2 * 2 * per_person)
    m.v_link[link(inst, "S1", ZWOLLE)].set_value(1)
    assert pyo.value(m.cost_unlinked) == pytest.approx(2 * per_person)
