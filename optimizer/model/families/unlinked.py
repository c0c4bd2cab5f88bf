"""Soft family *unlinked*: a status holder awaiting a link who is not linked this week.

Every unlinked person waits one more week in COA reception. For a link class c with n_c households
of ``size`` persons, waiting ``w`` whole weeks since the permit:

    cost_unlinked = sum_c size * price_c * (n_c - sum_k v_link[k])   over the links k of c
    price_c = unlinked_eur_per_person_week
              + late_link_eur_per_person_week        if waited more than link_target_days
              + wait_priority_eur_per_person_week_waited * w

so a link pays whenever some municipality has quota left for the household (the *quota_pace* rule
then only decides where), and where quota is short the longest waiting are linked first. A class
without any municipality that has room for it pays its full price: it is stated in the plan as
unlinked without quota, not hidden.
"""

from __future__ import annotations

import pyomo.core as pyo

from optimizer.model.families.base import Family, Kind
from optimizer.model.instance import Instance
from optimizer.model.linear import lin
from optimizer.rules.linking import unlinked_price

FAMILY = Family(
    "unlinked",
    Kind.soft,
    "Status holders awaiting a link are linked this week",
    "policy.unlinked_eur_per_person_week per person (+ late_link past the link target, "
    "+ wait_priority per week waited)",
)


def add_unlinked(m: pyo.ConcreteModel, inst: Instance) -> None:
    p = inst.scenario.policy
    terms: list[tuple[float, pyo.Var]] = []
    const = 0.0
    for c in inst.classes_with_role("link"):
        cls = inst.classes[c]
        w = cls.persons * unlinked_price(p, cls.key.wait_weeks, cls.key.late)
        const += w * cls.n
        terms += [(-w, m.link_vars[k]) for k in m.links_of[c]]
    m.cost_unlinked = pyo.Expression(expr=lin(terms, constant=const))
