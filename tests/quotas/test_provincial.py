"""Measure 6.3.2: a province never gets less than the sum of its municipalities' quotas."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.quotas.check import select_province
from optimizer.quotas.documents import QuotaStatus
from optimizer.quotas.example import example_status
from optimizer.quotas.provincial import provincial_variant

A, B, C = "GM1680", "GM1681", "GM0106"  # Drenthe (PV22)


def _invariants(s: QuotaStatus) -> None:
    res = provincial_variant(s)
    by_gm = {m.gm_code: m for m in s.municipalities}
    for p in res.provinces:
        mine = [m for m in res.municipalities if m.pv_code == p.pv_code]
        done = sum(by_gm[m.gm_code].housed + by_gm[m.gm_code].linked for m in mine)
        assert p.pro_rata_total == sum(m.pro_rata_quota for m in mine)
        assert p.provincial_total == sum(m.provincial_quota for m in mine)
        assert p.provincial_total >= p.pro_rata_total
        assert p.provincial_total == max(p.pro_rata_total, done)
        for m in mine:
            st_ = by_gm[m.gm_code]
            assert m.provincial_quota >= st_.housed + st_.linked
            assert m.difference == m.provincial_quota - m.pro_rata_quota
        assert set(p.takes_more) == {m.gm_code for m in mine if m.difference > 0}


@pytest.mark.parametrize(("seed", "weeks_left"), [(1, 26), (2, 12), (3, 4), (4, 1)])
def test_never_less_than_the_sum_national(seed: int, weeks_left: int) -> None:
    s = example_status(seed=seed, weeks_left=weeks_left)
    _invariants(s)
    res = provincial_variant(s)
    assert len(res.provinces) == 12 and len(res.municipalities) == 342
    assert all(p.gain_persons_in_time >= 0 for p in res.provinces)


@settings(max_examples=30, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 120),  # quota
            st.integers(0, 150),  # housed (may exceed the quota)
            st.integers(0, 20),  # linked
            st.floats(0, 10, allow_nan=False),  # capacity per week
        ),
        min_size=3,
        max_size=3,
    ),
    stock=st.integers(0, 300),
    forecast=st.floats(0, 30, allow_nan=False),
    weeks_left=st.integers(1, 26),
)
def test_never_less_than_the_sum_property(
    data: list[tuple[int, int, int, float]], stock: int, forecast: float, weeks_left: int
) -> None:
    munis = [
        {"gm_code": g, "quota": q, "housed": h, "linked": k, "housing_capacity_per_week": c}
        for g, (q, h, k, c) in zip((A, B, C), data, strict=True)
    ]
    s = QuotaStatus.model_validate(
        {
            "half_year": {"id": "2026-H2", "weeks_left": weeks_left},
            "municipalities": munis,
            "supply": {
                "waiting_by_province": {"PV22": stock},
                "forecast_new_permits_per_week": {"PV22": forecast},
            },
        }
    )
    _invariants(s)


def test_capacity_and_nearby_supply_shift_the_quota() -> None:
    """A can house 10 a week next to 200 waiting status holders; B and C house 1 a week.
    Pro rata each has 40 left; under 6.3.2 A takes more, B and C less, and more are housed."""
    munis = [
        {"gm_code": A, "quota": 40, "housing_capacity_per_week": 10},
        {"gm_code": B, "quota": 40, "housing_capacity_per_week": 1},
        {"gm_code": C, "quota": 40, "housing_capacity_per_week": 1},
    ]
    s = QuotaStatus.model_validate(
        {
            "half_year": {"id": "2026-H2", "weeks_left": 10},
            "municipalities": munis,
            "supply": {"waiting": [{"gm_code": A, "persons": 200}]},
        }
    )
    res = provincial_variant(s)
    m = {r.gm_code: r for r in res.municipalities}
    (p,) = res.provinces
    # A: capacity 100 in 10 weeks; B, C: 10 each. 120 to place: A 100, B 10, C 10.
    assert (m[A].linked_new, m[B].linked_new, m[C].linked_new) == (100, 10, 10)
    assert m[A].km_per_person == 0.0
    assert p.takes_more == [A] and sorted(p.takes_less) == sorted([B, C])
    assert p.provincial_total == p.pro_rata_total == 120
    assert p.housed_in_time_pro_rata == 40 + 10 + 10
    assert p.housed_in_time_provincial == 120 and p.gain_persons_in_time == 60
    assert p.weeks_to_complete_pro_rata == pytest.approx(40.0)  # B and C at 1 a week
    assert p.weeks_to_complete_provincial == pytest.approx(10.0)
    assert p.gain_weeks == pytest.approx(30.0)


def test_one_province_only() -> None:
    s = select_province(example_status(), "PV29")
    res = provincial_variant(s)
    assert [p.pv_code for p in res.provinces] == ["PV29"]
    with pytest.raises(ValueError, match="no municipalities of 'PV99'"):
        select_province(s, "PV99")
