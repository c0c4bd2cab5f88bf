"""Explain one decision: the chosen place with its cost components, the best two alternatives with
their extra cost, and the rule that rules out the others (other decisions held fixed)."""

from __future__ import annotations

from collections import Counter

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Household, Scenario, Status
from optimizer.explain.documents import HouseholdExplanation, Option, RuledOut
from optimizer.explain.options import PlanContext, compare, link_options, placement_options
from optimizer.rules.band import band_high


def _with_stay(
    ctx: PlanContext,
    h: Household,
    chosen: Option,
    options: list[Option],
    ruled: list[RuledOut],
    alternatives: list[Option],
) -> list[Option]:
    """A moved resident's first question: what if it stayed where it is? Always listed, with what
    it would cost and the rule it breaks."""
    here = ctx.scenario.locations[ctx.loc_index[h.location]]
    rest = [a for a in alternatives if a.where != here.id]
    stay = next((o for o in options if o.where == here.id), None)
    if stay is None:  # ruled out: closing (or a hard rule)
        why = next((r for r in ruled if r.where == here.id), None)
        rule = why.rule if why else "closing"
        text = (
            f"{here.name} must end the week empty"
            if rule == "closing"
            else why.reason
            if why
            else ""
        )
        return [
            Option(
                where=here.id,
                name=f"stay at {here.name}",
                eur=chosen.eur,
                components={},
                distance_km=0.0,
                message=f"stay at {here.name}: not allowed ({rule}: {text})",
                breaks=f"{rule}: {text}",
            ),
            *rest,
        ][:3]
    alt = compare(chosen, stay)
    p = ctx.scenario.policy
    over = int(ctx.end[ctx.loc_index[here.id]] + h.size - band_high(p.occupancy_max, here.capacity))
    end_here = int(ctx.end[ctx.loc_index[here.id]])
    if end_here + h.size > here.capacity:
        breaks = (
            f"capacity: {here.name} ends the week full ({end_here} of {here.capacity} beds): "
            "its bed goes to the week's intake"
        )
    elif "occupancy_band" in stay.components and over > 0:
        breaks = (
            f"occupancy_band: {here.name} would end {over} bed{'s' if over > 1 else ''} above "
            f"{p.occupancy_max:.0%} (EUR {stay.components['occupancy_band']:,.0f})"
        )
    else:
        breaks = None
    msg = alt.message + (f"; breaks {breaks}" if breaks else "")
    return [alt.model_copy(update={"message": msg, "breaks": breaks}), *rest][:3]


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
        if decision == "placed" and h.status is not Status.arrival:
            alternatives = _with_stay(ctx, h, chosen, options, ruled, alternatives)
        summary += [a.message for a in alternatives]
        cheaper = min(alternatives, key=lambda a: a.extra_eur, default=None)
        if cheaper is not None and cheaper.extra_eur < -0.005:
            summary.append(
                f"note: {cheaper.name} is EUR {-cheaper.extra_eur:,.0f} cheaper "
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
