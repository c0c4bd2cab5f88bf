"""What each option would cost one household, holding every other decision of the plan fixed.

The cost of an option is the change in the objective if this one household went there instead:
its own placement costs (the same ``placement_cost`` the model uses) plus the change in the
occupancy-band penalty of the location it lands in; for a status holder, the link distance minus
the quota-pace shortfall it removes. Options that a hard rule forbids are listed with that rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Household, Scenario, Status
from optimizer.explain.documents import Option, RuledOut
from optimizer.reference_data import distance_matrix_km, load_municipalities
from optimizer.rules.band import band_penalty_eur
from optimizer.rules.costs import ARC_COMPONENTS, placement_cost, region_factor
from optimizer.rules.linking import link_caps, pace_targets, unlinked_price, wait_class
from optimizer.rules.suitability import (
    may_wait_at_registration,
    profile_of,
    unsuitable_reason,
)
from optimizer.rules.week import DAYS


@dataclass
class PlanContext:
    """End-of-week state of a plan, prepared once so that each question is answered in ms."""

    scenario: Scenario
    plan: Plan
    loc_index: dict[str, int]
    loc_xy: np.ndarray
    gm_xy: np.ndarray
    gm_index: dict[str, int]
    gm_names: dict[str, str]
    end: np.ndarray  # persons per location at the end of the week
    linked: np.ndarray  # persons linked this week per municipality
    remaining: np.ndarray  # persons each municipality may be linked this week (quota, intake)
    pace_target: np.ndarray
    region: np.ndarray
    decision: dict[str, str]  # household -> location it ends at (placed) / 'unplaced'
    link_of: dict[str, str]

    @classmethod
    def build(cls, s: Scenario, plan: Plan) -> PlanContext:
        ref = load_municipalities().set_index("gm_code")
        loc_index = {loc.id: i for i, loc in enumerate(s.locations)}
        end = np.array([loc.residents for loc in s.locations], dtype=float)
        size = {h.id: h.size for h in s.households}
        decision: dict[str, str] = {}
        for p in plan.placements:
            end[loc_index[p.from_location]] -= size[p.household]
            end[loc_index[p.location]] += size[p.household]
            decision[p.household] = p.location
        hloc = {h.id: h.location for h in s.households}
        for u in plan.unplaced:
            end[loc_index[hloc[u.household]]] -= u.persons
            decision[u.household] = "unplaced"
        gms = [m.gm_code for m in s.municipalities]
        gm_index = {g: i for i, g in enumerate(gms)}
        linked = np.zeros(len(gms))
        for lk in plan.links:
            linked[gm_index[lk.gm_code]] += lk.persons
        return cls(
            scenario=s,
            plan=plan,
            loc_index=loc_index,
            loc_xy=ref.loc[[loc.gm_code for loc in s.locations], ["x_rd_m", "y_rd_m"]].to_numpy(
                float
            ),
            gm_xy=ref.loc[gms, ["x_rd_m", "y_rd_m"]].to_numpy(float) if gms else np.zeros((0, 2)),
            gm_index=gm_index,
            gm_names={g: str(ref.at[g, "gm_name"]) for g in gms},
            end=end,
            linked=linked,
            remaining=link_caps(s),
            pace_target=pace_targets(s),
            region=region_factor(s, list(s.locations)),
            decision=decision,
            link_of={lk.household: lk.gm_code for lk in plan.links},
        )

    def band_penalty(self, i: int, persons: float) -> float:
        return band_penalty_eur(self.scenario.policy, self.scenario.locations[i], persons)


def _role(ctx: PlanContext, h: Household) -> str:
    if ctx.scenario.locations[ctx.loc_index[h.location]].closing:
        return "closing"
    return "arrival" if h.status is Status.arrival else "rebalance"


def placement_options(
    ctx: PlanContext, h: Household, in_plan: bool = True
) -> tuple[list[Option], list[RuledOut]]:
    """Every location for ``h`` with its cost, or the rule that rules it out. ``in_plan``: the
    household is part of the plan (its own bed is taken out first)."""
    s = ctx.scenario
    p = s.policy
    locs = s.locations
    o = ctx.loc_index[h.location]
    base = ctx.end.copy()
    if in_plan:
        where = ctx.decision.get(h.id)
        if where is None:
            base[o] -= h.size
        elif where != "unplaced":
            base[ctx.loc_index[where]] -= h.size
    role = _role(ctx, h)
    prof = profile_of(h)
    kansrijk = role == "arrival" and h.track.value == "kansrijk"
    km_row = distance_matrix_km(ctx.loc_xy[o : o + 1], ctx.loc_xy)[0]
    options: list[Option] = []
    ruled: list[RuledOut] = []
    for i, loc in enumerate(locs):
        stay = i == o
        wait = False
        if stay and role == "rebalance":
            reason = None  # a resident may always stay where it is
        elif stay and role == "closing":
            reason = "closing"
        else:
            reason = unsuitable_reason(prof, loc, moving_resident=role != "arrival")
            if stay and reason is not None and may_wait_at_registration(prof, loc):
                reason, wait = None, True  # an arrival may wait at its own col/gvl
        if reason is not None:
            rule = "closing" if reason == "closing" else "suitability"
            ruled.append(RuledOut(where=loc.id, name=loc.name, rule=rule, reason=reason))
            continue
        free = loc.capacity - base[i]
        if free < h.size:
            ruled.append(
                RuledOut(
                    where=loc.id,
                    name=loc.name,
                    rule="capacity",
                    reason=f"full: {max(0, int(free))} free beds for {h.size} persons",
                )
            )
            continue
        comps = dict(
            zip(
                ARC_COMPONENTS,
                placement_cost(
                    p,
                    role,
                    h.size,
                    h.school_age_children,
                    kansrijk,
                    locs[o],
                    loc,
                    float(km_row[i]),
                    float(ctx.region[i]),
                    stay=stay,
                    wait=wait,
                ),
                strict=True,
            )
        )
        comps["occupancy_band"] = ctx.band_penalty(i, base[i] + h.size) - ctx.band_penalty(
            i, base[i]
        )
        comps = {k: round(v, 2) for k, v in comps.items() if abs(v) > 1e-9}
        options.append(
            Option(
                where=loc.id,
                name=f"stay at {loc.name}" if stay and role == "rebalance" else loc.name,
                eur=round(sum(comps.values()), 2),
                components=comps,
                distance_km=0.0 if stay else round(float(km_row[i]), 1),
            )
        )
    if role == "arrival":
        eur = h.size * p.unplaced_eur_per_person
        options.append(
            Option(
                where="unplaced",
                name="no bed (crisis emergency reception)",
                eur=eur,
                components={"unplaced": eur},
                distance_km=0.0,
            )
        )
    options.sort(key=lambda x: (x.eur, x.where))
    return options, ruled


def link_options(
    ctx: PlanContext, h: Household, in_plan: bool = True
) -> tuple[list[Option], list[RuledOut]]:
    """Every municipality for status holder ``h``: link cost minus the pace shortfall it removes."""
    p = ctx.scenario.policy
    linked = ctx.linked.copy()
    if in_plan and h.id in ctx.link_of:
        linked[ctx.gm_index[ctx.link_of[h.id]]] -= h.size
    o = ctx.loc_index[h.location]
    km_row = distance_matrix_km(ctx.loc_xy[o : o + 1], ctx.gm_xy)[0] if len(ctx.gm_xy) else []
    s = ctx.scenario
    wait_eur = round(h.size * unlinked_price(p, *wait_class(p, h, s.week_start)), 2)
    options = [
        Option(
            where="waiting",
            name="not linked this week",
            eur=wait_eur,
            components={"unlinked": wait_eur},
            distance_km=0.0,
        )
    ]
    ruled: list[RuledOut] = []
    for gm, g in ctx.gm_index.items():
        left = ctx.remaining[g] - linked[g]
        name = ctx.gm_names[gm]
        if left < h.size:
            ruled.append(
                RuledOut(
                    where=gm,
                    name=name,
                    rule="quota_cap",
                    reason=f"no room this week: {max(0, int(left))} persons for {h.size}",
                )
            )
            continue
        km = float(km_row[g])
        gain = (
            p.waiting_eur_per_person_day
            * DAYS
            * min(h.size, max(0.0, ctx.pace_target[g] - linked[g]))
        )
        comps = {"link_distance": round(h.size * p.link_eur_per_person_km * km, 2)}
        if gain:
            comps["quota_pace"] = round(-gain, 2)
        options.append(
            Option(
                where=gm,
                name=name,
                eur=round(sum(comps.values()), 2),
                components=comps,
                distance_km=round(km, 1),
            )
        )
    options.sort(key=lambda x: (x.eur, x.where))
    return options, ruled


def compare(chosen: Option, alt: Option) -> Option:
    """``alt`` with its extra cost and distance against ``chosen`` and a one-line message."""
    extra = round(alt.eur - chosen.eur, 2)
    km = round(alt.distance_km - chosen.distance_km, 1)
    more = f"EUR {abs(extra):,.0f} {'more' if extra >= 0 else 'less'}"
    further = f"{abs(km):,.0f} km {'further' if km >= 0 else 'nearer'}"
    return alt.model_copy(
        update={
            "extra_eur": extra,
            "extra_km": km,
            "message": f"{alt.name}: {more}, {further}",
        }
    )
