"""Soft family *occupancy_band*: occupancy (residents / capacity) of every open location within
[occupancy_min, occupancy_max] at the end of the week.

    v_band_under[l] >= ceil(occupancy_min * capacity[l]) - e_end[l]   (idle beds below the band)
    v_band_over[l]  >= e_end[l] - floor(occupancy_max * capacity[l])  (reserve beds used up)

Prices, in euros per bed-week: below the band an idle bed costs what the bed costs
(``cost_per_bed_day`` x 7); above the band the reserve lost is priced at
``policy.band_eur_per_bed_week`` (reserve option 2: about EUR 16 mln a year for 1,500 usable places,
002 L7522-7538, is about EUR 205 per place-week).
"""

from __future__ import annotations

import math

import pyomo.environ as pyo

from optimizer.model.instance import DAYS, Instance
from optimizer.model.linear import lin

FAMILY = "occupancy_band"


def band_low(occupancy_min: float, capacity: int) -> int:
    """Fewest residents inside the band. Residents are whole persons, so ceil(min * capacity) is
    exactly the same rule as min * capacity and gives the solver a tighter LP."""
    return math.ceil(occupancy_min * capacity - 1e-9)


def band_high(occupancy_max: float, capacity: int) -> int:
    """Most residents inside the band: floor(max * capacity), exact for whole persons."""
    return math.floor(occupancy_max * capacity + 1e-9)


def add_occupancy_band(m: pyo.ConcreteModel, inst: Instance) -> None:
    p = inst.scenario.policy
    locs = [i for i, loc in enumerate(inst.locations) if not loc.closing and loc.capacity > 0]
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
