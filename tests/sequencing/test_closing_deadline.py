"""closing_deadline: a closing location is empty by its closing day."""

from tests.sequencing.seq_helpers import GM, days_of, location, plan_of, run, scenario_of, singles


def _instance(n: int, moved: int) -> tuple:
    locs = [
        location("NO", 50, n, GM["westerwolde"], kind="noodopvang", closing=True),
        location("ZW", 100, 0, GM["zwolle"]),
    ]
    s = scenario_of(locs, singles("C", n, "NO"))
    return s, plan_of(s, [(f"C{i:02d}", "ZW") for i in range(moved)], reason="closing")


def test_empty_by_the_closing_day() -> None:
    seq = run(*_instance(6, 6), closing_days={"NO": 1}, departure_limits={"NO": 4})
    assert seq.status.value == "optimal" and max(days_of(seq, "C")) <= 1
    no = next(o for o in seq.occupancy if o.location == "NO")
    assert no.end_of_day[1:] == [0] * 6


def test_deadline_too_tight_for_the_departure_limit() -> None:
    seq = run(*_instance(6, 6), closing_days={"NO": 0}, departure_limits={"NO": 4})
    assert seq.status.value == "infeasible"
    fams = {v.family: v for v in seq.diagnosis}
    assert set(fams) <= {"closing_deadline", "departure_limit"} and fams
    assert all(v.where == ["NO"] for v in seq.diagnosis)


def test_plan_that_leaves_residents_behind() -> None:
    seq = run(*_instance(6, 4))
    assert seq.status.value == "infeasible"
    (v,) = seq.diagnosis
    assert v.family == "closing_deadline" and v.where == ["NO"] and v.amount == 2
    assert "still holds 2 person(s)" in v.message
