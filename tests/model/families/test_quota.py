"""Families quota_cap (hard) and quota_pace (soft)."""

from tests.builders import AMSTERDAM, UTRECHT, ZWOLLE, hh, links, loc, muni, scenario, solve


def test_never_linked_above_remaining_quota() -> None:
    # remaining = 10 - 5 - 2 = 3 persons: one household of 2 fits, the second would exceed.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [
            hh("S1", "A", status="status_holder", size=2),
            hh("S2", "A", status="status_holder", size=2),
        ],
        [muni(ZWOLLE, quota=10, housed=5, linked=2)],
        weeks_left=1,
    )
    plan = solve(s)
    assert sum(lk.persons for lk in plan.links) == 2


def test_no_quota_left_no_link() -> None:
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder")],
        [muni(ZWOLLE, quota=10, housed=10)],
    )
    assert solve(s).links == []


def test_pace_spreads_links_over_municipalities() -> None:
    # Both have 10 left over 5 weeks: 2 persons each this week. Zwolle is nearest to all four
    # status holders, but beyond its 2 the pace of Amsterdam is worth more than the distance.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh(f"S{i}", "A", status="status_holder") for i in range(4)],
        [muni(ZWOLLE, quota=10), muni(AMSTERDAM, quota=10)],
        weeks_left=5,
    )
    plan = solve(s)
    per = {}
    for gm in links(plan).values():
        per[gm] = per.get(gm, 0) + 1
    assert per == {ZWOLLE: 2, AMSTERDAM: 2}
    assert plan.kpis.quota_pace_shortfall_persons == 0


def test_pace_shortfall_is_priced_at_a_week_of_waiting() -> None:
    # 1 status holder, 2 municipalities each needing 1 this week: one shortfall of 1 person.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder")],
        [muni(ZWOLLE, quota=5), muni(UTRECHT, quota=5)],
        weeks_left=5,
    )
    plan = solve(s)
    assert links(plan) == {"S1": ZWOLLE}
    assert plan.kpis.objective_terms_eur["quota_pace"] == 68.0 * 7


def test_max_links_per_week_binds() -> None:
    # 10 persons of quota left, but Zwolle states it takes at most 3 persons this week.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh(f"S{i}", "A", status="status_holder") for i in range(5)],
        [{**muni(ZWOLLE, quota=10), "max_links_per_week": 3}],
        weeks_left=1,
    )
    plan = solve(s)
    assert len(plan.links) == 3
    k = plan.kpis
    assert k.unlinked_households == 2
    assert k.unlinked_with_quota_left_households == 0  # its stated intake is reached
    [m] = k.municipalities
    assert m.cap_this_week == 3 and m.target_this_week == 3  # the pace is capped by the intake


def test_pinned_links_beyond_the_stated_intake_are_diagnosed() -> None:
    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder", size=4)],
        [{**muni(ZWOLLE, quota=10), "max_links_per_week": 1}],
    )
    s = type(s).model_validate({**s.model_dump(), "pins": [{"household": "S1", "gm_code": ZWOLLE}]})
    plan = solve(s)
    [v] = plan.diagnosis
    assert (v.family, v.amount) == ("quota_cap", 3)
    assert "stated intake of 1 persons this week" in v.message


def test_unit_quota_cap_row_is_the_weekly_cap() -> None:
    """Only quota_cap: the row's upper bound is min(remaining, max_links_per_week)."""
    import pyomo.environ as pyo

    from optimizer.model.families.quota import add_quota_cap
    from tests.model.families.units import family_model

    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 17)],
        [hh("S1", "A", status="status_holder")],
        [{**muni(ZWOLLE, quota=10), "max_links_per_week": 3}, muni(AMSTERDAM, quota=2)],
    )
    m, inst = family_model(s, add_quota_cap)
    assert pyo.value(m.quota_cap[inst.gm_index[ZWOLLE]].upper) == 3
    assert pyo.value(m.quota_cap[inst.gm_index[AMSTERDAM]].upper) == 2
    assert pyo.value(m.cost_quota_cap) == 0  # no pins: no elastic slack
