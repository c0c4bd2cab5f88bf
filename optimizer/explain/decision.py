"""Explain one decision: the chosen place with its cost components, the best two alternatives with
their extra cost, and the rule that rules out the others (other decisions held fixed)."""

from __future__ import annotations

from collections import Counter

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario, Status
from optimizer.explain.documents import HouseholdExplanation, Option
from optimizer.explain.options import PlanContext, compare, link_options, placement_options


def explain_household(
    s: Scenario, plan: Plan, household: str, ctx: PlanContext | None = None
) -> HouseholdExplanation:
    """Raises KeyError when the household is not in the scenario."""
    hh = {h.id: h for h in s.households}
    if household not in hh:
        raise KeyError(f"household {household!r} is not in the scenario")
    h = hh[household]
    ctx = ctx or PlanContext.build(s, plan)
    summary: list[str] = []
    if h.status is Status.status_holder and h.linked_gm_code is None:
        options, ruled = link_options(ctx, h)
        target = ctx.link_of.get(h.id, "waiting")
        decision = "linked" if target != "waiting" else "waiting"
    else:
        options, ruled = placement_options(ctx, h)
        where = ctx.decision.get(h.id)
        target = where if where is not None else h.location
        if where == "unplaced":
            decision = "unplaced"
        elif where is None:
            decision = "staying" if h.status is Status.arrival else "stays"
        else:
            decision = "placed"
    chosen = next((o for o in options if o.where == target), None)
    alternatives: list[Option] = []
    if chosen is not None:
        parts = ", ".join(f"{k} EUR {v:,.0f}" for k, v in chosen.components.items())
        summary.append(f"{decision}: {chosen.name} (EUR {chosen.eur:,.0f}: {parts or 'no cost'})")
        alternatives = [compare(chosen, o) for o in options if o.where != target][:2]
        summary += [a.message for a in alternatives]
        if alternatives and alternatives[0].extra_eur < -0.005:
            summary.append(
                f"note: {alternatives[0].name} is EUR {-alternatives[0].extra_eur:,.0f} cheaper "
                f"with every other decision held fixed; the plan is proven within "
                f"EUR {max(0.0, plan.objective - plan.bound):,.0f} of the best possible"
            )
    if h.status is Status.status_holder and h.linked_gm_code is not None:
        summary.append(f"already linked to {h.linked_gm_code} before this week")
    counts = Counter(r.reason.split(":")[0] for r in ruled)
    if counts:
        summary.append("ruled out: " + "; ".join(f"{n} {r}" for r, n in counts.most_common()))
    ruled.sort(key=lambda r: (r.rule != "capacity", r.name))
    return HouseholdExplanation(
        household=h.id,
        status=h.status.value,
        decision=decision,
        chosen=chosen,
        alternatives=alternatives,
        ruled_out=ruled[:10],
        summary=summary,
    )
