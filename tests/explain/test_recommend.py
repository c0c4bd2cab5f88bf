"""Recommendation: top 1 agrees with the full model where its choice is unique."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.documents.scenario import Household, Scenario
from optimizer.explain.recommend import recommend
from tests.builders import GMS_FOR_TESTS, WESTERWOLDE, dest, hh, loc, scenario, solve


@settings(max_examples=25, deadline=None)
@given(
    caps=st.lists(
        st.tuples(
            st.integers(5, 30),
            st.integers(0, 30),
            st.sampled_from(GMS_FOR_TESTS),
            st.integers(50, 130),
            st.booleans(),
        ),
        min_size=2,
        max_size=5,
    ),
    size=st.integers(1, 4),
    school=st.booleans(),
)
def test_top1_matches_the_model_when_unique(caps: list, size: int, school: bool) -> None:
    locs = [loc("TA", WESTERWOLDE, "gvl", 50, 10)]
    for i, (cap, res, gm, cost, sch) in enumerate(caps):
        locs.append(
            loc(
                f"L{i}",
                gm,
                "azc",
                cap,
                min(res, cap),
                cost_per_bed_day=float(cost),
                school_nearby=sch,
            )
        )
    new = hh("NEW", "TA", size=size, school_age_children=1 if school and size > 1 else 0)
    base = scenario(locs, [])
    plan0 = solve(base)
    r = recommend(base, plan0, Household.model_validate(new))
    # the full model on the scenario with the household in it (residents include it at TA)
    with_h = Scenario.model_validate(
        {
            **base.model_dump(),
            "locations": [{**locs[0], "residents": 10 + new["size"]}, *locs[1:]],
            "households": [new],
        }
    )
    full = solve(with_h)
    if len(r.options) >= 2 and r.options[1].eur - r.options[0].eur > 1.0:  # unique best
        assert dest(full).get("NEW", "TA") == r.options[0].where


def test_recommend_status_holder_gives_municipalities() -> None:
    from tests.builders import AMSTERDAM, ZWOLLE, muni

    s = scenario(
        [loc("A", ZWOLLE, "azc", 20, 10)], [], [muni(ZWOLLE, quota=10), muni(AMSTERDAM, quota=10)]
    )
    r = recommend(s, solve(s), Household.model_validate(hh("S", "A", status="status_holder")))
    assert [o.where for o in r.options] == [ZWOLLE, AMSTERDAM]
    assert r.seconds < 1.0
