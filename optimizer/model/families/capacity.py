"""Hard family *capacity*: at the end of the week no open location holds more than its beds.

    e_end[l] = residents[l] - outflow[l] + inflow[l] <= capacity[l] + v_capacity_excess[l]

``v_capacity_excess`` is the elastic slack (persons above capacity that nothing in this week's
decisions can relieve, e.g. a location over capacity whose residents have nowhere suitable to go),
priced at the hard penalty.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
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


def diagnose(inst: Instance, excess: Mapping[int, float]) -> list[Finding]:
    out = []
    for i, x in sorted(excess.items()):
        if x <= 1e-6:
            continue
        loc, n = inst.locations[i], int(np.ceil(x - 1e-6))
        out.append(
            Finding(
                loc.id,
                n,
                f"{loc.name} ({loc.id}) ends the week {n} persons over its {loc.capacity} beds: "
                "no suitable free bed elsewhere for them",
            )
        )
    return out


FAMILY = Family(
    "capacity",
    Kind.elastic,
    "No location holds more residents than beds at the end of the week",
    HARD_PRICE,
    slack="v_capacity_excess",
    diagnose=diagnose,
)


def add_capacity(m: pyo.ConcreteModel, inst: Instance) -> None:
    open_locs = [i for i, loc in enumerate(inst.locations) if not loc.closing]
    if not open_locs:
        m.cost_capacity = pyo.Expression(expr=0.0)
        return
    m.v_capacity_excess = pyo.Var(open_locs, domain=pyo.NonNegativeReals)

    def rule(_m: pyo.ConcreteModel, i: int) -> object:
        return m.e_end[i] - m.v_capacity_excess[i] <= inst.locations[i].capacity

    m.capacity = pyo.Constraint(open_locs, rule=rule)
    m.cost_capacity = pyo.Expression(
        expr=lin((HARD_PENALTY_EUR_PER_PERSON, m.v_capacity_excess[i]) for i in open_locs)
    )
