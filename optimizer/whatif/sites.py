"""Site selection: choose the best k candidate sites to open (a multi-period MIP), with the
cost-benefit of each chosen site.

A screening model on top of a forecast: the demand of week t is what a baseline run could not house
within the occupancy band, ``need[t] = beds_short[t] + max(0, residents[t] - occ_max * beds[t])``.
Candidate sites take that demand once open; what they cannot take is emergency reception.

Sets: candidates S, weeks T. Variables (prefix ``v_``):

- ``v_open[s]``      binary  site s is chosen;
- ``v_active[s,t]``  binary  site s is open in week t (once open it stays open);
- ``v_house[s,t]``   >= 0    persons of the demand housed at s in week t;
- ``v_short[t]``     >= 0    persons still in emergency reception in week t.

Families (each an ``add_<family>`` function, each constraint named like it):

- ``choose_k``:      sum_s v_open[s] <= k
- ``open_if_chosen``: v_active[s,t] <= v_open[s]; v_active[s,t] = 0 before the site's opening week;
  v_open[s] <= sum_t v_active[s,t] (a chosen site opens)
- ``stays_open``:    v_active[s,t] <= v_active[s,t+1]
- ``site_capacity``: v_house[s,t] <= floor(occ_max * capacity[s]) * v_active[s,t]
- ``demand``:        sum_s v_house[s,t] + v_short[t] >= need[t]

Objective (EUR): sum fixed[s] v_active[s,t] + (7 bed_cost[s] + travel[s]) v_house[s,t]
+ 7 emergency_eur_per_person_day v_short[t], with ``travel[s]`` the transport of the persons
entering the site each week (residents / average stay) from the entry points (col/gvl, weighted by
their intake) at ``transport_eur_per_person_km``.

The cost-benefit of a chosen site is the rise of the optimum when it alone is left closed (the
others stay as chosen): what it saves net of what it costs. Check the choice with a full simulation
run of the chosen sites (``coa-plan whatif`` adds that variant).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.core as pyo
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from optimizer.reference_data import distance_matrix_km, load_municipalities
from optimizer.rules.week import DAYS
from optimizer.whatif.documents import Site

AVERAGE_STAY_WEEKS = 35.0  # about 8 months (BMH 'Naar een wendbare migratieketen', 2020)


@dataclass(frozen=True)
class Candidate:
    """A candidate site with national figures already scaled and its opening week resolved."""

    site: Site
    capacity: int
    opening_week: int
    fixed_eur_per_week: float
    travel_km: float  # mean distance from the entry points


@dataclass
class SelectionResult:
    """The chosen sites, the per-site cost-benefit, and the weekly picture."""

    chosen: list[str]
    sites: pd.DataFrame  # one row per candidate: chosen, open_from_week, costs, benefit
    weekly: pd.DataFrame  # need, housed by the chosen sites, emergency left
    objective_eur: float
    objective_no_sites_eur: float
    status: str
    stopped_by: str | None = None  # "time_limit" if the wall-clock limit ended a solve


def forecast_need(weekly: pd.DataFrame, occupancy_max: float) -> np.ndarray:
    """Demand per week from a baseline run (mean over seeds): shortage + residents above the band."""
    g = weekly.groupby("week", sort=True)[["beds_short", "residents", "beds_total"]].mean()
    over = np.maximum(0.0, g["residents"] - occupancy_max * g["beds_total"])
    return (g["beds_short"] + over).to_numpy(dtype=float)


def travel_km(site_gm: str, entries: list[tuple[str, float]]) -> float:
    """Mean straight-line km from the entry points (gm_code, weight) to the site's municipality."""
    ref = load_municipalities().set_index("gm_code")
    xy = ref.loc[[site_gm], ["x_rd_m", "y_rd_m"]].to_numpy(dtype=float)
    exy = ref.loc[[g for g, _ in entries], ["x_rd_m", "y_rd_m"]].to_numpy(dtype=float)
    w = np.array([x for _, x in entries], dtype=float)
    d = distance_matrix_km(exy, xy)[:, 0]
    return float((d * w).sum() / w.sum())


def make_candidates(
    sites: list[Site], entries: list[tuple[str, float]], scale: float, week_of: dict[str, int]
) -> list[Candidate]:
    """Scale capacities and fixed costs, resolve ISO opening weeks via ``week_of``."""
    out = []
    for s in sites:
        w = s.opening_week if isinstance(s.opening_week, int) else week_of.get(s.opening_week, 0)
        out.append(
            Candidate(
                site=s,
                capacity=max(1, round(s.capacity * scale)),
                opening_week=int(w),
                fixed_eur_per_week=s.fixed_eur_per_week * scale,
                travel_km=0.0 if s.kind in ("gvl", "col") else travel_km(s.gm_code, entries),
            )
        )
    return out


