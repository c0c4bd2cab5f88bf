"""Hard family *household_integrity*: every household of a class is accounted for exactly once.

For a class c with n_c identical households (integer counts, so no household is ever split):
- arrival:   sum_a v_place[a] + v_unplaced[c] = n_c   (stay arcs count as placed where they are)
- rebalance: sum_a v_place[a] <= n_c                   (the rest stay; = n_c when pinned)
- link:      sum_k v_link[k] <= n_c                    (the rest wait; = n_c when pinned)
Pinned arrival classes have only their pinned arc and no unplaced option (v_unplaced fixed at 0).
Closing classes are in :mod:`closing` (they must leave).
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.model.families.base import Family, Kind
from optimizer.model.instance import Instance
from optimizer.model.linear import lin

FAMILY = Family(
    "household_integrity",
    Kind.hard,
    "Every household is placed once and never split",
    "not priced: integer class counts (structure)",
)


def add_household_integrity(m: pyo.ConcreteModel, inst: Instance) -> None:
    arrivals = set(inst.classes_with_role("arrival"))
    rebalance = inst.classes_with_role("rebalance")
    links = inst.classes_with_role("link")

    def arrival_rule(_m: pyo.ConcreteModel, c: int) -> object:
        e = lin([(1.0, m.place_vars[a]) for a in m.arcs_of[c]] + [(1.0, m.v_unplaced[c])])
        return e == inst.classes[c].n

    def rebalance_rule(_m: pyo.ConcreteModel, c: int) -> object:
        if not m.arcs_of[c]:
            return pyo.Constraint.Skip
        e = lin([(1.0, m.place_vars[a]) for a in m.arcs_of[c]])
        if inst.classes[c].key.pin >= 0:  # a pinned move must happen
            return e == inst.classes[c].n
        return e <= inst.classes[c].n

    def link_rule(_m: pyo.ConcreteModel, c: int) -> object:
        if not m.links_of[c]:
            return pyo.Constraint.Skip
        e = lin([(1.0, m.link_vars[k]) for k in m.links_of[c]])
        if inst.classes[c].key.pin >= 0:  # a pinned link must be made
            return e == inst.classes[c].n
        return e <= inst.classes[c].n

    if arrivals:
        m.household_integrity_arrival = pyo.Constraint(sorted(arrivals), rule=arrival_rule)
    if rebalance:
        m.household_integrity_rebalance = pyo.Constraint(rebalance, rule=rebalance_rule)
    if links:
        m.household_integrity_link = pyo.Constraint(links, rule=link_rule)
