"""Families *quota_cap* (hard) and *quota_pace* (soft) of the half-yearly taakstelling.

quota_cap:  sum_k size_k * v_link[k] over links into g <= remaining[g]  (quota - housed - linked)
            (+ v_quota_excess[g] at the hard penalty where pinned links could force more)
quota_pace: v_pace_short[g] >= ceil(remaining[g] / weeks_left) - linked persons into g this week
            priced at ``waiting_eur_per_person_day`` x 7: a status holder not linked this week
            waits another week in COA reception (about EUR 68 a day, 002 L3719).
"""

from __future__ import annotations

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from optimizer.model.families.registry import HARD_PENALTY_EUR_PER_PERSON
from optimizer.model.instance import DAYS, Instance
from optimizer.model.linear import lin

FAMILY_CAP = "quota_cap"
FAMILY_PACE = "quota_pace"


def _linked_persons(m: pyo.ConcreteModel, inst: Instance, g: int) -> LinearExpression:
    return lin(
        (inst.classes[int(inst.link_class[k])].persons, m.v_link[k]) for k in m.links_into[g]
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
        return _linked_persons(m, inst, g) - slack <= float(inst.remaining[g])

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
