"""Small persistence helpers shared by routes."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.models import ScenarioRow, utcnow
from optimizer.documents.scenario import Scenario
from optimizer.model.solve import scenario_hash


def save_scenario(s: Session, scenario: Scenario) -> str:
    """Store a scenario once per content hash; returns the hash (the plan's ``scenario_hash``)."""
    h = scenario_hash(scenario)
    if s.get(ScenarioRow, h) is None:
        s.add(ScenarioRow(hash=h, week=scenario.week, body=scenario.model_dump_json(),
                          created_at=utcnow()))
        try:
            s.commit()
        except IntegrityError:  # stored meanwhile by a concurrent request: same content
            s.rollback()
    return h
