"""Shared builders for tiny hand-checked scenarios (real gm_codes, so distances are real)."""

from __future__ import annotations

from typing import Any

from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario

# Real municipalities used by the tiny instances (RD straight-line distances are real):
WESTERWOLDE = "GM1950"  # Ter Apel
ZWOLLE = "GM0193"
UTRECHT = "GM0344"
AMSTERDAM = "GM0363"
GRONINGEN = "GM0014"
MAASTRICHT = "GM0935"
GMS_FOR_TESTS = [ZWOLLE, UTRECHT, AMSTERDAM, GRONINGEN, MAASTRICHT]


def loc(id: str, gm: str, kind: str, capacity: int, residents: int, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": id,
        "name": f"{kind.upper()} {id}",
        "gm_code": gm,
        "kind": kind,
        "capacity": capacity,
        "residents": residents,
        "cost_per_bed_day": 68.0,
        "accepts_families": True,
        "school_nearby": True,
    }
    d.update(kw)
    return d


def hh(id: str, location: str, status: str = "arrival", size: int = 1, **kw: Any) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": id,
        "size": size,
        "status": status,
        "location": location,
        "track": "kansrijk",
    }
    d.update(kw)
    return d


def muni(gm: str, quota: int = 0, housed: int = 0, linked: int = 0) -> dict[str, Any]:
    return {"gm_code": gm, "quota": quota, "housed": housed, "linked": linked}


def scenario(
    locations: list[dict[str, Any]],
    households: list[dict[str, Any]],
    municipalities: list[dict[str, Any]] | None = None,
    weeks_left: int = 5,
    **policy: Any,
) -> Scenario:
    return Scenario.model_validate(
        {
            "week": "2026-W48",
            "half_year": {"id": "2026-H2", "weeks_left": weeks_left},
            "policy": policy,
            "locations": locations,
            "municipalities": municipalities or [],
            "households": households,
        }
    )


def solve(s: Scenario, **opts: Any) -> Plan:
    return allocate(s, SolveOptions(time_limit_s=30, **opts))


def dest(plan: Plan) -> dict[str, str]:
    """household -> new location, for every household whose location changes."""
    return {p.household: p.location for p in plan.placements}


def links(plan: Plan) -> dict[str, str]:
    return {lk.household: lk.gm_code for lk in plan.links}
