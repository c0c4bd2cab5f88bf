"""Benchmark of the weekly allocation at national scale (figures printed, not a timed test).

Target (issue 2): model build + solve <= 10 s at <= 0.5% gap on a 2-core machine. Printed from one
run: build and solve time, gap, the LP-relaxation time and bound (the floor any solve pays), the
ratio of the full solve to the LP (a baseline measured in the same run, so machine noise cancels),
and the KPIs of a greedy baseline beside the model's: the decisions a planner signs (status holders
left unlinked while a municipality had room, waits at registration, moves by reason, the
impossible-band line), then the same for a crisis week (scale 0.05, 40,000 arrivals at scale 1):
persons without a bed against the col/gvl beds left free.

    python benchmarks/bench_allocate.py [--seed 1] [--scale 1.0] [--repeat 3] [--no-crisis]
"""

from __future__ import annotations

import argparse
import statistics
import time

from rich.console import Console
from rich.table import Table

from optimizer.allocation import SolveOptions, allocate
from optimizer.baseline import greedy_plan
from optimizer.documents.plan import Kpis
from optimizer.evaluate import plan_costs
from optimizer.kpis import compute_kpis
from optimizer.model.build import create_model
from optimizer.model.instance import build_instance
from optimizer.model.solve import solve_model
from optimizer.scenario_gen import ScenarioSpec, generate_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-crisis", action="store_true", help="skip the crisis week")
    args = ap.parse_args()
    con = Console()
    s = generate_scenario(ScenarioSpec(seed=args.seed, scale=args.scale))
    con.print(
        f"scenario: {len(s.locations)} locations, {len(s.municipalities)} municipalities, "
        f"{sum(loc.residents for loc in s.locations):,} residents, {len(s.households):,} households "
        f"({sum(h.status.value == 'arrival' for h in s.households):,} arrival households, "
        f"{sum(h.status.value == 'status_holder' and not h.linked_gm_code for h in s.households):,} "
        f"status holders to link), {sum(loc.closing for loc in s.locations)} closing"
    )

    lp_times, lp_bound = [], 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        inst = build_instance(s)
        m = create_model(inst)
        sol = solve_model(m, inst, SolveOptions(relax=True))
        lp_times.append(time.perf_counter() - t0)
        lp_bound = sol.objective
        lp_only = sol.solve_seconds
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        plan = allocate(s, SolveOptions(time_limit_s=60))
        runs.append((time.perf_counter() - t0, plan))
    total = statistics.median(t for t, _ in runs)
    plan = runs[-1][1]

    t0 = time.perf_counter()
    inst = build_instance(s)
    pl, lk, un = greedy_plan(inst)
    greedy_s = time.perf_counter() - t0
    base = compute_kpis(inst, pl, lk, un, plan_costs(inst, pl, lk, un))
    base_obj = sum(base.objective_terms_eur.values())
    t_build = plan.model.build_seconds

    t = Table(title="weekly allocation, national scale (median of runs)")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row(
        "model size: classes / variables / integer / constraints",
        f"{plan.model.classes:,} / {plan.model.variables:,} / "
        f"{plan.model.integer_variables:,} / {plan.model.constraints:,}",
    )
    t.add_row("build (instance + Pyomo model) s", f"{t_build:.2f}")
    t.add_row("solve s (LP + restricted MIP)", f"{plan.solve_seconds:.2f}")
    t.add_row("build + solve s (target <= 10)", f"{total:.2f}")
    t.add_row("gap to LP bound (target <= 0.5%)", f"{plan.gap:.4%}")
    t.add_row(
        "LP relaxation: build + solve s / solve s",
        f"{statistics.median(lp_times):.2f} / {lp_only:.2f}",
    )
    t.add_row("LP bound EUR / objective EUR", f"{lp_bound:,.0f} / {plan.objective:,.0f}")
    t.add_row("ratio full / LP-only time (same run)", f"{total / statistics.median(lp_times):.2f}")
    t.add_row("greedy baseline time s", f"{greedy_s:.2f}")
    con.print(t)

    con.print(kpi_table(plan.objective, plan.kpis, base_obj, base, "reference week"))
    if plan.kpis.band_note:
        con.print(f"band: {plan.kpis.band_note}")
    if not args.no_crisis:
        crisis(con, args.seed)


