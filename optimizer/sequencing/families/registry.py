"""The rule families of the relocation sequence, hard then soft, with the names planners see."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """A rule family of the sequence: hard (an enforcement literal) or soft (a priced term)."""

    name: str
    hard: bool
    title: str


FAMILIES: tuple[Family, ...] = (
    # hard (one enforcement literal each)
    Family("move_once", True, "Every move of the plan happens once, on one day, in one trip"),
    Family("capacity", True, "No location holds more residents than beds at the end of a day"),
    Family("intake_limit", True, "A location receives at most its daily intake of households"),
    Family("departure_limit", True, "At most the daily departure limit of households leaves"),
    Family("trips", True, "A bus seats at most its seats; at most the daily number of buses"),
    Family("closing_deadline", True, "A closing location is empty by its closing day"),
    Family("opening", True, "A location opening later receives no one before it opens"),
    # soft (penalty terms)
    Family("trip_count", False, "As few bus trips as possible (full buses)"),
    Family("late_moves", False, "Moves done early rather than late"),
    Family("school_days", False, "School-age children not moved on school days"),
    Family("intake_spread", False, "Intake of a location spread over the days"),
)

HARD = tuple(f.name for f in FAMILIES if f.hard)
BY_NAME = {f.name: f for f in FAMILIES}
