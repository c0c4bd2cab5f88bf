"""Soft families: few trips, early moves, school-age children on days without school, spread."""

import datetime as dt

from tests.sequencing.seq_helpers import GM, days_of, location, plan_of, run, scenario_of, singles


def _two_locations(hh: list, moves: list, cap: int = 100) -> tuple:
    locs = [location("ZW", cap, 50, GM["zwolle"]), location("UT", cap, 0, GM["utrecht"])]
    s = scenario_of(locs, hh)  # the other residents of ZW are not listed: they stay
    return s, plan_of(s, moves)


def test_moves_early_and_in_one_bus() -> None:
    s, p = _two_locations(singles("R", 10, "ZW"), [(f"R{i:02d}", "UT") for i in range(10)])
    seq = run(s, p)
    assert days_of(seq, "R") == [0] * 10 and len(seq.trips) == 1


def test_school_children_move_at_the_weekend() -> None:
    # 2026-W48 starts on Monday 23 November: days 5 and 6 are the weekend
    s, p = _two_locations([("F", 4, 2, "resident", "ZW")], [("F", "UT")])
    seq = run(s, p)
    assert seq.days[5].isoweekday() == 6 and days_of(seq, "F") == [5]
    assert seq.objective_terms["school_days"] == 0


def test_school_holiday_counts_as_a_free_day() -> None:
    s, p = _two_locations([("F", 4, 2, "resident", "ZW")], [("F", "UT")])
    seq = run(s, p, days=3, holidays=[dt.date(2026, 11, 24)])
    assert days_of(seq, "F") == [1]


def test_no_free_day_in_the_horizon_moves_early() -> None:
    s, p = _two_locations([("F", 4, 2, "resident", "ZW")], [("F", "UT")])
    seq = run(s, p, days=3)
    assert days_of(seq, "F") == [0]


def test_intake_spread_over_days() -> None:
    # UT receives 10 singles from ZW and 10 from AM: one bus each whatever the day; spreading
    # (peak 10: 4 * 10 + 2 * 10 household-days of delay = 60) beats all on day 0 (peak 20: 80).
    locs = [
        location("ZW", 100, 10, GM["zwolle"]),
        location("AM", 100, 10, GM["amsterdam"]),
        location("UT", 100, 0, GM["utrecht"]),
    ]
    s = scenario_of(locs, [*singles("Z", 10, "ZW"), *singles("A", 10, "AM")])
    p = plan_of(
        s, [(f"Z{i:02d}", "UT") for i in range(10)] + [(f"A{i:02d}", "UT") for i in range(10)]
    )
    seq = run(s, p)
    ut = next(o for o in seq.occupancy if o.location == "UT")
    assert sorted(ut.intake_households, reverse=True)[:2] == [10, 10] and len(seq.trips) == 2
