"""The horizon run: conservation, reproducibility, capacity and inflow properties (small scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from optimizer.documents.scenario import Scenario
from optimizer.whatif.documents import RunSpec, Simulation, Site, Start, Variant
from optimizer.whatif.simulate import (
    ARRIVAL,
    Simulator,
    half_year_of,
    inflow_for,
    iso_add,
    simulate,
    start_scenario,
)

START = Start(seed=5, scale=0.05, week="2026-W36", half_year="2026-H2", weeks_left=18)
TIMING = ["solve_seconds"]
GVL_WEST = Site(
    name="GVL Haarlemmermeer",
    gm_code="GM0394",
    kind="gvl",
    capacity=1000,
    opening_week=1,
    cost_per_bed_day=80.0,
    fixed_eur_per_week=60_000.0,
)


def _spec(horizon: int = 6, inflows: list[str] | None = None) -> RunSpec:
    return RunSpec(horizon_weeks=horizon, start=START, inflows=inflows or ["steady"])


def _run(variant: Variant, inflow: str = "steady", seed: int = 1, horizon: int = 6, start=None):
    spec = _spec(horizon, [inflow])
    s = start if start is not None else start_scenario(spec.start)
    return simulate(
        s, variant, inflow_for(spec, inflow), seed, horizon, Simulation(), START.scale
    ).weekly


def test_conservation_every_week() -> None:
    """arrivals - left - housed = change in residents + change in the emergency pool."""
    df = _run(Variant(name="base"), "2015-peak", horizon=8)
    lhs = df["arrivals_persons"] - df["left_rejected_persons"] - df["housed_persons"]
    rhs = (df["residents"] - df["residents_start"]) + (df["beds_short"] - df["beds_short_start"])
    assert (lhs == rhs).all(), pd.DataFrame({"lhs": lhs, "rhs": rhs})
    # the weeks chain: each week starts where the last one ended
    assert (df["residents_start"].iloc[1:].to_numpy() == df["residents"].iloc[:-1].to_numpy()).all()
    assert df["arrivals_persons"].sum() > 0 and df["housed_persons"].sum() > 0
    assert df["left_rejected_persons"].sum() > 0


def test_state_counts_match_households_and_scenarios_validate() -> None:
    """The per-location counts equal the households in them; each week's scenario is valid."""
    spec = _spec(4)
    sim = Simulator(
        start_scenario(spec.start),
        Variant(name="v", sites=[GVL_WEST]),
        inflow_for(spec, "steady"),
        3,
        Simulation(),
        START.scale,
        validate=True,
    )
    sim.run(4)
    p = sim.pop
    counts = np.zeros_like(sim.loc.res)
    inside = p.loc >= 0
    np.add.at(counts, p.loc[inside], p.size[inside])
    assert (counts == sim.loc.res).all()
    assert not ((p.status == ARRIVAL) & inside).any()  # arrivals end every week placed or pooled


def test_reproducible_same_seed_same_numbers() -> None:
    a = _run(Variant(name="base"), "steady", seed=7, horizon=5).drop(columns=TIMING)
    b = _run(Variant(name="base"), "steady", seed=7, horizon=5).drop(columns=TIMING)
    pd.testing.assert_frame_equal(a, b)
    c = _run(Variant(name="base"), "steady", seed=8, horizon=5).drop(columns=TIMING)
    assert not a["arrivals_persons"].equals(c["arrivals_persons"])


def test_ample_capacity_needs_no_emergency_beds() -> None:
    s = start_scenario(START)
    roomy = Scenario.model_validate(
        s.model_copy(
            update={
                "locations": [
                    loc.model_copy(update={"capacity": loc.capacity * 3}) for loc in s.locations
                ]
            }
        ).model_dump()
    )
    df = _run(Variant(name="roomy"), "2015-peak", horizon=6, start=roomy)
    assert (df["beds_short"] == 0).all(), df["beds_short"].tolist()
    assert df["arrivals_persons"].sum() > 0


def test_peak_needs_more_emergency_than_steady() -> None:
    steady = _run(Variant(name="base"), "steady", seed=1, horizon=8)
    peak = _run(Variant(name="base"), "2015-peak", seed=1, horizon=8)
    assert peak["arrivals_persons"].sum() > 1.3 * steady["arrivals_persons"].sum()
    assert peak["beds_short"].sum() > steady["beds_short"].sum()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_opening_a_site_never_increases_the_shortage(seed: int) -> None:
    base = _run(Variant(name="none"), "2015-peak", seed=seed, horizon=6)
    opened = _run(Variant(name="gvl", sites=[GVL_WEST]), "2015-peak", seed=seed, horizon=6)
    # common random numbers: the same arrivals in both runs
    assert base["arrivals_persons"].tolist() == opened["arrivals_persons"].tolist()
    assert (opened["beds_short"].to_numpy() <= base["beds_short"].to_numpy()).all(), (
        base["beds_short"].tolist(),
        opened["beds_short"].tolist(),
    )
    assert opened["site_fixed_eur"].iloc[1:].gt(0).all() and opened["site_fixed_eur"].iloc[0] == 0


def test_closure_empties_the_location() -> None:
    s = start_scenario(START)
    target = next(loc for loc in s.locations if loc.kind.value == "azc" and not loc.closing)
    v = Variant(name="close", closures=[{"location": target.id, "week": 1}])
    df = _run(v, "steady", horizon=3)
    assert df.loc[df["week"] >= 1, "moves_persons"].sum() >= target.residents * 0.5


def test_calendar() -> None:
    assert iso_add("2026-W52", 1)[0] == "2026-W53"
    assert iso_add("2026-W53", 1)[0] == "2027-W01"
    assert half_year_of(2026, 27) == ("2026-H2", 27)
    assert half_year_of(2027, 1) == ("2027-H1", 26)


def test_half_year_roll_resets_housed_and_renews_the_quota() -> None:
    start = Start(seed=5, scale=0.05, week="2026-W50", half_year="2026-H2", weeks_left=4)
    spec = RunSpec(horizon_weeks=6, start=start)
    sim = Simulator(
        start_scenario(start),
        Variant(name="v", national_quota=20_000),
        inflow_for(spec, "steady"),
        1,
        Simulation(),
        start.scale,
    )
    quota_before = int(sim.quota.sum())
    df = sim.run(6).weekly
    assert df["iso_week"].tolist()[3:5] == ["2026-W53", "2027-W01"]
    assert sim.half_year == "2027-H1"
    # the new half-year: 20,000 x 0.05 = 1,000 persons plus what was not housed before
    assert int(sim.quota.sum()) >= 1000
    assert quota_before >= 1000
    assert int(sim.housed.sum()) <= int(df["housed_persons"].iloc[4:].sum())
