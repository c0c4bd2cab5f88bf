"""capacity: no location overfilled at the end of a day; departures free beds the same day.

Hand-checked instances:
- full destination freeing beds the same day: UT is full (10/10); a family of 3 leaves UT for AM
  and 3 singles arrive from ZW. In a one-day horizon the only order is both on day 0; it is
  feasible because departures free beds on their day (end-of-day occupancy 10 - 3 + 3 = 10).
- swap cycle ZW <-> UT, both exactly full: a family of 4 goes ZW -> UT, 4 singles UT -> ZW. UT needs
  the singles gone by the day the family arrives; ZW needs the family gone by the day any single
  arrives; so all five move on one day. With an intake limit of 2 households a day at ZW that is
  impossible (infeasible, the cycle named); with 2 free beds at ZW it works over two days
  (2 singles on day 0, then the family and 2 singles on day 1).
"""

from tests.sequencing.seq_helpers import GM, days_of, location, plan_of, run, scenario_of, singles


def test_full_destination_frees_beds_the_same_day() -> None:
    locs = [
        location("ZW", 50, 20, GM["zwolle"]),
        location("UT", 10, 10, GM["utrecht"]),
        location("AM", 50, 20, GM["amsterdam"]),
    ]
    hh = [*singles("S", 3, "ZW"), ("F", 3, 1, "resident", "UT"), ("U", 7, 0, "resident", "UT")]
    hh += [("Z", 17, 0, "resident", "ZW"), ("A", 20, 0, "resident", "AM")]
    s = scenario_of(locs, hh)
    p = plan_of(s, [("F", "AM"), *[(f"S{i:02d}", "UT") for i in range(3)]])
    seq = run(s, p, days=1)
    assert seq.status.value == "optimal"
    ut = next(o for o in seq.occupancy if o.location == "UT")
    assert ut.end_of_day == [10]
    # over a week the singles never arrive before the family has left
    seq = run(s, p)
    assert min(days_of(seq, "S")) >= days_of(seq, "F")[0]


def _swap(free_at_zw: int) -> tuple:
    locs = [
        location("ZW", 10 + free_at_zw, 10, GM["zwolle"]),
        location("UT", 10, 10, GM["utrecht"]),
    ]
    hh = [("F", 4, 2, "resident", "ZW"), ("Z", 6, 0, "resident", "ZW")]
    hh += [*singles("S", 4, "UT"), ("U", 6, 0, "resident", "UT")]
    s = scenario_of(locs, hh)
    return s, plan_of(s, [("F", "UT"), *[(f"S{i:02d}", "ZW") for i in range(4)]])


def test_swap_cycle_same_day_is_feasible() -> None:
    s, p = _swap(free_at_zw=0)
    seq = run(s, p)
    assert seq.status.value == "optimal"
    assert len({m.day for m in seq.moves}) == 1


def test_swap_cycle_infeasible_names_the_cycle() -> None:
    s, p = _swap(free_at_zw=0)
    seq = run(s, p, intake_limits={"ZW": 2})
    assert seq.status.value == "infeasible"
    assert seq.moves == []
    fams = {v.family: v for v in seq.diagnosis}
    assert set(fams) == {"capacity", "intake_limit"}
    assert sorted(fams["capacity"].where) == ["UT", "ZW"]
    assert "swap cycle ZW <-> UT" in fams["capacity"].message
    assert fams["intake_limit"].where == ["ZW"]


def test_swap_cycle_resolved_through_free_beds() -> None:
    s, p = _swap(free_at_zw=2)
    seq = run(s, p, intake_limits={"ZW": 2})
    assert seq.status.value == "optimal"
    fam_day = days_of(seq, "F")[0]
    singles_days = days_of(seq, "S")
    assert sum(d < fam_day for d in singles_days) == 2  # into ZW's two free beds first
    assert singles_days.count(fam_day) == 2  # the rest the day the family frees its beds


def test_location_over_capacity_at_start_receives_no_one_until_back_under() -> None:
    # Ter Apel counts its arrivals: 12 residents in 10 beds. 4 leave (2 on a bus to ZW each day at
    # most: departure limit 2), 1 single comes back from UT. It may only arrive once TA is at most
    # 9, i.e. after 3 departures, so not before day 1.
    locs = [
        location("TA", 10, 12, GM["westerwolde"], kind="gvl"),
        location("ZW", 50, 0, GM["zwolle"]),
        location("UT", 50, 1, GM["utrecht"]),
    ]
    hh = [*singles("A", 4, "TA", "arrival"), ("T", 8, 0, "resident", "TA")]
    hh += [("R", 1, 0, "resident", "UT")]
    s = scenario_of(locs, hh)
    p = plan_of(s, [*[(f"A{i:02d}", "ZW") for i in range(4)], ("R", "TA")])
    seq = run(s, p, departure_limits={"TA": 2})
    assert seq.status.value == "optimal"
    assert days_of(seq, "R")[0] >= 1
    ta = next(o for o in seq.occupancy if o.location == "TA")
    assert ta.end_of_day[0] == 10  # over capacity is not blamed, and nobody arrives meanwhile
