"""Small persistence helpers shared by routes."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.db.models import ScenarioRow, utcnow
from optimizer.documents.scenario import Scenario
from optimizer.model.solve import scenario_hash


def add_scenario(s: Session, scenario: Scenario) -> str:
    """Store a scenario once per content hash, in the caller's transaction (not committed);
    returns the hash (the plan's ``scenario_hash``). One ``INSERT ... ON CONFLICT DO NOTHING``:
    a scenario stored before, or by a concurrent request, is left as it is."""
    h = scenario_hash(scenario)
    values = {"hash": h, "week": scenario.week, "body": scenario.model_dump_json(),
              "created_at": utcnow()}
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        s.execute(postgresql.insert(ScenarioRow).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        s.execute(sqlite.insert(ScenarioRow).values(values).on_conflict_do_nothing())
    elif s.get(ScenarioRow, h) is None:  # other databases: look first
        s.add(ScenarioRow(**values))
    return h
