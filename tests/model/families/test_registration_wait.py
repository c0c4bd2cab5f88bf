"""Family registration_wait: an arrival waits in a free bed of its own col/gvl rather than have no
bed; unplaced means no bed anywhere it may go."""

import pytest

from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, dest, hh, loc, scenario, solve


def test_waits_at_its_own_gvl_when_every_suitable_bed_is_taken() -> None:
    # A kansrijk arrival belongs in an azc; the only azc is full. The gvl has beds (its own).
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 3), loc("A", ZWOLLE, "azc", 10, 10)],
        [hh("K", "TA", size=2)],
    )
    plan = solve(s)
    assert plan.unplaced == [] and dest(plan) == {}
    [w] = plan.registration_waits
    assert (w.household, w.persons, w.location) == ("K", 2, "TA")
    assert w.reason.startswith("Waits in a free bed of GVL TA (TA): every location for its track")
    k = plan.kpis
    assert (k.beds_short, k.registration_wait_persons) == (0, 2)
    assert k.objective_terms_eur["registration_wait"] == pytest.approx(2 * 2000.0)
    assert plan.status.value == "optimal"


def test_a_suitable_bed_beats_waiting() -> None:
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 3),
            loc("A", ZWOLLE, "noodopvang", 10, 5, cost_per_bed_day=180.0),
        ],
        [hh("K", "TA", size=2)],
    )
    plan = solve(s)
    assert dest(plan) == {"K": "A"}  # even the expensive noodopvang: EUR 2,520 < 4,000 wait
    assert plan.registration_waits == []


def test_unplaced_only_when_its_own_gvl_is_over_its_beds() -> None:
    # Ter Apel holds 12 against 10 beds (a court order): two persons must leave it, and the azc is
    # full, so the two singles are unplaced; the rest wait.
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 12), loc("A", ZWOLLE, "azc", 10, 10)],
        [hh(f"K{i}", "TA") for i in range(4)],
    )
    plan = solve(s)
    assert len(plan.unplaced) == 2 and len(plan.registration_waits) == 2
    u = plan.unplaced[0]
    assert u.location == "TA"
    assert u.reason == (
        "Waits at GVL TA (TA) without a bed: the one location it may go to "
        "(azc/noodopvang/pol) is full at the end of the week, and GVL TA itself has no free bed "
        "left for 1 person."
    )
    assert plan.kpis.locations[0].residents_end == 10  # capacity stays hard


def test_unaccompanied_minors_never_wait_among_adults() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 3), loc("M", UTRECHT, "amv", 5, 5, accepts_amv=True)],
        [hh("M1", "TA", amv=True)],
    )
    plan = solve(s)
    [u] = plan.unplaced
    assert plan.registration_waits == []
    assert "unaccompanied minors may not wait in a location for adults" in u.reason


def test_process_track_arrival_stays_without_a_wait_price() -> None:
    # A dublin arrival belongs at a col/gvl: staying is a suitable stay, not a wait.
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 3)],
        [hh("D", "TA", track="dublin")],
    )
    plan = solve(s)
    assert plan.registration_waits == [] and plan.unplaced == []
    assert plan.kpis.arrivals_staying_persons == 1


def test_unit_wait_arc_only_where_the_track_belongs_elsewhere() -> None:
    """Only the arc costs: the kansrijk arrival has a wait arc at its gvl priced at EUR 2,000 a
    person; the dublin arrival's stay at the same gvl is a suitable stay without that price."""
    import pyomo.environ as pyo

    from optimizer.model.families.costs import add_arc_costs
    from tests.model.families.units import arc, family_model

    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 4), loc("A", ZWOLLE, "azc", 10, 5)],
        [hh("K", "TA", size=2), hh("D", "TA", size=2, track="dublin")],
    )
    m, inst = family_model(s, add_arc_costs)
    wait, stay = arc(inst, "K", "TA"), arc(inst, "D", "TA")
    assert inst.arc_wait[wait] and not inst.arc_wait[stay]
    m.v_place[wait].set_value(1)
    m.v_place[stay].set_value(1)
    assert pyo.value(m.cost_registration_wait) == pytest.approx(2 * 2000.0)
    with pytest.raises(KeyError):  # the dublin arrival may not go to an azc at all
        arc(inst, "D", "A")
