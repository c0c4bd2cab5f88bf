"""Soft family *occupancy_band*: occupancy (residents / capacity) of every open location of the
kinds in ``policy.band_kinds`` (default: all but col and gvl, whose free beds are the buffer for
arrivals) within [occupancy_min, occupancy_max] at the end of the week.

    v_band_under[l] >= ceil(occupancy_min * capacity[l]) - e_end[l]   (idle beds below the band)
    v_band_over[l]  >= e_end[l] - floor(occupancy_max * capacity[l])  (reserve beds used up)

Prices, in euros per bed-week: below the band an idle bed costs what the bed costs
(``cost_per_bed_day`` x 7); above the band the reserve lost is priced at
``policy.band_eur_per_bed_week`` (reserve option 2: about EUR 16 mln a year for 1,500 usable places,
BMH 'Naar een wendbare migratieketen', 2020, is about EUR 205 per place-week).
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.model.families.base import Family, Kind
from optimizer.model.instance import DAYS, Instance
from optimizer.model.linear import lin
from optimizer.rules.band import band_high, band_low, in_band_scope

__all__ = ["FAMILY", "add_occupancy_band", "band_high", "band_low", "in_band_scope"]

FAMILY = Family(
    "occupancy_band",
    Kind.soft,
    "Occupancy of open locations of the band kinds within the band",
    "below: the idle bed's cost_per_bed_day x 7; above: policy.band_eur_per_bed_week per bed",
)


def add_occupancy_band(m: pyo.ConcreteModel, inst: Instance) -> None:
    p = inst.scenario.policy
    locs = [i for i, loc in enumerate(inst.locations) if in_band_scope(p, loc)]
    if not locs:
        m.cost_occupancy_band = pyo.Expression(expr=0.0)
        return
    m.v_band_under = pyo.Var(locs, domain=pyo.NonNegativeReals)
    m.v_band_over = pyo.Var(locs, domain=pyo.NonNegativeReals)

    def under(_m: pyo.ConcreteModel, i: int) -> object:
        return m.v_band_under[i] + m.e_end[i] >= band_low(
            p.occupancy_min, inst.locations[i].capacity
        )

    def over(_m: pyo.ConcreteModel, i: int) -> object:
        return m.e_end[i] - m.v_band_over[i] <= band_high(
            p.occupancy_max, inst.locations[i].capacity
        )

    m.occupancy_band_under = pyo.Constraint(locs, rule=under)
    m.occupancy_band_over = pyo.Constraint(locs, rule=over)
    m.cost_occupancy_band = pyo.Expression(
        expr=lin(
            [(inst.locations[i].cost_per_bed_day * DAYS, m.v_band_under[i]) for i in locs]
            + [(p.band_eur_per_bed_week, m.v_band_over[i]) for i in locs]
        )
    )
