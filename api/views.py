"""Turning stored rows into responses: cached parsing of scenarios and plans (the province filter
of supervisors is ``api/scope.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from api.cache import LRU
from api.db.models import PlanRow, ScenarioRow
from api.deps import stored
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


_SCENARIOS: LRU[str, Scenario] = LRU(16)


def parse_scenario(scenario_hash: str, body: str) -> Scenario:
    """Parse a stored scenario once per content hash (scenarios never change)."""
    return _SCENARIOS.get_or_build(scenario_hash, lambda: Scenario.model_validate_json(body))


def stored_plan(s: Session, plan_id: str) -> tuple[Plan, Scenario, str]:
    """A stored plan and its scenario, parsed (cached), and the scenario's storage key; the one
    404 for an unknown plan."""
    row = stored(s, PlanRow, "plan", plan_id)
    scen = s.get(ScenarioRow, row.scenario_hash)
    assert scen is not None
    return parse_plan(row.id, row.body), parse_scenario(scen.hash, scen.body), scen.hash