# ------------------------------------------------------------------------------------- families
def add_variables(m: pyo.ConcreteModel, cands: list[Candidate], horizon: int) -> None:
    m.S = pyo.RangeSet(0, len(cands) - 1)
    m.T = pyo.RangeSet(0, horizon - 1)
    m.v_open = pyo.Var(m.S, domain=pyo.Binary)
    m.v_active = pyo.Var(m.S, m.T, domain=pyo.Binary)
    m.v_house = pyo.Var(m.S, m.T, domain=pyo.NonNegativeReals)
    m.v_short = pyo.Var(m.T, domain=pyo.NonNegativeReals)


def add_choose_k(m: pyo.ConcreteModel, k: int) -> None:
    m.choose_k = pyo.Constraint(expr=sum(m.v_open[s] for s in m.S) <= k)


def add_open_if_chosen(m: pyo.ConcreteModel, cands: list[Candidate]) -> None:
    def rule(_m: pyo.ConcreteModel, s: int, t: int) -> object:
        if t < cands[s].opening_week:
            return m.v_active[s, t] == 0
        return m.v_active[s, t] <= m.v_open[s]

    m.open_if_chosen = pyo.Constraint(m.S, m.T, rule=rule)
    # a chosen site opens within the horizon (no free "chosen but never opened")
    m.open_if_chosen_opens = pyo.Constraint(
        m.S, rule=lambda _m, s: m.v_open[s] <= sum(m.v_active[s, t] for t in m.T)
    )


def add_stays_open(m: pyo.ConcreteModel, horizon: int) -> None:
    if horizon < 2:
        return

    def rule(_m: pyo.ConcreteModel, s: int, t: int) -> object:
        if t == horizon - 1:
            return pyo.Constraint.Skip
        return m.v_active[s, t] <= m.v_active[s, t + 1]

    m.stays_open = pyo.Constraint(m.S, m.T, rule=rule)


def add_site_capacity(m: pyo.ConcreteModel, cands: list[Candidate], occ_max: float) -> None:
    def rule(_m: pyo.ConcreteModel, s: int, t: int) -> object:
        beds = math.floor(occ_max * cands[s].capacity + 1e-9)
        return m.v_house[s, t] <= beds * m.v_active[s, t]

    m.site_capacity = pyo.Constraint(m.S, m.T, rule=rule)


def add_demand(m: pyo.ConcreteModel, need: np.ndarray) -> None:
    def rule(_m: pyo.ConcreteModel, t: int) -> object:
        return sum(m.v_house[s, t] for s in m.S) + m.v_short[t] >= float(need[t])

    m.demand = pyo.Constraint(m.T, rule=rule)


def add_objective(
    m: pyo.ConcreteModel,
    cands: list[Candidate],
    emergency_eur_per_person_day: float,
    transport_eur_per_person_km: float,
) -> None:
    def per_person_week(c: Candidate) -> float:
        travel = transport_eur_per_person_km * c.travel_km / AVERAGE_STAY_WEEKS
        return DAYS * c.site.cost_per_bed_day + travel

    m.cost_sites = pyo.Expression(
        expr=sum(
            cands[s].fixed_eur_per_week * m.v_active[s, t]
            + per_person_week(cands[s]) * m.v_house[s, t]
            for s in m.S
            for t in m.T
        )
    )
    m.cost_emergency = pyo.Expression(
        expr=sum(DAYS * emergency_eur_per_person_day * m.v_short[t] for t in m.T)
    )
    m.objective = pyo.Objective(expr=m.cost_sites + m.cost_emergency, sense=pyo.minimize)


def create_selection_model(
    cands: list[Candidate],
    need: np.ndarray,
    k: int,
    occupancy_max: float,
    emergency_eur_per_person_day: float,
    transport_eur_per_person_km: float = 0.25,
) -> pyo.ConcreteModel:
    """The selection MIP as a flat list of families."""
    horizon = len(need)
    m = pyo.ConcreteModel(name="site_selection")
    add_variables(m, cands, horizon)
    add_choose_k(m, k)
    add_open_if_chosen(m, cands)
    add_stays_open(m, horizon)
    add_site_capacity(m, cands, occupancy_max)
    add_demand(m, need)
    add_objective(m, cands, emergency_eur_per_person_day, transport_eur_per_person_km)
    return m


