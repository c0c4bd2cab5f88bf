"""The plan document: what the weekly allocation decided, with its KPIs and diagnosis."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class PlanStatus(StrEnum):
    optimal = "optimal"  # proven within the requested gap
    feasible = "feasible"  # all hard rules hold, optimality not proven in the time limit
    infeasible = "infeasible"  # some hard rules cannot all hold; see `diagnosis`


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Placement(_Doc):
    """A household whose location changes this week (an arrival placed, or a resident moved)."""

    household: str
    location: str
    from_location: str
    reason: str = Field(description="'arrival', 'closing' or 'rebalance'.")
    distance_km: float


class Link(_Doc):
    """A status holder linked (gekoppeld) to a municipality that will house them."""

    household: str
    gm_code: str
    persons: int
    distance_km: float


class Unplaced(_Doc):
    household: str
    persons: int
    reason: str


class Violation(_Doc):
    """One hard rule that could not hold, in planner words, with the amount."""

    family: str
    where: str
    amount: float
    unit: str
    message: str


class Change(_Doc):
    """A decision that differs from the previous plan, and why (replanning)."""

    household: str
    previous: str = Field(description="Location, municipality, 'unplaced' or 'not decided'.")
    now: str
    reason: str


class LocationKpi(_Doc):
    id: str
    kind: str
    capacity: int
    residents_start: int
    residents_end: int
    occupancy_start: float | None
    occupancy_end: float | None
    band_deviation_beds: float = Field(
        description="Beds below the band (negative) or above (positive)."
    )
    intake: int
    outflow: int


class MunicipalityKpi(_Doc):
    gm_code: str
    quota: int
    remaining_before: int
    target_this_week: float
    linked_this_week: int
    pace_shortfall: float


class Kpis(_Doc):
    occupancy_total_start: float
    occupancy_total_end: float
    beds_total: int
    residents_start: int
    residents_end: int
    locations_outside_band: int
    band_deviation_beds: float
    arrivals_households: int
    arrivals_persons: int
    arrivals_placed_persons: int
    arrivals_staying_persons: int
    beds_short: int = Field(description="Arrival persons with no suitable bed: the shortage.")
    moves_households: int
    moves_persons: int
    moves_school_age_children: int
    links_households: int
    links_persons: int
    quota_target_persons: float
    quota_pace_shortfall_persons: float
    distance_person_km: float
    link_distance_person_km: float
    bed_cost_eur_week: float = Field(
        description="Bed cost of every resident at the end of the week, 7 days."
    )
    objective_terms_eur: dict[str, float]
    locations: list[LocationKpi]
    municipalities: list[MunicipalityKpi]


class ModelSize(_Doc):
    classes: int
    variables: int
    integer_variables: int
    constraints: int
    build_seconds: float
    households: int


class Plan(_Doc):
    week: str
    scenario_hash: str
    status: PlanStatus
    objective: Annotated[
        float, Field(description="EUR: the priced soft rules and slack for this week.")
    ]
    bound: float
    gap: float
    solve_seconds: float
    solver: str
    placements: list[Placement]
    links: list[Link]
    unplaced: list[Unplaced]
    diagnosis: list[Violation]
    kpis: Kpis
    model: ModelSize
    changes: list[Change] = Field(
        default_factory=list, description="Decisions that differ from the previous plan."
    )
