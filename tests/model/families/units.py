"""Build a model with only some rule families (plus the variables they need), Timefold style:
each family's own rows and penalty can be checked without solving the whole week."""

from __future__ import annotations

from collections.abc import Callable

import pyomo.environ as pyo

from optimizer.documents.scenario import Scenario
from optimizer.model.build import add_end_of_week, add_variables
from optimizer.model.instance import Instance, build_instance

Adder = Callable[[pyo.ConcreteModel, Instance], None]


def family_model(s: Scenario, *adders: Adder) -> tuple[pyo.ConcreteModel, Instance]:
    inst = build_instance(s)
    m = pyo.ConcreteModel()
    add_variables(m, inst)
    add_end_of_week(m, inst)
    for add in adders:
        add(m, inst)
    for v in m.component_data_objects(pyo.Var):
        v.set_value(0, skip_validation=True)
    return m, inst


def class_of(inst: Instance, household: str, role: str) -> int:
    return next(
        c for c, cls in enumerate(inst.classes) if household in cls.members and cls.key.role == role
    )


def arc(inst: Instance, household: str, dest: str, role: str = "arrival") -> int:
    """The placement arc of the household's class to ``dest`` (KeyError if none exists)."""
    c, d = class_of(inst, household, role), inst.loc_index[dest]
    for a in range(inst.n_arcs):
        if int(inst.arc_class[a]) == c and int(inst.arc_dest[a]) == d:
            return a
    raise KeyError((household, dest))


def link(inst: Instance, household: str, gm: str) -> int:
    c, g = class_of(inst, household, "link"), inst.gm_index[gm]
    for k in range(inst.n_links):
        if int(inst.link_class[k]) == c and int(inst.link_gm[k]) == g:
            return k
    raise KeyError((household, gm))