def _solve(m: pyo.ConcreteModel, time_limit_s: float) -> tuple[str, bool]:
    """Solve within ``time_limit_s`` wall-clock seconds: (status, stopped by the time limit)."""
    res = Highs().solve(
        m,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        rel_gap=1e-6,
        threads=1,
        time_limit=max(0.01, time_limit_s),
        solver_options={"random_seed": 1},
    )
    stopped = res.termination_condition is TerminationCondition.maxTimeLimit
    if res.solution_status in (SolutionStatus.optimal, SolutionStatus.feasible):
        res.solution_loader.load_vars()
        return ("optimal" if res.solution_status is SolutionStatus.optimal else "feasible"), stopped
    return "no_solution", stopped


def select_sites(
    cands: list[Candidate],
    need: np.ndarray,
    k: int,
    occupancy_max: float = 0.91,
    emergency_eur_per_person_day: float = 150.0,
    transport_eur_per_person_km: float = 0.25,
    time_limit_s: float = 120.0,
) -> SelectionResult:
    """Choose at most k of the candidates; report each one's cost and benefit.

    ``time_limit_s``: wall-clock seconds for all of it (the selection and, per chosen site, the
    optimum without it); ``stopped_by`` says whether the limit ended a solve."""
    t0 = time.perf_counter()
    horizon = len(need)
    args = (occupancy_max, emergency_eur_per_person_day, transport_eur_per_person_km)
    m = create_selection_model(cands, need, k, *args)
    status, stopped = _solve(m, time_limit_s - (time.perf_counter() - t0))
    obj = float(pyo.value(m.objective)) if status != "no_solution" else float("nan")
    chosen = [s for s in m.S if (m.v_open[s].value or 0) > 0.5]
    emergency_none = float(DAYS * emergency_eur_per_person_day * need.sum())
    rows = []
    for s, c in enumerate(cands):
        active = [t for t in m.T if (m.v_active[s, t].value or 0) > 0.5]
        housed = sum(m.v_house[s, t].value or 0.0 for t in m.T)
        row: dict[str, object] = {
            "site": c.site.name,
            "gm_code": c.site.gm_code,
            "kind": c.site.kind,
            "capacity": c.capacity,
            "chosen": s in chosen,
            "open_from_week": min(active) if active else None,
            "weeks_open": len(active),
            "person_weeks_housed": round(housed, 1),
            "travel_km": round(c.travel_km, 1),
            "cost_eur": 0.0,
            "benefit_eur": 0.0,
            "net_benefit_eur": 0.0,
        }
        if s in chosen:
            fixed = c.fixed_eur_per_week * len(active)
            per = DAYS * c.site.cost_per_bed_day + (
                transport_eur_per_person_km * c.travel_km / AVERAGE_STAY_WEEKS
            )
            cost = fixed + per * housed
            row.update(cost_eur=round(cost, 2), benefit_eur=None, net_benefit_eur=None)
            # the optimum with this site closed and the other choices kept (if time is left:
            # otherwise its benefit stays unknown)
            left = time_limit_s - (time.perf_counter() - t0)
            st2 = "no_solution"
            if left > 0:
                m2 = create_selection_model(cands, need, k, *args)
                for s2 in m2.S:
                    m2.v_open[s2].fix(1 if (s2 in chosen and s2 != s) else 0)
                st2, cut = _solve(m2, time_limit_s - (time.perf_counter() - t0))
                stopped = stopped or cut
            else:
                stopped = True
            if st2 != "no_solution":
                net = float(pyo.value(m2.objective)) - obj
                row.update(benefit_eur=round(net + cost, 2), net_benefit_eur=round(net, 2))
        rows.append(row)
    weekly = pd.DataFrame(
        {
            "week": list(range(horizon)),
            "need_persons": need,
            "housed_by_chosen": [sum(m.v_house[s, t].value or 0.0 for s in m.S) for t in m.T],
            "emergency_persons": [m.v_short[t].value or 0.0 for t in m.T],
        }
    )
    return SelectionResult(
        chosen=[cands[s].site.name for s in chosen],
        sites=pd.DataFrame(rows),
        weekly=weekly,
        objective_eur=round(obj, 2),
        objective_no_sites_eur=round(emergency_none, 2),
        status=status,
        stopped_by="time_limit" if stopped else None,
    )
