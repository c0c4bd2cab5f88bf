"""Largest remainder (Hamilton): exact totals, within one of the exact share, order-preserving."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.quotas.apportion import largest_remainder
from optimizer.quotas.compute import compute_quotas

weights_st = st.lists(st.integers(min_value=1, max_value=1_000_000), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=200_000), weights=weights_st)
def test_sum_exact_and_within_one_of_exact_share(total: int, weights: list[int]) -> None:
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    s = sum(weights)
    for p, w in zip(parts, weights, strict=True):
        exact = total * w / s
        assert math.floor(exact) <= p <= math.ceil(exact)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=50_000), weights=weights_st)
def test_order_preserving(total: int, weights: list[int]) -> None:
    """A larger population never gets a smaller quota."""
    parts = largest_remainder(total, weights)
    for i in range(len(weights)):
        for j in range(len(weights)):
            if weights[i] > weights[j]:
                assert parts[i] >= parts[j]


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=50_000), weights=weights_st)
def test_one_more_person_moves_each_part_by_at_most_one(total: int, weights: list[int]) -> None:
    """Total + 1: the sum rises by exactly one and no part moves by more than one."""
    a, b = largest_remainder(total, weights), largest_remainder(total + 1, weights)
    assert sum(b) - sum(a) == 1
    assert all(abs(y - x) <= 1 for x, y in zip(a, b, strict=True))


def test_alabama_paradox_is_a_property_of_the_legal_method() -> None:
    """Hamilton is not monotone in the total: one more seat can cost a part one (documented)."""
    assert largest_remainder(10, [6, 6, 2]) == [4, 4, 2]
    assert largest_remainder(11, [6, 6, 2]) == [5, 5, 1]


@settings(max_examples=25, deadline=None)
@given(
    national=st.integers(min_value=0, max_value=40_000),
    backlog=st.dictionaries(
        st.sampled_from(["GM0014", "GM0034", "GM0363", "GM0599", "GM1680"]),
        st.integers(min_value=0, max_value=500),
        max_size=5,
    ),
)
def test_compute_quotas_national_plus_backlog(national: int, backlog: dict[str, int]) -> None:
    res = compute_quotas("2026-H2", national, backlog)
    assert len(res.municipalities) == 342
    assert sum(r.quota for r in res.municipalities) == national
    assert sum(r.total for r in res.municipalities) == national + sum(backlog.values())
    assert res.total == national + sum(backlog.values())


def test_compute_quotas_issue_example() -> None:
    res = compute_quotas("2026-H2", 10_500)
    assert sum(r.quota for r in res.municipalities) == 10_500
    amsterdam = next(r for r in res.municipalities if r.gm_code == "GM0363")
    assert amsterdam.quota > 500  # ~5% of the population


@pytest.mark.parametrize(
    ("half_year", "national", "backlog", "match"),
    [
        ("2026-H3", 10, None, "half_year: .*'2026-H3'"),
        ("2026H2", 10, None, "half_year: .*'2026H2'"),
        ("2026-H2", -1, None, "national: .*-1"),
        ("2026-H2", 10, {"GM9999": 3}, "backlog: unknown municipality code 'GM9999'"),
        ("2026-H2", 10, {"GM0014": -3}, r"backlog\[GM0014\]: .*-3"),
    ],
)
def test_compute_quotas_rejects_bad_input(
    half_year: str, national: int, backlog: dict[str, int] | None, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        compute_quotas(half_year, national, backlog)
