"""What one placement costs, per household and per family, in euros for the week; and the region
factor of the kansrijk_region family. The model's arc costs, the explanations' options, the KPIs'
savings and the independent pricing all use these, so they can never disagree."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimizer.documents.scenario import Location, Policy, Scenario
from optimizer.reference_data import municipality_index
from optimizer.rules.week import DAYS

# Per-household cost components of a placement arc, in euros for the week.
ARC_COMPONENTS = (
    "bed_cost",
    "transport",
    "moves",
    "school_moves",
    "kansrijk_region",
    "registration_wait",
)


def region_factor(s: Scenario, locs: list[Location]) -> np.ndarray:
    """Per location: 1 - (remaining quota per bed in its province) / (the best province's)."""
    ref = {g: r.pv_code for g, r in municipality_index().items()}
    quota_left: dict[str, float] = defaultdict(float)
    for m in s.municipalities:
        quota_left[ref[m.gm_code]] += m.remaining
    beds: dict[str, float] = defaultdict(float)
    for loc in locs:
        if not loc.closing:
            beds[ref[loc.gm_code]] += loc.capacity
    ratio = {pv: quota_left[pv] / beds[pv] for pv in beds if beds[pv] > 0}
    best = max(ratio.values(), default=0.0)
    if best <= 0:
        return np.zeros(len(locs))
    return np.array([1.0 - ratio.get(ref[loc.gm_code], 0.0) / best for loc in locs])


def placement_cost(
    p: Policy,
    role: str,
    size: int,
    school_children: int,
    kansrijk_arrival: bool,
    origin: Location,
    dest: Location,
    km: float,
    region_dest: float,
    stay: bool,
    wait: bool = False,
) -> tuple[float, float, float, float, float, float]:
    """Per-household euros of one placement, in the order of ``ARC_COMPONENTS``.

    bed_cost: size x bed-day cost x 7 at the destination (a rebalancing resident pays only the
    difference with the bed it leaves); transport: size x EUR/person-km; moves and school_moves:
    only residents that actually move; kansrijk_region: kansrijk arrivals only; registration_wait:
    an arrival waiting at its own col/gvl although its track belongs elsewhere.
    """
    bed_week_d = dest.cost_per_bed_day * DAYS
    if role == "rebalance":
        bed = size * (bed_week_d - origin.cost_per_bed_day * DAYS)
    else:
        bed = size * bed_week_d
    moved_resident = role != "arrival" and not stay
    return (
        bed,
        0.0 if stay else size * p.transport_eur_per_person_km * km,
        size * p.move_eur_per_person if moved_resident else 0.0,
        school_children * p.move_eur_per_school_child if moved_resident else 0.0,
        size * p.kansrijk_region_eur_per_person * region_dest if kansrijk_arrival else 0.0,
        size * p.registration_wait_eur_per_person if wait else 0.0,
    )
