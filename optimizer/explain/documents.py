"""Explanation documents (pydantic, JSON): score analysis, one decision, recommendations, fairness."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoreItem(_Doc):
    where: str
    household: str | None
    amount: float
    unit: str
    eur: float


class FamilyScore(_Doc):
    family: str
    title: str
    hard: bool
    kind: str = Field("soft", description="hard, elastic (hard with a priced slack) or soft.")
    price: str = Field("", description="How the family is priced.")
    eur: float
    items: int
    top: list[ScoreItem] = Field(description="The largest items, most expensive first.")


class PlanExplanation(_Doc):
    week: str
    objective: float
    total_eur: float = Field(description="Sum over the families: equals the objective.")
    families: list[FamilyScore]
    conflicts: list[str] = Field(description="Hard rules that could not hold, and shortages.")


class Option(_Doc):
    """One place a household could go (a location or, for a status holder, a municipality)."""

    where: str
    name: str
    eur: float = Field(description="Cost of this option for the week, all families, EUR.")
    components: dict[str, float]
    distance_km: float
    extra_eur: float = 0.0
    extra_km: float = 0.0
    message: str = ""
    breaks: str | None = Field(
        None, description="The rule this option breaks, in planner words (e.g. staying put)."
    )


class RuledOut(_Doc):
    where: str
    name: str
    rule: str
    reason: str


class HouseholdExplanation(_Doc):
    household: str
    status: str
    decision: str = Field(
        description="'placed', 'staying', 'unplaced', 'linked', 'waiting', 'stays'"
    )
    chosen: Option | None
    alternatives: list[Option]
    ruled_out: list[RuledOut]
    summary: list[str]


class Recommendation(_Doc):
    household: str
    options: list[Option]
    ruled_out_counts: dict[str, int]
    seconds: float


class GroupOutcome(_Doc):
    household_type: str
    track: str
    households: int
    persons: int
    mean_distance_km: float = Field(description="Travel of placements and moves, per household.")
    moved_share: float = Field(description="Share of residents moved this week.")
    waiting_share: float | None = Field(description="Status holders not linked this week.")
    mean_link_km: float | None
    mean_occupancy_end: float = Field(description="Occupancy of the place they end the week at.")
    unplaced_share: float


class FairnessReport(_Doc):
    week: str
    by: str
    groups: list[GroupOutcome]
    spread: dict[str, float] = Field(description="Max minus min of each outcome over the groups.")
    worst_group: dict[str, str]
    note: str
