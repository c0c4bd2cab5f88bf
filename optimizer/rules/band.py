"""The occupancy band: which locations it applies to and its limits in whole persons."""

from __future__ import annotations

import math

from optimizer.documents.scenario import Location, Policy
from optimizer.rules.week import DAYS


def in_band_scope(p: Policy, loc: Location) -> bool:
    """Does the band apply to this location? Open, with beds, and of a kind in
    ``policy.band_kinds`` (by default not col/gvl: their free beds are the arrivals' buffer)."""
    return not loc.closing and loc.capacity > 0 and loc.kind in p.band_kinds


def band_low(occupancy_min: float, capacity: int) -> int:
    """Fewest residents inside the band. Residents are whole persons, so ceil(min * capacity) is
    exactly the same rule as min * capacity and gives the solver a tighter LP."""
    return math.ceil(occupancy_min * capacity - 1e-9)


def band_high(occupancy_max: float, capacity: int) -> int:
    """Most residents inside the band: floor(max * capacity), exact for whole persons."""
    return math.floor(occupancy_max * capacity + 1e-9)


def band_penalty_eur(p: Policy, loc: Location, persons: float) -> float:
    """The occupancy_band price of ending the week with ``persons`` at ``loc``: an idle bed below
    the band costs its bed-week, a bed above it ``band_eur_per_bed_week``."""
    if not in_band_scope(p, loc):
        return 0.0
    under = max(0.0, band_low(p.occupancy_min, loc.capacity) - persons)
    over = max(0.0, persons - band_high(p.occupancy_max, loc.capacity))
    return under * loc.cost_per_bed_day * DAYS + over * p.band_eur_per_bed_week


def band_note(p: Policy, locs: list[Location], end: dict[str, int]) -> str | None:
    """One line when the persons in beds of the band kinds cannot all fit within the band."""
    scope = [loc for loc in locs if in_band_scope(p, loc)]
    persons = sum(end[loc.id] for loc in scope)
    beds = sum(loc.capacity for loc in scope)
    high = sum(band_high(p.occupancy_max, loc.capacity) for loc in scope)
    low = sum(band_low(p.occupancy_min, loc.capacity) for loc in scope)
    head = f"{persons:,} persons in {beds:,} beds of band kinds ({persons / max(1, beds):.1%})"
    if persons > high:
        return (
            f"{head}: at most {high:,} fit within {p.occupancy_max:.0%}, so at least "
            f"{persons - high:,} beds must end above the band"
        )
    if persons < low:
        return (
            f"{head}: at least {low:,} are needed for {p.occupancy_min:.0%}, so at least "
            f"{low - persons:,} beds must end below the band"
        )
    return None
