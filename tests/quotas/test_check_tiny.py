"""A tiny province (3 municipalities of Drenthe) where every shortfall cause is known by hand.

weeks_left = 10, 35 status holders waiting in PV22, no new permits.

=====  ======  ======  ======  ======  ===========  ======  ========  ====  ===================
gm     target  housed  linked  cap/wk  cap x 10 wk  need    pipeline  room  cap x 26 vs target
=====  ======  ======  ======  ======  ===========  ======  ========  ====  ===================
A      50      20      0       5       50           30      0         30    130 >= 50
B      100     30      10      2       20           70      10        10    52 < 100
C      60      10      0       3       30           50      0         30    78 >= 60
=====  ======  ======  ======  ======  ===========  ======  ========  ====  ===================

Rooms sum to 70 but only 35 status holders: everyone gets half of its room (15, 5, 15).
A: reach 35, short 15, all supply -> regional_supply.
B: reach 30 + 10 + 5 = 45, short 55 = capacity 50 + supply 5 -> housing_capacity (52 < 100).
C: reach 25, short 35 = capacity 20 + supply 15 -> time_left (78 >= 60: it started too late).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.quotas.check import check_quotas, ladder_stage, pace_of
from optimizer.quotas.documents import (
    BindingCause,
    LadderStage,
    LadderThresholds,
    QuotaStatus,
)

A, B, C = "GM1680", "GM1681", "GM0106"  # Aa en Hunze, Borger-Odoorn, Assen (all PV22)


def status(
    munis: list[dict[str, Any]],
    stock: int = 35,
    forecast: float = 0.0,
    lead: int = 2,
    weeks_left: int = 10,
    **extra: Any,
) -> QuotaStatus:
    return QuotaStatus.model_validate(
        {
            "half_year": {"id": "2026-H2", "weeks_left": weeks_left},
            "municipalities": munis,
            "supply": {
                "waiting_by_province": {"PV22": stock},
                "forecast_new_permits_per_week": {"PV22": forecast},
                "lead_time_weeks": lead,
            },
            **extra,
        }
    )


TINY = [
    {"gm_code": A, "quota": 50, "housed": 20, "linked": 0, "housing_capacity_per_week": 5},
    {"gm_code": B, "quota": 100, "housed": 30, "linked": 10, "housing_capacity_per_week": 2},
    {"gm_code": C, "quota": 60, "housed": 10, "linked": 0, "housing_capacity_per_week": 3},
]


def test_each_cause_by_hand() -> None:
    res = check_quotas(status(TINY))
    assert res.solver.status == "Optimal"
    m = {r.gm_code: r for r in res.municipalities}
    expected = {
        # gm: (capacity_limit, need, pipeline, from supply, reachable, short, short_cap, cause)
        A: (50, 30, 0, 15, 35, 15, 0, BindingCause.regional_supply),
        B: (20, 70, 10, 5, 45, 55, 50, BindingCause.housing_capacity),
        C: (30, 50, 0, 15, 25, 35, 20, BindingCause.time_left),
    }
    for gm, (lim, need, pipe, sup, reach, short, short_cap, cause) in expected.items():
        r = m[gm]
        assert (r.capacity_limit, r.need, r.housed_from_pipeline) == (lim, need, pipe), gm
        assert (r.housed_from_supply, r.best_reachable, r.shortfall) == (sup, reach, short), gm
        assert (r.shortfall_capacity, r.shortfall_supply) == (short_cap, short - short_cap), gm
        assert r.binding_cause is cause, gm
    (pv,) = res.provinces
    assert pv.pv_code == "PV22"
    assert pv.supply_fill_share == pytest.approx(0.5)
    assert pv.supply_used == pytest.approx(35)
    assert pv.shortfall == 15 + 55 + 35
    assert pv.binding_cause is BindingCause.housing_capacity  # 50 vs time 20 vs supply 35
    assert "half-year" in m[C].explanation and "26 weeks" in m[B].explanation


def test_ample_supply_leaves_only_capacity_causes() -> None:
    res = check_quotas(status(TINY, stock=1000))
    m = {r.gm_code: r for r in res.municipalities}
    assert m[A].binding_cause is BindingCause.none and m[A].best_reachable == 50
    assert m[B].shortfall == 50 and m[B].binding_cause is BindingCause.housing_capacity
    assert m[C].shortfall == 20 and m[C].binding_cause is BindingCause.time_left


def test_new_permits_arrive_after_the_lead_time() -> None:
    """No stock, 4 permits a week, lead 6 of 10 weeks: only 16 usable, A alone needs 30."""
    one = [TINY[0]]
    res = check_quotas(status(one, stock=0, forecast=4, lead=6))
    (r,) = res.municipalities
    assert res.provinces[0].supply_new_permits_usable == pytest.approx(16)
    assert r.housed_from_supply == 16 and r.shortfall == 14
    assert r.binding_cause is BindingCause.regional_supply
    res = check_quotas(status(one, stock=0, forecast=4, lead=10))
    assert res.municipalities[0].housed_from_supply == 0


def test_late_supply_against_weekly_capacity() -> None:
    """Enough permits in total (10 x 10), but A houses at most 5 a week and nothing arrives in the
    first two weeks: 8 weeks x 5 = 40 >= 30, so A still makes it; at 3/week it cannot."""
    one = [dict(TINY[0])]
    res = check_quotas(status(one, stock=0, forecast=10, lead=2))
    assert res.municipalities[0].shortfall == 0
    one[0]["housing_capacity_per_week"] = 3.4  # 34 in 10 weeks, but 27.2 in the 8 with supply
    r = check_quotas(status(one, stock=0, forecast=10, lead=2)).municipalities[0]
    assert r.capacity_limit == 34 and r.best_reachable == 20 + 27
    assert r.binding_cause is BindingCause.regional_supply


def test_backlog_adds_to_the_target_and_pipeline_counts() -> None:
    munis = [{**TINY[0], "backlog": 5, "linked": 4}]
    r = check_quotas(status(munis, stock=1000)).municipalities[0]
    assert r.target == 55 and r.need == 35
    assert r.housed_from_pipeline == 4 and r.housed_from_supply == 31 and r.shortfall == 0


def test_capacity_from_history_and_quota_pace() -> None:
    munis = [{"gm_code": A, "quota": 52, "housed": 32}]
    r = check_quotas(status(munis, stock=1000, weeks_left=10)).municipalities[0]
    assert r.capacity_source == "history" and r.housing_capacity_per_week == pytest.approx(2.0)
    r = check_quotas(status(munis, stock=1000, weeks_left=24)).municipalities[0]
    assert r.capacity_source == "quota_pace" and r.housing_capacity_per_week == pytest.approx(2.0)


def test_ladder_stage_thresholds_configurable() -> None:
    lad = LadderThresholds()
    assert ladder_stage(None, lad) is LadderStage.on_track
    assert ladder_stage(0.95, lad) is LadderStage.on_track
    assert ladder_stage(0.8, lad) is LadderStage.behind
    assert ladder_stage(0.5, lad) is LadderStage.far_behind
    # 16 of 26 weeks elapsed: expected 50 x 16/26 = 30.8; A has 20 -> pace 0.65
    assert pace_of(50, 20, 0, 10) == pytest.approx(20 / (50 * 16 / 26))
    res = check_quotas(status(TINY))
    assert {r.gm_code: r.ladder_stage for r in res.municipalities}[A] is LadderStage.far_behind
    res = check_quotas(status(TINY, ladder={"on_track_min": 0.6, "behind_min": 0.3}))
    assert {r.gm_code: r.ladder_stage for r in res.municipalities}[A] is LadderStage.on_track


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 80),  # quota
            st.integers(0, 40),  # housed
            st.integers(0, 15),  # linked
            st.integers(0, 8),  # capacity per week
        ),
        min_size=3,
        max_size=3,
    ),
    stock=st.integers(0, 200),
)
def test_lp_matches_the_hand_rule_when_supply_is_stock(
    data: list[tuple[int, int, int, int]], stock: int
) -> None:
    """Stock only: everyone gets min(1, stock / sum room) of its room, and the causes add up."""
    munis = [
        {"gm_code": g, "quota": q, "housed": h, "linked": k, "housing_capacity_per_week": c}
        for g, (q, h, k, c) in zip((A, B, C), data, strict=True)
    ]
    res = check_quotas(status(munis, stock=stock, weeks_left=10))
    rows = {r.gm_code: r for r in res.municipalities}
    rooms = {}
    for g, (q, h, k, c) in zip((A, B, C), data, strict=True):
        need = max(0, q - h)
        reach_cap = min(need, c * 10)
        rooms[g] = (h, min(k, reach_cap), reach_cap - min(k, reach_cap), need, q)
    total_room = sum(v[2] for v in rooms.values())
    share = 1.0 if total_room == 0 else min(1.0, stock / total_room)
    for g, (_h, pipe, room, _need, q) in rooms.items():
        r = rows[g]
        assert r.housed_from_pipeline == pipe
        assert abs(r.housed_from_supply - share * room) < 1.0
        assert r.shortfall == max(0, q - r.best_reachable)
        assert r.shortfall_capacity + r.shortfall_supply == r.shortfall
        assert (r.shortfall == 0) == (r.binding_cause is BindingCause.none)
