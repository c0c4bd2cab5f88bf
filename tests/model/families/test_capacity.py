"""Family capacity: no open location ends the week above its beds."""

from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, hh, loc, scenario, solve


def test_overfull_gvl_is_relieved_to_capacity() -> None:
    # Ter Apel holds 14 for 10 beds (arrivals included): at least 4 arrivals must leave.
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 14), loc("A", ZWOLLE, "azc", 20, 10)],
        [hh(f"H{i}", "TA") for i in range(8)],
    )
    plan = solve(s)
    end = {k.id: k.residents_end for k in plan.kpis.locations}
    assert end["TA"] <= 10 and end["A"] <= 20
    assert plan.diagnosis == []


def test_capacity_that_cannot_hold_is_diagnosed_with_the_amount() -> None:
    # An azc 2 over capacity whose residents are dublin track: no suitable place elsewhere.
    s = scenario(
        [loc("A", ZWOLLE, "azc", 10, 12), loc("B", UTRECHT, "azc", 20, 5)],
        [hh(f"R{i}", "A", status="resident", track="dublin") for i in range(12)],
    )
    plan = solve(s)
    assert plan.status.value == "infeasible"
    [v] = plan.diagnosis
    assert (v.family, v.where, v.amount) == ("capacity", "A", 2)
    assert "2 persons over its 10 beds" in v.message


def test_unit_capacity_rows_and_penalty() -> None:
    """Only capacity: one row per open location (none for a closing one); each person above the
    beds is priced at the hard penalty and diagnosed with the place and the persons."""
    import pyomo.environ as pyo

    from optimizer.model.families.capacity import FAMILY, add_capacity
    from tests.model.families.units import family_model

    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 12),
            loc("A", ZWOLLE, "azc", 10, 5),
            loc("N", UTRECHT, "noodopvang", 10, 1, closing=True),
        ],
        [hh("R", "N", status="resident")],
    )
    m, inst = family_model(s, add_capacity)
    assert sorted(m.capacity) == sorted([inst.loc_index["TA"], inst.loc_index["A"]])
    ta = inst.loc_index["TA"]
    m.v_capacity_excess[ta].set_value(2)
    assert pyo.value(m.cost_capacity) == 2_000_000.0
    assert FAMILY.diagnose is not None
    [f] = FAMILY.diagnose(inst, {ta: 2.0})
    assert (f.where, f.persons) == ("TA", 2) and "2 persons over its 10 beds" in f.message
