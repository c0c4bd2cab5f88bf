"""Diagnose what cannot be done, in planner words: hard rules that could not hold (from the elastic
model) and shortages, grouped to the smallest statement that explains them, with the amount,
e.g. 'amv beds short by 37 in the whole country'."""

from __future__ import annotations

from collections import defaultdict

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.rules.suitability import (
    GROUP_WORDS,
    Group,
    Profile,
    profile_of,
    unsuitable_reason,
)


def _need(prof: Profile) -> str:
    if prof.group is Group.amv:
        return "amv beds"
    parts = []
    if prof.school:
        parts.append("near a school")
    if prof.family:
        parts.append("for families")
    where = " ".join(parts)
    base = {
        Group.process: "process-location beds (col/gvl/pol/vbl)",
        Group.regular: "regular beds (azc/pol/noodopvang)",
    }[prof.group]
    return f"{base} {where}".strip()


def conflicts(s: Scenario, plan: Plan) -> list[str]:
    """One line per conflict: the family, the place (or 'the whole country') and the amount."""
    out = [f"{v.family}: {v.message}" for v in plan.diagnosis]
    if not plan.unplaced:
        return out
    hh = {h.id: h for h in s.households}
    short: dict[str, int] = defaultdict(int)
    profiles: dict[str, Profile] = {}
    for u in plan.unplaced:
        h = hh[u.household]
        prof = profile_of(h)
        need = _need(prof)
        short[need] += u.persons
        profiles[need] = prof
    end = {k.id: k.residents_end for k in plan.kpis.locations}
    for need, persons in sorted(short.items(), key=lambda x: -x[1]):
        prof = profiles[need]
        free = sum(
            max(0, loc.capacity - end[loc.id])
            for loc in s.locations
            if unsuitable_reason(prof, loc) is None
        )
        out.append(
            f"suitability/capacity: {need} short by {persons} in the whole country "
            f"({free} such beds free at the end of the week; {GROUP_WORDS[prof.group]})"
        )
    return out
