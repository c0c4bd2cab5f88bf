"""Turning stored rows into responses: cached parsing, and the province filter for supervisors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from api.cache import LRU
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.reference_data import load_municipalities


@dataclass(frozen=True)
class ScenarioFacts:
    """The few scenario facts needed to present its plans (band, where places are)."""

    occupancy_min: float
    occupancy_max: float
    location_gm: dict[str, str]
    household_location: dict[str, str]


@lru_cache(maxsize=1)
def gm_province() -> dict[str, str]:
    """gm_code -> pv_code of the bundled 2024 municipalities."""
    df = load_municipalities()
    return dict(zip(df["gm_code"], df["pv_code"], strict=True))


@lru_cache(maxsize=32)
def scenario_facts(scenario_hash: str, body: str) -> ScenarioFacts:
    """Parse a stored scenario once per hash."""
    s = Scenario.model_validate_json(body)
    return ScenarioFacts(
        occupancy_min=s.policy.occupancy_min,
        occupancy_max=s.policy.occupancy_max,
        location_gm={loc.id: loc.gm_code for loc in s.locations},
        household_location={h.id: h.location for h in s.households},
    )


@lru_cache(maxsize=64)
def parse_plan(plan_id: str, body: str) -> Plan:
    """Parse a stored plan once per id (plans never change)."""
    return Plan.model_validate_json(body)


def filter_plan(plan: Plan, pv_code: str, facts: ScenarioFacts) -> Plan:
    """The plan as a supervisor of ``pv_code`` may see it: only their province's links, KPIs,
    placements, unplaced households and diagnosis lines; national totals stay."""
    gm_pv = gm_province()

    def gm_in(gm: str) -> bool:
        return gm_pv.get(gm) == pv_code

    def loc_in(loc: str) -> bool:
        return gm_in(facts.location_gm.get(loc, ""))

    kpis = plan.kpis.model_copy(
        update={
            "locations": [k for k in plan.kpis.locations if loc_in(k.id)],
            "municipalities": [k for k in plan.kpis.municipalities if gm_in(k.gm_code)],
        }
    )
    return plan.model_copy(
        update={
            "links": [x for x in plan.links if gm_in(x.gm_code)],
            "placements": [
                x for x in plan.placements if loc_in(x.location) or loc_in(x.from_location)
            ],
            "unplaced": [
                x for x in plan.unplaced
                if loc_in(facts.household_location.get(x.household, ""))
            ],
            "diagnosis": [
                v for v in plan.diagnosis if loc_in(v.where) or gm_in(v.where) or v.where == pv_code
            ],
            "kpis": kpis,
        }
    )


def location_province(s: Scenario) -> dict[str, str]:
    """location id -> pv_code of its municipality, for one scenario."""
    gm_pv = gm_province()
    return {loc.id: gm_pv.get(loc.gm_code, "") for loc in s.locations}


def in_province(pv_code: str, s: Scenario) -> Callable[[str], bool]:
    """A test 'is this location id or gm_code in ``pv_code``?' for one scenario."""
    gm_pv = gm_province()
    loc_pv = location_province(s)

    def inside(where: str) -> bool:
        return loc_pv.get(where, gm_pv.get(where)) == pv_code

    return inside


_SCENARIOS: LRU[str, Scenario] = LRU(16)


def parse_scenario(scenario_hash: str, body: str) -> Scenario:
    """Parse a stored scenario once per content hash (scenarios never change)."""
    return _SCENARIOS.get_or_build(scenario_hash, lambda: Scenario.model_validate_json(body))
