"""Small persistence helpers shared by routes."""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from api.db.models import ScenarioRow, utcnow
from optimizer.documents.scenario import Scenario

KEY_PATTERN = r"^[0-9a-f]{64}$"


def storage_key(body: str) -> str:
    """The full sha256 of a stored scenario body: the storage key (a collision would make
    ``ON CONFLICT DO NOTHING`` keep another scenario, so the key is never cut)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def add_scenario(s: Session, scenario: Scenario) -> str:
    """Store a scenario once per content hash, in the caller's transaction (not committed);
    returns its key (full sha256 of the stored body). One ``INSERT ... ON CONFLICT DO NOTHING``:
    a scenario stored before, or by a concurrent request, is the same bytes."""
    body = scenario.model_dump_json()
    h = storage_key(body)
    values = {"hash": h, "week": scenario.week, "body": body, "created_at": utcnow()}
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        s.execute(postgresql.insert(ScenarioRow).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        s.execute(sqlite.insert(ScenarioRow).values(values).on_conflict_do_nothing())
    elif s.get(ScenarioRow, h) is None:  # other databases: look first
        s.add(ScenarioRow(**values))
    return h
