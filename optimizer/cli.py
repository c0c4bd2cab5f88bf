"""`coa-plan`: the command-line face of the optimizer (a thin layer, like the API).

Bad files or values end with a clear message naming the file, field and value, and exit code 2.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from optimizer.documents.io import DocumentError, load_scenario
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.model.solve import SolveOptions, allocate
from optimizer.scenario_gen import ScenarioSpec, generate_scenario

app = typer.Typer(
    help="Reception-capacity planning for COA: weekly allocation, sequencing, quotas.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


def _fail(e: DocumentError) -> None:
    err.print(f"[bold red]error[/] in {e.source}:")
    for p in e.problems[:50]:
        err.print(f"  - {p}", markup=False, highlight=False)
    if len(e.problems) > 50:
        err.print(f"  ... and {len(e.problems) - 50} more")
    raise typer.Exit(code=2)


def _write_json(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)  # atomic: a failed run never leaves half a file behind


def plan_table(plan: Plan, baseline: dict[str, float] | None = None) -> Table:
    k = plan.kpis
    t = Table(title=f"Plan {plan.week}: {plan.status.value}", show_lines=False)
    t.add_column("figure")
    t.add_column("model", justify="right")
    if baseline is not None:
        t.add_column("greedy baseline", justify="right")
    rows: list[tuple[str, str, str]] = [
        ("objective (EUR)", f"{plan.objective:,.0f}", _b(baseline, "objective", "{:,.0f}")),
        ("bound (EUR) / gap", f"{plan.bound:,.0f} / {plan.gap:.3%}", ""),
        ("arrivals placed / staying (persons)",
         f"{k.arrivals_placed_persons:,} / {k.arrivals_staying_persons:,}", ""),
        ("beds short (persons)", f"{k.beds_short:,}", _b(baseline, "beds_short", "{:,.0f}")),
        ("moves of residents (households / persons)",
         f"{k.moves_households:,} / {k.moves_persons:,}", _b(baseline, "moves_persons", "{:,.0f}")),
        ("moves of school-age children", f"{k.moves_school_age_children:,}",
         _b(baseline, "moves_school_age_children", "{:,.0f}")),
        ("status holders linked (households / persons)",
         f"{k.links_households:,} / {k.links_persons:,}", _b(baseline, "links_persons", "{:,.0f}")),
        ("quota pace shortfall (persons)", f"{k.quota_pace_shortfall_persons:,.0f}",
         _b(baseline, "quota_pace_shortfall_persons", "{:,.0f}")),
        ("occupancy end of week", f"{k.occupancy_total_end:.1%}", ""),
        ("locations outside the band", f"{k.locations_outside_band}",
         _b(baseline, "locations_outside_band", "{:,.0f}")),
        ("travel (person-km)", f"{k.distance_person_km:,.0f}",
         _b(baseline, "distance_person_km", "{:,.0f}")),
        ("bed cost this week (EUR)", f"{k.bed_cost_eur_week:,.0f}", ""),
        ("build / solve (s)", f"{plan.model.build_seconds:.1f} / {plan.solve_seconds:.1f}", ""),
    ]
    for name, a, b in rows:
        t.add_row(name, a, *([b] if baseline is not None else []))
    return t


def _b(baseline: dict[str, float] | None, key: str, fmt: str) -> str:
    if baseline is None or key not in baseline:
        return ""
    return fmt.format(baseline[key])


@app.command()
def scenario(
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the scenario JSON.")] = Path(
        "scenario.json"
    ),
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same scenario.")] = 1,
    scale: Annotated[float, typer.Option(min=0.01, max=5.0, help="1 = national reference week.")] = 1.0,
    week: Annotated[str, typer.Option(help="ISO week.")] = "2026-W48",
    half_year: Annotated[str, typer.Option(help="Half-year id of the quota.")] = "2026-H2",
    weeks_left: Annotated[int, typer.Option(min=1, max=27)] = 5,
    arrivals: Annotated[int, typer.Option(min=0, help="Arrival households (at scale 1).")] = 1500,
    status_holders: Annotated[int, typer.Option(min=0, help="Status holders awaiting a link.")] = 1000,
    closing: Annotated[int, typer.Option(min=0, help="Closing noodopvang locations.")] = 2,
    national_quota: Annotated[int, typer.Option(min=0, help="Half-year taakstelling.")] = 15_000,
) -> None:
    """Generate a seeded weekly scenario from the bundled data."""
    try:
        spec = ScenarioSpec(
            seed=seed, scale=scale, week=week, half_year=half_year, weeks_left=weeks_left,
            arrival_households=arrivals, status_holder_households=status_holders, closing=closing,
            national_quota=national_quota,
        )
        with console.status("generating scenario"):
            s = generate_scenario(spec)
    except ValueError as e:
        _fail(DocumentError("scenario options", [str(e).splitlines()[0]]))
    _write_json(out, s.model_dump_json(indent=1))
    console.print(_scenario_line(s, out))


def _scenario_line(s: Scenario, path: Path) -> str:
    persons = sum(loc.residents for loc in s.locations)
    beds = sum(loc.capacity for loc in s.locations)
    arr = sum(1 for h in s.households if h.status.value == "arrival")
    return (
        f"{path}: week {s.week}, {len(s.locations)} locations ({beds:,} beds, {persons:,} residents), "
        f"{len(s.municipalities)} municipalities, {len(s.households):,} households "
        f"({arr:,} arrivals), {sum(loc.closing for loc in s.locations)} closing"
    )


@app.command()
def validate(scenario_file: Annotated[Path, typer.Argument(help="Scenario JSON.")]) -> None:
    """Check a scenario: schema, consistency and reference data, with field paths."""
    try:
        s = load_scenario(scenario_file)
    except DocumentError as e:
        _fail(e)
    console.print(f"[green]valid[/] {_scenario_line(s, scenario_file)}")


@app.command("allocate")
def allocate_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario JSON.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write the plan JSON.")] = Path(
        "plan.json"
    ),
    time_limit: Annotated[float, typer.Option(min=1.0, help="Solver time limit (s).")] = 60.0,
    gap: Annotated[float, typer.Option(min=0.0, max=1.0, help="Relative MIP gap.")] = 0.005,
    threads: Annotated[int, typer.Option(min=1, max=64)] = 1,
    seed: Annotated[int, typer.Option(help="Solver seed.")] = 20261122,
) -> None:
    """Plan one week: placements, links, moves, KPIs (and a diagnosis if rules conflict)."""
    try:
        s = load_scenario(scenario_file)
    except DocumentError as e:
        _fail(e)
    opts = SolveOptions(time_limit_s=time_limit, mip_rel_gap=gap, threads=threads, seed=seed)
    with console.status("building and solving the weekly allocation"):
        plan = allocate(s, opts)
    _write_json(out, plan.model_dump_json(indent=1))
    console.print(plan_table(plan))
    _print_diagnosis(plan)
    console.print(f"plan written to {out}")


def _print_diagnosis(plan: Plan) -> None:
    for v in plan.diagnosis:
        console.print(f"[bold red]{v.family}[/] at {v.where}: {v.message}", highlight=False)
    if plan.kpis.beds_short:
        console.print(
            f"[bold yellow]shortage[/]: {plan.kpis.beds_short} arrival persons have no suitable bed "
            f"({len(plan.unplaced)} households, see plan.unplaced)"
        )


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where the scenario and plan are written.")] = Path("out"),
    seed: Annotated[int, typer.Option()] = 1,
    scale: Annotated[float, typer.Option(min=0.01, max=5.0)] = 1.0,
    time_limit: Annotated[float, typer.Option(min=1.0)] = 60.0,
) -> None:
    """The main job: generate the national reference week, plan it, compare with the greedy baseline."""
    from optimizer.baseline import greedy_plan
    from optimizer.evaluate import plan_costs
    from optimizer.kpis import compute_kpis
    from optimizer.model.instance import build_instance

    t0 = time.perf_counter()
    with console.status("generating the reference week"):
        s = generate_scenario(ScenarioSpec(seed=seed, scale=scale))
    scen_path = out_dir / "scenario.json"
    _write_json(scen_path, s.model_dump_json(indent=1))
    console.print(_scenario_line(s, scen_path))
    with console.status("building and solving the weekly allocation (HiGHS)"):
        plan = allocate(s, SolveOptions(time_limit_s=time_limit))
    plan_path = out_dir / "plan.json"
    _write_json(plan_path, plan.model_dump_json(indent=1))
    with console.status("greedy baseline"):
        inst = build_instance(s)
        pl, lk, un = greedy_plan(inst)
        bk = compute_kpis(inst, pl, lk, un, plan_costs(inst, pl, lk, un))
        base = json.loads(bk.model_dump_json())
        base["objective"] = sum(bk.objective_terms_eur.values())
    console.print(plan_table(plan, base))
    _print_diagnosis(plan)
    console.print(
        f"scenario {scen_path}, plan {plan_path}; total {time.perf_counter() - t0:.1f} s"
    )


@app.command()
def schema(
    out_dir: Annotated[Path, typer.Option(help="Where the JSON Schemas are written.")] = Path(
        "docs/schemas"
    ),
) -> None:
    """Publish the scenario and plan documents as JSON Schema (the contract)."""
    from optimizer.documents.schemas import write_schemas

    for path in write_schemas(out_dir):
        console.print(f"wrote {path}")
