"""Families *quota_cap* (hard, elastic) and *quota_pace* (soft) of the half-yearly taakstelling.

quota_cap:  sum_k size_k * v_link[k] over links into g <= cap[g]
            cap[g] = min(remaining[g], max_links_per_week[g])  (remaining = quota - housed - linked;
            max_links_per_week is the municipality's own stated intake, where given)
            (+ v_quota_excess[g] at the hard penalty where pinned links could force more)
quota_pace: v_pace_short[g] >= target[g] - linked persons into g this week,
            target[g] = min(ceil(remaining[g] / weeks_left), cap[g]),
            priced at ``waiting_eur_per_person_day`` x 7 per person short. *Whether* a status holder
            is linked is priced by *unlinked*; the pace decides *where* and *how evenly*.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from optimizer.model.families.base import (
    HARD_PENALTY_EUR_PER_PERSON,
    HARD_PRICE,
    Family,
    Finding,
    Kind,
)
from optimizer.model.instance import DAYS, Instance
from optimizer.model.linear import lin


def diagnose_cap(inst: Instance, excess: Mapping[int, float]) -> list[Finding]:
    out = []
    for g, x in sorted(excess.items()):
        if x <= 1e-6:
            continue
        gm, n = inst.gm_codes[g], int(np.ceil(x - 1e-6))
        cap, left = int(inst.link_cap[g]), int(inst.remaining[g])
        what = (
            f"its remaining quota ({left} persons)"
            if cap >= left
            else f"its stated intake of {cap} persons this week (max_links_per_week)"
        )
        out.append(Finding(gm, n, f"{gm}: pinned links exceed {what} by {n}"))
    return out


FAMILY_CAP = Family(
    "quota_cap",
    Kind.elastic,
    "No municipality is linked more than its remaining quota or its stated weekly intake",
    HARD_PRICE,
    slack="v_quota_excess",
    diagnose=diagnose_cap,
)
FAMILY_PACE = Family(
    "quota_pace",
    Kind.soft,
    "Each municipality receives its weekly share of the quota",
    "policy.waiting_eur_per_person_day x 7 per person short of the week's share",
)


def _linked_persons(m: pyo.ConcreteModel, inst: Instance, g: int) -> LinearExpression:
    return lin(
        (inst.classes[int(inst.link_class[k])].persons, m.link_vars[k]) for k in m.links_into[g]
    )


def add_quota_cap(m: pyo.ConcreteModel, inst: Instance) -> None:
    gms = [g for g in range(len(inst.gm_codes)) if m.links_into[g]]
    if not gms:
        m.cost_quota_cap = pyo.Expression(expr=0.0)
        return
    # elastic only where a planner pinned links: otherwise linking fewer always keeps the rule
    pinned = sorted(
        {
            int(inst.link_gm[k])
            for k in range(inst.n_links)
            if inst.classes[int(inst.link_class[k])].key.pin >= 0
        }
    )
    m.v_quota_excess = pyo.Var(pinned, domain=pyo.NonNegativeReals)

    def rule(_m: pyo.ConcreteModel, g: int) -> object:
        slack = m.v_quota_excess[g] if g in m.v_quota_excess else 0.0  # noqa: SIM401 (Pyomo Var)
        return _linked_persons(m, inst, g) - slack <= float(inst.link_cap[g])

    m.quota_cap = pyo.Constraint(gms, rule=rule)
    m.cost_quota_cap = pyo.Expression(
        expr=lin((HARD_PENALTY_EUR_PER_PERSON, m.v_quota_excess[g]) for g in pinned)
    )


def add_quota_pace(m: pyo.ConcreteModel, inst: Instance) -> None:
    p = inst.scenario.policy
    gms = [g for g in range(len(inst.gm_codes)) if inst.pace_target[g] > 0]
    if not gms:
        m.cost_quota_pace = pyo.Expression(expr=0.0)
        return
    m.v_pace_short = pyo.Var(gms, domain=pyo.NonNegativeReals)

    def rule(_m: pyo.ConcreteModel, g: int) -> object:
        return m.v_pace_short[g] + _linked_persons(m, inst, g) >= float(inst.pace_target[g])

    m.quota_pace = pyo.Constraint(gms, rule=rule)
    m.cost_quota_pace = pyo.Expression(
        expr=lin((p.waiting_eur_per_person_day * DAYS, m.v_pace_short[g]) for g in gms)
    )
