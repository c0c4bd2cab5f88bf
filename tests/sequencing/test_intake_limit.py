"""intake_limit: at most N households arrive at a location per day (default 25)."""

from tests.sequencing.seq_helpers import GM, location, plan_of, run, scenario_of, singles


def _instance(n: int) -> tuple:
    locs = [location("TA", 2000, n, GM["westerwolde"], kind="gvl"), location("ZW", 100, 0)]
    s = scenario_of(locs, singles("A", n, "TA", "arrival"))
    return s, plan_of(s, [(f"A{i:02d}", "ZW") for i in range(n)])


def test_default_limit_spreads_30_arrivals_over_two_days() -> None:
    seq = run(*_instance(30))
    zw = next(o for o in seq.occupancy if o.location == "ZW")
    assert max(zw.intake_households) <= 25 and sum(zw.intake_households) == 30
    assert sum(1 for n in zw.intake_households if n) == 2
    assert len(seq.trips) == 2  # 25 + 5 persons: two buses whatever the order


def test_per_location_override() -> None:
    seq = run(*_instance(12), intake_limits={"ZW": 4})
    zw = next(o for o in seq.occupancy if o.location == "ZW")
    assert max(zw.intake_households) == 4 and sum(1 for n in zw.intake_households if n) == 3


def test_limit_too_low_for_the_horizon_is_diagnosed() -> None:
    seq = run(*_instance(30), days=1)
    assert seq.status.value == "infeasible"
    (v,) = seq.diagnosis
    assert v.family == "intake_limit" and v.where == ["ZW"] and v.days == [0] and v.amount == 5
