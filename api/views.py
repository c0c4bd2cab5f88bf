"""Turning stored rows into responses: cached parsing of scenarios and plans (the province filter
of supervisors is ``api/scope.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session, defer

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


def _facts(body: str) -> ScenarioFacts:
    sc = Scenario.model_validate_json(body)
    return ScenarioFacts(
        occupancy_min=sc.policy.occupancy_min,
        occupancy_max=sc.policy.occupancy_max,
        location_gm={loc.id: loc.gm_code for loc in sc.locations},
        household_location={h.id: h.location for h in sc.households},
    )


# Stored plans and scenarios never change, so they are parsed once per key. The key is looked up
# before the body is read: a national body is megabytes that a hit need not fetch, hash or compare.
_PLANS: LRU[str, Plan] = LRU(16)
_SCENARIOS: LRU[str, Scenario] = LRU(16)
_FACTS: LRU[str, ScenarioFacts] = LRU(32)
LIGHT_PLAN = defer(PlanRow.body)
"""Loader option for a plan row whose body is read only if its parse is not cached."""


def _scenario_body(s: Session, scenario_hash: str) -> str:
    row = s.get(ScenarioRow, scenario_hash)
    assert row is not None, scenario_hash  # a plan's scenario is stored before the plan
    return row.body


def plan_of(row: PlanRow) -> Plan:
    """The parsed plan of a stored row (its body is read on a cache miss only)."""
    return _PLANS.get_or_build(row.id, lambda: Plan.model_validate_json(row.body))


def scenario_of(s: Session, scenario_hash: str) -> Scenario:
    """The parsed stored scenario ``scenario_hash``."""
    return _SCENARIOS.get_or_build(
        scenario_hash, lambda: Scenario.model_validate_json(_scenario_body(s, scenario_hash)))


def facts_of(s: Session, scenario_hash: str) -> ScenarioFacts:
    """The facts of stored scenario ``scenario_hash`` needed to present its plans."""
    return _FACTS.get_or_build(scenario_hash, lambda: _facts(_scenario_body(s, scenario_hash)))


def stored_plan(s: Session, plan_id: str) -> tuple[Plan, Scenario, str]:
    """A stored plan and its scenario, parsed (cached), and the scenario's storage key; the one
    404 for an unknown plan."""
    row = stored(s, PlanRow, "plan", plan_id, LIGHT_PLAN)
    return plan_of(row), scenario_of(s, row.scenario_hash), row.scenario_hash
