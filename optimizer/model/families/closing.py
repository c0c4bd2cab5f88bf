"""Hard family *closing*: a closing location ends the week empty.

Every household at a closing location belongs to a closing class c and must leave:
    sum_a v_place[a] + v_closing_stuck[c] = n_c
``v_closing_stuck`` is the elastic slack (households with nowhere suitable to go), priced at the hard
penalty; any value above zero makes the plan infeasible with the location and persons named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyomo.core as pyo

from optimizer.model.families.base import (
    HARD_PENALTY_EUR_PER_PERSON,
    HARD_PRICE,
    Family,
    Finding,
    Kind,
)
from optimizer.model.instance import Instance
from optimizer.model.linear import lin


def diagnose(inst: Instance, stuck: Mapping[int, float]) -> list[Finding]:
    """Households stuck per closing class, grouped by their closing location."""
    at: dict[int, int] = defaultdict(int)
    for c, n in stuck.items():
        if n > 0.5:
            at[inst.classes[c].key.origin] += round(n) * inst.classes[c].persons
    out = []
    for o, persons in sorted(at.items()):
        loc = inst.locations[o]
        out.append(
            Finding(
                loc.id,
                persons,
                f"{loc.name} ({loc.id}) is closing but {persons} residents have no suitable free "
                "bed elsewhere",
            )
        )
    return out


FAMILY = Family(
    "closing",
    Kind.elastic,
    "Closing locations end the week empty",
    HARD_PRICE,
    slack="v_closing_stuck",
    diagnose=diagnose,
)


def add_closing(m: pyo.ConcreteModel, inst: Instance) -> None:
    closing = inst.classes_with_role("closing")
    if not closing:
        m.cost_closing = pyo.Expression(expr=0.0)
        return
    m.v_closing_stuck = pyo.Var(
        closing, domain=pyo.NonNegativeIntegers, bounds=lambda _m, c: (0, inst.classes[c].n)
    )

    def rule(_m: pyo.ConcreteModel, c: int) -> object:
        e = lin([(1.0, m.place_vars[a]) for a in m.arcs_of[c]] + [(1.0, m.v_closing_stuck[c])])
        return e == inst.classes[c].n

    m.closing = pyo.Constraint(closing, rule=rule)
    m.cost_closing = pyo.Expression(
        expr=lin(
            (HARD_PENALTY_EUR_PER_PERSON * inst.classes[c].persons, m.v_closing_stuck[c])
            for c in closing
        )
    )
