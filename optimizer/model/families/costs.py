"""Soft families priced per placement or link: *bed_cost*, *transport*, *moves*, *school_moves*,
*kansrijk_region*, *registration_wait*, *link_distance* and *unplaced*.

Per placement arc a (class c -> location l), per household, in euros for the week:
- bed_cost:        size * cost_per_bed_day[l] * 7 (moved residents of an open location pay the
                   difference with their current bed, so only the change is priced)
- transport:       size * transport_eur_per_person_km * km
- moves:           size * move_eur_per_person            (residents only, not arrivals)
- school_moves:    school_age_children * move_eur_per_school_child
- kansrijk_region: size * kansrijk_region_eur_per_person * (1 - quota left per bed in the
                   province of l / the best province's)  (kansrijk arrivals only)
- registration_wait: size * registration_wait_eur_per_person for an arrival that stays in a free
                   bed of its own col/gvl although its track belongs elsewhere (a wait arc:
                   above every suitable placement, far below unplaced)
Per link k: link_distance = size * link_eur_per_person_km * km to the municipality.
unplaced: size * unplaced_eur_per_person per arrival household without a bed anywhere it may go.
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.model.families.base import Family, Kind
from optimizer.model.instance import ARC_COMPONENTS, Instance
from optimizer.model.linear import lin

UNPLACED = Family(
    "unplaced",
    Kind.soft,
    "Arrivals without a bed anywhere they may go (shortage)",
    "policy.unplaced_eur_per_person per person",
)
REGISTRATION_WAIT = Family(
    "registration_wait",
    Kind.soft,
    "Arrivals waiting in a free bed of their own col/gvl although their track belongs elsewhere",
    "policy.registration_wait_eur_per_person per person",
)
LINK_DISTANCE = Family(
    "link_distance",
    Kind.soft,
    "Status holders linked near where they live",
    "policy.link_eur_per_person_km per person-km",
)
ARC_FAMILIES_SOFT: tuple[Family, ...] = (
    Family(
        "kansrijk_region",
        Kind.soft,
        "Kansrijk arrivals placed near municipalities with quota left",
        "up to policy.kansrijk_region_eur_per_person per person",
    ),
    Family("moves", Kind.soft, "Residents moved", "policy.move_eur_per_person per person"),
    Family(
        "school_moves",
        Kind.soft,
        "School-age children moved",
        "policy.move_eur_per_school_child per child",
    ),
    Family(
        "transport",
        Kind.soft,
        "Travel of placed and moved persons",
        "policy.transport_eur_per_person_km per person-km",
    ),
    Family(
        "bed_cost",
        Kind.soft,
        "Bed cost of placements (noodopvang the expensive last resort)",
        "cost_per_bed_day x 7 per person placed (a move pays the difference)",
    ),
)
assert {f.name for f in ARC_FAMILIES_SOFT} | {REGISTRATION_WAIT.name} == set(ARC_COMPONENTS)


def add_arc_costs(m: pyo.ConcreteModel, inst: Instance) -> None:
    for j, name in enumerate(ARC_COMPONENTS):
        col = inst.arc_cost[:, j]
        m.add_component(
            f"cost_{name}",
            pyo.Expression(expr=lin((float(col[a]), m.place_vars[a]) for a in range(inst.n_arcs))),
        )


def add_link_distance(m: pyo.ConcreteModel, inst: Instance) -> None:
    m.cost_link_distance = pyo.Expression(
        expr=lin((float(inst.link_cost[k]), m.link_vars[k]) for k in range(inst.n_links))
    )


def add_unplaced(m: pyo.ConcreteModel, inst: Instance) -> None:
    price = inst.scenario.policy.unplaced_eur_per_person
    m.cost_unplaced = pyo.Expression(
        expr=lin(
            (price * inst.classes[c].persons, m.v_unplaced[c])
            for c in inst.classes_with_role("arrival")
        )
    )
