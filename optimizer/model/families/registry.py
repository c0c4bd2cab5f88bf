"""The rule families of the weekly allocation, hard then soft, with the names planners see."""

from __future__ import annotations

from dataclasses import dataclass

HARD_PENALTY_EUR_PER_PERSON = 1_000_000.0
"""Price of one person breaking a hard rule in the elastic model; any value > 0 makes the plan
'infeasible' with a diagnosis naming the family, the place and the amount."""


@dataclass(frozen=True)
class Family:
    name: str
    hard: bool
    title: str


FAMILIES: tuple[Family, ...] = (
    # hard
    Family("household_integrity", True, "Every household is placed once and never split"),
    Family("suitability", True, "Households only go where the location suits them"),
    Family("capacity", True, "No location holds more residents than beds at the end of the week"),
    Family("closing", True, "Closing locations end the week empty"),
    Family("quota_cap", True, "No municipality is linked more than its remaining quota"),
    # soft (priced in euros)
    Family("unplaced", False, "Arrivals without a suitable bed (shortage)"),
    Family("occupancy_band", False, "Occupancy of open locations within the band"),
    Family("quota_pace", False, "Each municipality receives its weekly share of the quota"),
    Family("link_distance", False, "Status holders linked near where they live"),
    Family(
        "kansrijk_region", False, "Kansrijk arrivals placed near municipalities with quota left"
    ),
    Family("moves", False, "Residents moved"),
    Family("school_moves", False, "School-age children moved"),
    Family("transport", False, "Travel of placed and moved persons"),
    Family("bed_cost", False, "Bed cost of placements (noodopvang the expensive last resort)"),
    Family("stability", False, "Decisions of the previous plan kept"),
)

BY_NAME = {f.name: f for f in FAMILIES}
