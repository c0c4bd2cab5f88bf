"""Fairness report: outcomes of a plan by household type and track, with the spread between groups,
so a planner sees whether a group is systematically worse off. There is no nationality field, so
the model cannot use it, and neither does this report."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Household, Scenario, Status
from optimizer.explain.documents import FairnessReport, GroupOutcome

OUTCOMES = (
    "mean_distance_km",
    "moved_share",
    "waiting_share",
    "mean_link_km",
    "mean_occupancy_end",
    "unplaced_share",
)
# For every outcome a higher value is the worse one (further, moved more, waiting longer,
# a fuller place, no bed), so the 'worst group' is the one with the highest value.


def household_type(h: Household) -> str:
    if h.amv:
        return "amv"
    if h.school_age_children > 0:
        return "family with school-age children"
    if h.size == 1:
        return "single"
    if h.size == 2:
        return "couple or pair"
    return "family"


def fairness_report(s: Scenario, plan: Plan, by: str = "type_and_track") -> FairnessReport:
    moved = {p.household: p for p in plan.placements}
    unplaced = {u.household for u in plan.unplaced}
    links = {lk.household: lk for lk in plan.links}
    occ = {k.id: (k.occupancy_end or 0.0) for k in plan.kpis.locations}
    groups: dict[tuple[str, str], list[Household]] = defaultdict(list)
    for h in s.households:
        track = "status_holder" if h.status is Status.status_holder else h.track.value
        key = (household_type(h), track if by == "type_and_track" else "all")
        groups[key].append(h)
    rows = []
    for (t, tr), members in sorted(groups.items()):
        dist = [moved[h.id].distance_km if h.id in moved else 0.0 for h in members]
        residents = [h for h in members if h.status is not Status.arrival]
        sh = [h for h in members if h.status is Status.status_holder and h.linked_gm_code is None]
        ends = [
            occ[moved[h.id].location] if h.id in moved else occ[h.location]
            for h in members
            if h.id not in unplaced
        ]
        rows.append(
            GroupOutcome(
                household_type=t,
                track=tr,
                households=len(members),
                persons=sum(h.size for h in members),
                mean_distance_km=round(float(np.mean(dist)), 2),
                moved_share=round(sum(h.id in moved for h in residents) / len(residents), 4)
                if residents
                else 0.0,
                waiting_share=round(sum(h.id not in links for h in sh) / len(sh), 4)
                if sh
                else None,
                mean_link_km=round(
                    float(np.mean([links[h.id].distance_km for h in sh if h.id in links])), 2
                )
                if any(h.id in links for h in sh)
                else None,
                mean_occupancy_end=round(float(np.mean(ends)), 4) if ends else 0.0,
                unplaced_share=round(sum(h.id in unplaced for h in members) / len(members), 4),
            )
        )
    spread: dict[str, float] = {}
    worst: dict[str, str] = {}
    for o in OUTCOMES:
        vals = [
            (getattr(r, o), f"{r.household_type} / {r.track}")
            for r in rows
            if getattr(r, o) is not None
        ]
        if vals:
            hi = max(vals)
            spread[o] = round(hi[0] - min(vals)[0], 4)
            worst[o] = hi[1]
    return FairnessReport(
        week=plan.week,
        by=by,
        groups=rows,
        spread=spread,
        worst_group=worst,
        note="Groups by household type and track only: the documents have no nationality field.",
    )
