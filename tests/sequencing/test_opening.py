"""opening: a location opening later receives no one earlier."""

from tests.sequencing.seq_helpers import GM, days_of, location, plan_of, run, scenario_of, singles


def test_no_arrivals_before_opening() -> None:
    locs = [location("ZW", 100, 5, GM["zwolle"]), location("AM", 100, 0, GM["amsterdam"])]
    s = scenario_of(locs, singles("R", 5, "ZW"))
    p = plan_of(s, [(f"R{i:02d}", "AM") for i in range(5)])
    seq = run(s, p, opening_days={"AM": 3})
    assert days_of(seq, "R") == [3] * 5
    seq = run(s, p, opening_days={"AM": 3}, days=4, intake_limits={"AM": 2})
    assert seq.status.value == "infeasible"
    assert {v.family for v in seq.diagnosis} <= {"opening", "intake_limit"}
    assert all(v.where == ["AM"] for v in seq.diagnosis)
