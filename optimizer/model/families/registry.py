"""The rule families of the weekly allocation, hard then soft, in the order planners see them.

Each family is declared once, beside its builder (``FAMILY`` in its module, see ``base``); this
module only lists them. Everything that names families reads this list: ``create_model`` (the
objective is the sum of ``cost_<name>`` of the priced families), ``solve`` (the elastic families
and their diagnosis), ``evaluate`` (independent pricing under the same names) and ``explain``.
"""

from __future__ import annotations

from collections.abc import Callable

import pyomo.core as pyo

from optimizer.model.families import (
    capacity,
    closing,
    costs,
    household_integrity,
    occupancy_band,
    quota,
    stability,
    suitability,
    unlinked,
)
from optimizer.model.families.base import HARD_PENALTY_EUR_PER_PERSON, Family, Kind
from optimizer.model.instance import Instance

__all__ = [
    "BUILDERS",
    "ELASTIC",
    "FAMILIES",
    "HARD_PENALTY_EUR_PER_PERSON",
    "PRICED",
    "Family",
    "Kind",
]

Builder = Callable[[pyo.ConcreteModel, Instance], None]

FAMILIES: tuple[Family, ...] = (
    # hard (structure)
    household_integrity.FAMILY,
    suitability.FAMILY,
    # hard (elastic: an impossible week is diagnosed, not refused)
    capacity.FAMILY,
    closing.FAMILY,
    quota.FAMILY_CAP,
    # soft (priced in euros for the week)
    costs.UNPLACED,
    costs.REGISTRATION_WAIT,
    unlinked.FAMILY,
    occupancy_band.FAMILY,
    quota.FAMILY_PACE,
    costs.LINK_DISTANCE,
    *costs.ARC_FAMILIES_SOFT,
    stability.FAMILY,
)

PRICED: tuple[str, ...] = tuple(f.name for f in FAMILIES if f.priced)
"""Families in the objective, in registry order."""

ELASTIC: tuple[Family, ...] = tuple(f for f in FAMILIES if f.kind is Kind.elastic)
"""Hard rules with a priced slack: the lexicographic phase keeps them, the diagnosis reads them."""

BUILDERS: tuple[Builder, ...] = (
    # hard (suitability has no builder: an unsuitable placement has no arc)
    household_integrity.add_household_integrity,
    closing.add_closing,
    capacity.add_capacity,
    quota.add_quota_cap,
    # soft, priced in euros (registration_wait and the per-placement families: add_arc_costs)
    costs.add_unplaced,
    occupancy_band.add_occupancy_band,
    unlinked.add_unlinked,
    quota.add_quota_pace,
    costs.add_link_distance,
    costs.add_arc_costs,
    stability.add_stability,
)
"""``create_model`` calls these in this order, after the variables and the end-of-week state:
the model reads like the business rules. Each defines its rows and its ``cost_<family>``."""
