"""Score analysis of a plan (in the manner of Timefold's): for every rule family, hard and soft,
what it costs and where; the families sum exactly to the objective."""

from __future__ import annotations

from collections import defaultdict

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.evaluate import CostItem, cost_items
from optimizer.explain.diagnose import conflicts
from optimizer.explain.documents import FamilyScore, PlanExplanation, ScoreItem
from optimizer.model.families.registry import FAMILIES
from optimizer.model.instance import build_instance


def explain_plan(s: Scenario, plan: Plan, top: int = 10) -> PlanExplanation:
    inst = build_instance(s)
    items = cost_items(inst, plan.placements, plan.links, plan.unplaced)
    by: dict[str, list[CostItem]] = defaultdict(list)
    for it in items:
        by[it.family].append(it)
    families = []
    for f in FAMILIES:
        rows = sorted(by.get(f.name, []), key=lambda x: (-abs(x.eur), x.where, x.household or ""))
        families.append(
            FamilyScore(
                family=f.name,
                title=f.title,
                hard=f.hard,
                kind=f.kind.value,
                price=f.price,
                eur=round(sum(x.eur for x in rows), 2),
                items=len(rows),
                top=[
                    ScoreItem(
                        where=x.where,
                        household=x.household,
                        amount=round(x.amount, 2),
                        unit=x.unit,
                        eur=round(x.eur, 2),
                    )
                    for x in rows[:top]
                ],
            )
        )
    total = round(sum(f.eur for f in families), 2)
    return PlanExplanation(
        week=plan.week,
        objective=plan.objective,
        total_eur=total,
        families=families,
        conflicts=conflicts(s, plan),
    )
