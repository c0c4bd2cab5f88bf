"""Storage round trip (Hypothesis, SQLite and PostgreSQL): every string and number the request
models accept can be stored in the service's tables and read back unchanged."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy import delete

from api.audit import AuditWriter, safe_text, verify_chain
from api.db.models import JobRow, ScenarioRow, utcnow
from api.db.session import make_engine, make_sessionmaker, upgrade
from optimizer.documents.bounds import MAX_EUR, MAX_PERSONS
from optimizer.documents.scenario import Location, Scenario
from optimizer.whatif.documents import RunSpec

TEXT = st.text(st.characters(codec="utf-8"), max_size=220)
NUMBERS = st.one_of(st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True))
BASE = {"id": "L1", "name": "x", "gm_code": "GM0363", "kind": "azc", "capacity": 1,
        "residents": 1, "cost_per_bed_day": 1.0}


def _accepted_location(name: object, capacity: object, cost: object) -> Location | None:
    try:
        return Location.model_validate({**BASE, "name": name, "capacity": capacity,
                                        "cost_per_bed_day": cost})
    except ValidationError:
        return None


def test_round_trip(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    writer = AuditWriter(sessions)
    stored = {"n": 0}

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True)
    @given(name=TEXT, capacity=NUMBERS, cost=NUMBERS, whatif_name=TEXT, path=TEXT)
    def check(name: str, capacity: object, cost: object, whatif_name: str, path: str) -> None:
        loc = _accepted_location(name, capacity, cost)
        if loc is not None:
            assert math.isfinite(loc.cost_per_bed_day) and loc.cost_per_bed_day <= MAX_EUR
            assert 0 <= loc.capacity <= MAX_PERSONS
            scen = Scenario.model_validate({
                "week": "2026-W48", "half_year": {"id": "2026-H2", "weeks_left": 5},
                "locations": [loc.model_dump()], "municipalities": [],
                "households": [{"id": "H1", "size": 1, "status": "resident", "location": "L1"}]})
            body = scen.model_dump_json()
            with sessions() as s:
                s.merge(ScenarioRow(hash=f"{stored['n']:064x}", week=scen.week, body=body,
                                    created_at=utcnow()))
                s.commit()
                back = s.get(ScenarioRow, f"{stored['n']:064x}")
                assert back is not None and Scenario.model_validate_json(back.body) == scen
            stored["n"] += 1
        try:
            spec = RunSpec.model_validate({"name": whatif_name})
        except ValidationError:
            spec = None
        if spec is not None:
            with sessions() as s:
                s.add(JobRow(id=f"{stored['n']:036d}", kind="whatif", status="queued",
                             progress=0.0, owner=spec.name[:64], scenario_hash=None,
                             options=spec.model_dump_json(), attempts=0, created_at=utcnow()))
                s.commit()
                back_job = s.get(JobRow, f"{stored['n']:036d}")
                assert back_job is not None
                assert RunSpec.model_validate_json(back_job.options) == spec
                s.execute(delete(JobRow))
                s.commit()
            stored["n"] += 1
        # whatever a client sends as a path or method, its audit row is written
        assert writer.write_now({"at": utcnow(), "request_id": "r", "who": safe_text(name, 64),
                                 "role": None, "method": safe_text(whatif_name, 16),
                                 "path": safe_text(path, 512), "input_hash": "0" * 64,
                                 "status_code": 200, "objects": "", "reason": ""})

    check()
    with sessions() as s:
        assert verify_chain(s).problems == []
    engine.dispose()
    assert stored["n"] > 10, "Hypothesis found accepted inputs to store"
