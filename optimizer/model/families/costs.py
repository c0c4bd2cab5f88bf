"""Soft families priced per placement or link: *bed_cost*, *transport*, *moves*, *school_moves*,
*kansrijk_region*, *link_distance* and *unplaced*.

Per placement arc a (class c -> location l), per household, in euros for the week:
- bed_cost:        size * cost_per_bed_day[l] * 7 (moved residents of an open location pay the
                   difference with their current bed, so only the change is priced)
- transport:       size * transport_eur_per_person_km * km
- moves:           size * move_eur_per_person            (residents only, not arrivals)
- school_moves:    school_age_children * move_eur_per_school_child
- kansrijk_region: size * kansrijk_region_eur_per_person * (1 - quota left per bed in the
                   province of l / the best province's)  (kansrijk arrivals only)
Per link k: link_distance = size * link_eur_per_person_km * km to the municipality.
unplaced: size * unplaced_eur_per_person per arrival household without a bed.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimizer.model.instance import ARC_COMPONENTS, Instance
from optimizer.model.linear import lin


def add_arc_costs(m: pyo.ConcreteModel, inst: Instance) -> None:
    for j, name in enumerate(ARC_COMPONENTS):
        col = inst.arc_cost[:, j]
        m.add_component(
            f"cost_{name}",
            pyo.Expression(expr=lin((float(col[a]), m.v_place[a]) for a in range(inst.n_arcs))),
        )


def add_link_distance(m: pyo.ConcreteModel, inst: Instance) -> None:
    m.cost_link_distance = pyo.Expression(
        expr=lin((float(inst.link_cost[k]), m.v_link[k]) for k in range(inst.n_links))
    )


def add_unplaced(m: pyo.ConcreteModel, inst: Instance) -> None:
    price = inst.scenario.policy.unplaced_eur_per_person
    m.cost_unplaced = pyo.Expression(
        expr=lin(
            (price * inst.classes[c].persons, m.v_unplaced[c])
            for c in inst.classes_with_role("arrival")
        )
    )
