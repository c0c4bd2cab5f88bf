"""Shared builders for the sequencing tests (tiny hand-checked instances with real gm_codes)."""

from __future__ import annotations

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.sequencing import Sequence, SequenceOptions, sequence
from optimizer.sequencing.replay import replay_errors
from tests.sequencing.fixtures import GM, location, plan_of, scenario_of

__all__ = ["GM", "location", "plan_of", "scenario_of", "run", "singles"]


def singles(prefix: str, n: int, at: str, status: str = "resident") -> list:
    return [(f"{prefix}{i:02d}", 1, 0, status, at) for i in range(n)]


def run(s: Scenario, p: Plan, **opts: object) -> Sequence:
    """Sequence with a short time limit and check every hard rule by replay when feasible."""
    o = SequenceOptions(**{"time_limit_s": 5.0, **opts})
    seq = sequence(s, p, o)
    if seq.status.value in ("optimal", "feasible"):
        assert replay_errors(s, p, seq, o) == []
    return seq


def days_of(seq: Sequence, household_prefix: str) -> list[int]:
    return sorted(m.day for m in seq.moves if m.household.startswith(household_prefix))
