"""Soft family *stability*: replanning changes as little as it must.

For every class c whose households had a decision in the previous plan (a destination or a
municipality, ``key.previous``), each household not given that decision again costs
``policy.change_eur_per_decision``:
    cost_stability = w * sum_c (n_c - v[arc of c to its previous destination])
(a constant minus a bonus, so the expression is the number of changed decisions times w).
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.model.families.base import Family, Kind
from optimizer.model.instance import Instance
from optimizer.model.linear import lin

FAMILY = Family(
    "stability",
    Kind.soft,
    "Decisions of the previous plan kept",
    "policy.change_eur_per_decision per decision changed (replanning only)",
)


def add_stability(m: pyo.ConcreteModel, inst: Instance) -> None:
    w = inst.scenario.policy.change_eur_per_decision
    terms: list[tuple[float, pyo.Var]] = []
    const = 0.0
    for c, cls in enumerate(inst.classes):
        prev = cls.key.previous
        if prev < 0:
            continue
        const += w * cls.n
        if cls.key.role == "link":
            terms += [(-w, m.link_vars[k]) for k in m.links_of[c] if int(inst.link_gm[k]) == prev]
        else:
            terms += [(-w, m.place_vars[a]) for a in m.arcs_of[c] if int(inst.arc_dest[a]) == prev]
    m.cost_stability = pyo.Expression(expr=lin(terms, constant=const))