def crisis(con: Console, seed: int) -> None:
    """A crisis week: every bed outside the registration centres taken."""
    s = generate_scenario(ScenarioSpec(seed=seed, scale=0.05, arrival_households=40_000))
    plan = allocate(s, SolveOptions(time_limit_s=60))
    inst = build_instance(s)
    pl, lk, un = greedy_plan(inst)
    base = compute_kpis(inst, pl, lk, un, plan_costs(inst, pl, lk, un))
    con.print(
        kpi_table(
            plan.objective,
            plan.kpis,
            sum(base.objective_terms_eur.values()),
            base,
            f"crisis week (scale 0.05, {sum(h.status.value == 'arrival' for h in s.households):,}"
            " arrival households)",
        )
    )


def kpi_table(obj: float, k: Kpis, base_obj: float, base: Kpis, title: str) -> Table:
    c = Table(
        title=f"KPIs, {title}: model vs greedy baseline (nearest suitable with room; nearest quota)"
    )
    for col in ("KPI", "model", "greedy"):
        c.add_column(col, justify="right" if col != "KPI" else "left")
    rows = [
        ("objective EUR", obj, base_obj),
        ("beds short (persons)", k.beds_short, base.beds_short),
        (
            "waiting at registration (persons)",
            k.registration_wait_persons,
            base.registration_wait_persons,
        ),
        (
            "free col/gvl beds at the end",
            k.registration_beds_free_end,
            base.registration_beds_free_end,
        ),
        ("locations above band", k.locations_above_band, base.locations_above_band),
        ("locations below band", k.locations_below_band, base.locations_below_band),
        ("band deviation (beds)", k.band_deviation_beds, base.band_deviation_beds),
        ("moves (persons)", k.moves_persons, base.moves_persons),
        (
            "moves for closure (households)",
            k.moves_closing_households,
            base.moves_closing_households,
        ),
        (
            "moves to rebalance (households)",
            k.moves_rebalance_households,
            base.moves_rebalance_households,
        ),
        (
            "  of which freeing a bed for the intake",
            k.moves_freeing_beds_households,
            base.moves_freeing_beds_households,
        ),
        (
            "EUR saved by the other rebalancing moves",
            k.rebalance_saving_eur,
            base.rebalance_saving_eur,
        ),
        (
            "moves of school-age children",
            k.moves_school_age_children,
            base.moves_school_age_children,
        ),
        ("awaiting a link (persons)", k.awaiting_link_persons, base.awaiting_link_persons),
        ("links (persons)", k.links_persons, base.links_persons),
        ("unlinked (persons)", k.unlinked_persons, base.unlinked_persons),
        (
            "unlinked although a municipality had room (persons)",
            k.unlinked_with_quota_left_persons,
            base.unlinked_with_quota_left_persons,
        ),
        (
            "longest wait of the unlinked (days)",
            k.longest_wait_unlinked_days or 0,
            base.longest_wait_unlinked_days or 0,
        ),
        (
            "quota pace shortfall (persons)",
            k.quota_pace_shortfall_persons,
            base.quota_pace_shortfall_persons,
        ),
        ("placement travel (person-km)", k.distance_person_km, base.distance_person_km),
        ("link distance (person-km)", k.link_distance_person_km, base.link_distance_person_km),
        ("bed cost this week EUR", k.bed_cost_eur_week, base.bed_cost_eur_week),
    ]
    for name, a, b in rows:
        c.add_row(name, f"{a:,.1f}", f"{b:,.1f}")
    return c


if __name__ == "__main__":
    main()
