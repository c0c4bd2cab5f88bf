"""departure_limit: at most N households leave a location per day (default 40)."""

from tests.sequencing.seq_helpers import GM, location, plan_of, run, scenario_of, singles


def _instance(n: int) -> tuple:
    locs = [location("ZW", 100, n, GM["zwolle"]), location("UT", 100, 0, GM["utrecht"])]
    s = scenario_of(locs, singles("R", n, "ZW"))
    return s, plan_of(s, [(f"R{i:02d}", "UT") for i in range(n)])


def test_departures_spread_over_days() -> None:
    seq = run(*_instance(10), departure_limits={"ZW": 3}, intake_limit=100)
    zw = next(o for o in seq.occupancy if o.location == "ZW")
    assert zw.departure_households[:4] == [3, 3, 3, 1]  # early rather than late


def test_departure_limit_breaks_in_a_short_horizon() -> None:
    seq = run(*_instance(10), departure_limits={"ZW": 3}, intake_limit=100, days=3)
    assert seq.status.value == "infeasible"
    (v,) = seq.diagnosis
    assert v.family == "departure_limit" and v.where == ["ZW"] and v.amount == 1
