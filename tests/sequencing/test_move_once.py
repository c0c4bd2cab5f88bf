"""move_once: every move of the plan happens exactly once, in one trip; unplaced are not moves."""

from tests.sequencing.seq_helpers import GM, location, plan_of, run, scenario_of, singles


def test_every_move_once_and_households_travel_together() -> None:
    locs = [
        location("TA", 2000, 12, GM["westerwolde"], kind="gvl"),
        location("ZW", 100, 40, GM["zwolle"]),
        location("UT", 100, 40, GM["utrecht"]),
    ]
    hh = [("F1", 5, 2, "arrival", "TA"), ("F2", 4, 0, "arrival", "TA")]
    hh += singles("S", 3, "TA", "arrival") + [("X1", 1, 0, "resident", "ZW")]
    s = scenario_of(locs, hh)
    p = plan_of(s, [("F1", "ZW"), ("F2", "UT"), ("S00", "UT"), ("S01", "ZW")], unplaced=["S02"])
    seq = run(s, p)
    assert seq.status.value == "optimal"
    assert sorted(m.household for m in seq.moves) == ["F1", "F2", "S00", "S01"]  # not S02
    trip_of = {m.household: m.trip for m in seq.moves}
    assert trip_of["F1"] == trip_of["S01"]  # same origin, destination: one bus
    assert len(seq.trips) == 2 == seq.bound_trips
    ta = next(o for o in seq.occupancy if o.location == "TA")
    assert ta.start == 12 and ta.end_of_day[-1] == 0  # unplaced S02 left on day 0, the rest moved


def test_no_moves_gives_an_empty_sequence() -> None:
    s = scenario_of([location("ZW", 10, 1, GM["zwolle"])], [("A", 1, 0, "resident", "ZW")])
    seq = run(s, plan_of(s, []))
    assert seq.status.value == "optimal" and seq.moves == [] and seq.trips == []
