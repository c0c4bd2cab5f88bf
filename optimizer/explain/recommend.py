"""Recommend for one new household: the top 3 locations (or municipalities for a status holder)
with their costs, by greedy insertion into the current plan (no re-solve), checked against every
hard rule. Prepare a ``PlanContext`` once; each call then takes a few milliseconds."""

from __future__ import annotations

import time
from collections import Counter

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Household, Scenario, Status
from optimizer.explain.documents import Recommendation
from optimizer.explain.options import PlanContext, compare, link_options, placement_options


def recommend(
    s: Scenario, plan: Plan, h: Household, k: int = 3, ctx: PlanContext | None = None
) -> Recommendation:
    """``h`` is a household not in the plan (a new arrival, resident or status holder) whose
    ``location`` is where it is now. Raises KeyError for an unknown location."""
    t0 = time.perf_counter()
    ctx = ctx or PlanContext.build(s, plan)
    if h.location not in ctx.loc_index:
        raise KeyError(f"location {h.location!r} is not in the scenario")
    if h.status is Status.status_holder:
        options, ruled = link_options(ctx, h, in_plan=False)
        options = [o for o in options if o.where != "waiting"]
    else:
        options, ruled = placement_options(ctx, h, in_plan=False)
        options = [o for o in options if o.where != "unplaced"] or options
    best = options[0] if options else None
    top = [compare(best, o) for o in options[:k]] if best else []
    return Recommendation(
        household=h.id,
        options=top,
        ruled_out_counts=dict(Counter(r.reason.split(":")[0] for r in ruled)),
        seconds=round(time.perf_counter() - t0, 4),
    )
