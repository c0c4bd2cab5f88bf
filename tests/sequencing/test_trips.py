"""trips: at most `seats` persons per bus, one origin and destination, buses per day limited."""

from tests.sequencing.seq_helpers import GM, location, plan_of, run, scenario_of, singles


def test_full_buses_and_the_lower_bound() -> None:
    locs = [location("ZW", 200, 60, GM["zwolle"]), location("UT", 200, 0, GM["utrecht"])]
    hh = [("F", 5, 3, "resident", "ZW"), *singles("R", 55, "ZW")]
    s = scenario_of(locs, hh)
    p = plan_of(s, [("F", "UT"), *[(f"R{i:02d}", "UT") for i in range(55)]])
    seq = run(s, p, intake_limit=100, departure_limit=100)
    assert seq.bound_trips == 2  # ceil(60 / 50)
    assert len(seq.trips) == 2 and all(t.persons <= 50 for t in seq.trips)


def test_large_households_are_not_split_over_buses() -> None:
    # three households of 20 = 60 persons: ceil(60/50) = 2 buses would need a split; 3 seats 20+20
    locs = [location("ZW", 200, 60, GM["zwolle"]), location("UT", 200, 0, GM["utrecht"])]
    hh = [(f"F{i}", 20, 0, "resident", "ZW") for i in range(3)]
    s = scenario_of(locs, hh)
    seq = run(s, plan_of(s, [(f"F{i}", "UT") for i in range(3)]), days=1)
    assert seq.status.value == "optimal" and len(seq.trips) == 2
    assert sorted(t.persons for t in seq.trips) == [20, 40]


def test_buses_per_day_spread_the_trips() -> None:
    locs = [location(x, 100, 20, GM["utrecht"]) for x in ("A", "B", "C")]
    hh = [*singles("A", 20, "A"), *singles("B", 20, "B"), *singles("C", 20, "C")]
    s = scenario_of(locs, hh)
    p = plan_of(
        s,
        [(f"A{i:02d}", "B") for i in range(20)]
        + [(f"B{i:02d}", "C") for i in range(20)]
        + [(f"C{i:02d}", "A") for i in range(20)],
    )
    seq = run(s, p, buses_per_day=1)
    assert len(seq.trips) == 3 and len({t.day for t in seq.trips}) == 3
    seq = run(s, p, buses_per_day=1, days=2)
    assert seq.status.value == "infeasible"
    fams = [v.family for v in seq.diagnosis]
    assert "trips" in fams
