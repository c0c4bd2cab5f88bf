"""`coa-plan`: the command-line face of the optimizer (a thin layer, like the API).

Bad files or values end with a clear message naming the file, field and value, and exit code 2.
The commands import what they need when they run (the documents, the solver, pandas), so
``coa-plan --help`` and the CLI's start stay fast.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from optimizer.cli_output import (
    ExcelOpt,
    FormatOpt,
    OutFormat,
    SheetOpt,
    console_for,
    emit,
    make_table,
    pct,
    write_outputs,
)
from optimizer.documents.errors import DocumentError
from optimizer.gc_pause import paused_gc
from optimizer.rules.week import SEED

if TYPE_CHECKING:
    from optimizer.documents.plan import Plan
    from optimizer.documents.scenario import Scenario


def load_scenario(path: Path) -> Scenario:
    """:func:`optimizer.documents.io.load_scenario`, imported on first use."""
    from optimizer.documents.io import load_scenario as load

    return load(path)


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
        (
            "arrivals placed / staying (persons)",
            f"{k.arrivals_placed_persons:,} / {k.arrivals_staying_persons:,}",
            "",
        ),
        ("beds short (persons)", f"{k.beds_short:,}", _b(baseline, "beds_short", "{:,.0f}")),
        (
            "waiting at registration, in a free col/gvl bed (persons)",
            f"{k.registration_wait_persons:,}",
            _b(baseline, "registration_wait_persons", "{:,.0f}"),
        ),
        ("free col/gvl beds at the end of the week", f"{k.registration_beds_free_end:,}", ""),
        (
            "moves of residents (households / persons)",
            f"{k.moves_households:,} / {k.moves_persons:,}",
            _b(baseline, "moves_persons", "{:,.0f}"),
        ),
        (
            "  of which for closure / to rebalance (households)",
            f"{k.moves_closing_households:,} / {k.moves_rebalance_households:,}",
            "",
        ),
        (
            "  rebalancing: freeing beds for the intake (households)",
            f"{k.moves_freeing_beds_households:,}",
            "",
        ),
        ("  saved by the other rebalancing moves (EUR)", f"{k.rebalance_saving_eur:,.0f}", ""),
        (
            "moves of school-age children",
            f"{k.moves_school_age_children:,}",
            _b(baseline, "moves_school_age_children", "{:,.0f}"),
        ),
        (
            "status holders linked (households / persons)",
            f"{k.links_households:,} / {k.links_persons:,}",
            _b(baseline, "links_persons", "{:,.0f}"),
        ),
        (
            "status holders left unlinked (households / persons)",
            f"{k.unlinked_households:,} / {k.unlinked_persons:,}",
            _b(baseline, "unlinked_persons", "{:,.0f}"),
        ),
        (
            "  of which while a municipality had room (persons)",
            f"{k.unlinked_with_quota_left_persons:,}",
            _b(baseline, "unlinked_with_quota_left_persons", "{:,.0f}"),
        ),
        (
            "  longest wait since the permit (days)",
            "-" if k.longest_wait_unlinked_days is None else f"{k.longest_wait_unlinked_days}",
            "",
        ),
        (
            "quota pace shortfall (persons)",
            f"{k.quota_pace_shortfall_persons:,.0f}",
            _b(baseline, "quota_pace_shortfall_persons", "{:,.0f}"),
        ),
        ("occupancy end of week", f"{k.occupancy_total_end:.1%}", ""),
        (
            "locations above / below the band (band kinds)",
            f"{k.locations_above_band} / {k.locations_below_band}",
            ""
            if baseline is None
            else f"{baseline.get('locations_above_band', 0):,.0f} / "
            f"{baseline.get('locations_below_band', 0):,.0f}",
        ),
        (
            "travel (person-km)",
            f"{k.distance_person_km:,.0f}",
            _b(baseline, "distance_person_km", "{:,.0f}"),
        ),
        ("bed cost this week (EUR)", f"{k.bed_cost_eur_week:,.0f}", ""),
        ("build / solve (s)", f"{plan.model.build_seconds:.1f} / {plan.solve_seconds:.1f}", ""),
    ]
    for name, a, b in rows:
        t.add_row(name, a, *([b] if baseline is not None else []))
    if k.band_note:
        t.caption = f"band: {k.band_note}"
    return t


def _b(baseline: dict[str, float] | None, key: str, fmt: str) -> str:
    if baseline is None or key not in baseline:
        return ""
    return fmt.format(baseline[key])


@app.command()
def scenario(
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Where to write the scenario JSON.")
    ] = Path("scenario.json"),
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same scenario.")] = 1,
    scale: Annotated[
        float, typer.Option(min=0.01, max=5.0, help="1 = national reference week.")
    ] = 1.0,
    week: Annotated[str, typer.Option(help="ISO week.")] = "2026-W48",
    half_year: Annotated[str, typer.Option(help="Half-year id of the quota.")] = "2026-H2",
    weeks_left: Annotated[int, typer.Option(min=1, max=27)] = 5,
    arrivals: Annotated[int, typer.Option(min=0, help="Arrival households (at scale 1).")] = 1500,
    status_holders: Annotated[
        int, typer.Option(min=0, help="Status holders awaiting a link.")
    ] = 1000,
    closing: Annotated[int, typer.Option(min=0, help="Closing noodopvang locations.")] = 2,
    national_quota: Annotated[int, typer.Option(min=0, help="Half-year taakstelling.")] = 15_000,
    locations: Annotated[
        Path | None,
        typer.Option(
            "--locations",
            help="Your own location register (.csv or .xlsx with the columns of the locations "
            "sheet) instead of the bundled synthetic set; its 'closing' column says which close.",
        ),
    ] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV folder output for Dutch Excel (; , BOM).")
    ] = False,
) -> None:
    """Generate a seeded weekly scenario (.json, .xlsx or a CSV folder by the -o suffix)."""
    from optimizer.scenario_gen import ScenarioSpec, generate_scenario

    register = None
    if locations is not None:
        from optimizer.tables.register import read_location_register

        try:
            register = read_location_register(locations)
        except DocumentError as e:
            _fail(e)
    try:
        spec = ScenarioSpec(
            seed=seed,
            scale=scale,
            week=week,
            half_year=half_year,
            weeks_left=weeks_left,
            arrival_households=arrivals,
            status_holder_households=status_holders,
            closing=closing,
            national_quota=national_quota,
        )
        with console.status("generating scenario"):
            s = generate_scenario(spec, locations=register)
    except ValueError as e:
        _fail(DocumentError("scenario options", [str(e).splitlines()[0]]))
    write_scenario_file(s, out, excel)
    console.print(_scenario_line(s, out))


def write_scenario_file(s: Scenario, out: Path, excel: bool = False) -> None:
    """A scenario as JSON (``.json``), a workbook (``.xlsx``) or a CSV folder (anything else)."""
    if out.suffix.lower() == ".json":
        _write_json(out, s.model_dump_json(indent=1))
    else:
        from optimizer.tables.workbook import write_scenario

        write_scenario(s, out, excel_csv=excel)


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
def validate(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario .json, .xlsx or CSV folder.")],
) -> None:
    """Check a scenario: schema, consistency and reference data, with field paths."""
    try:
        s = load_scenario(scenario_file)
    except DocumentError as e:
        _fail(e)
    console.print(f"[green]valid[/] {_scenario_line(s, scenario_file)}")


@app.command()
def template(
    out: Annotated[
        Path, typer.Option("-o", "--out", help="week.xlsx, or a folder for CSV files.")
    ] = Path("week.xlsx"),
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV files for Dutch Excel (; , BOM).")
    ] = False,
) -> None:
    """An empty scenario workbook: a README of every column, drop-downs, an example row."""
    from optimizer.tables.workbook import write_template

    paths = write_template(out, excel_csv=excel)
    console.print(
        f"template written to {out}" + (f" ({len(paths)} files)" if len(paths) > 1 else "")
    )
    console.print(
        f"fill it in, then: coa-plan validate {out}; coa-plan allocate {out} -o plan.xlsx"
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Scenario .json, .xlsx or CSV folder.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Target .json, .xlsx or folder.")],
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV files for Dutch Excel (; , BOM).")
    ] = False,
) -> None:
    """Convert a scenario between JSON, a workbook and a folder of CSV files (validated)."""
    try:
        s = load_scenario(source)
    except DocumentError as e:
        _fail(e)
    if out.resolve() == source.resolve():
        _fail(DocumentError(str(out), ["-o: the target is the source; give another name"]))
    write_scenario_file(s, out, excel)
    console.print(f"converted {source} -> {out}")


@app.command("allocate")
# the whole command (reading and validating a week is object-heavy too), the program's last work
@paused_gc(ends_process=True)
def allocate_cmd(
    scenario_file: Annotated[Path, typer.Argument(help="Scenario .json, .xlsx or CSV folder.")],
    out: Annotated[
        list[Path] | None,
        typer.Option(
            "-o",
            "--out",
            help="plan.json (default), plan.xlsx, a folder for CSV files, plan.gpkg or "
            "plan.geojson (per-municipality figures, locations as points); repeat -o for several. "
            "Without a .json target the JSON plan is written beside the first.",
        ),
    ] = None,
    time_limit: Annotated[float, typer.Option(min=1.0, help="Solver time limit (s).")] = 60.0,
    gap: Annotated[float, typer.Option(min=0.0, max=1.0, help="Relative MIP gap.")] = 0.005,
    threads: Annotated[int, typer.Option(min=1, max=64)] = 1,
    seed: Annotated[int, typer.Option(help="Solver seed.")] = SEED,
    previous: Annotated[
        Path | None,
        typer.Option(help="Last run's plan: keep its decisions unless changing them pays."),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
) -> None:
    """Plan one week: placements, links, moves, KPIs (and a diagnosis if rules conflict)."""
    from optimizer.allocation import SolveOptions, allocate
    from optimizer.documents.io import load_document
    from optimizer.documents.plan import Plan

    targets = out or [Path("plan.json")]
    try:
        s = load_scenario(scenario_file)
        prev = load_document(Plan, previous) if previous is not None else None
    except DocumentError as e:
        _fail(e)
    show = console_for(fmt)
    opts = SolveOptions(time_limit_s=time_limit, mip_rel_gap=gap, threads=threads, seed=seed)
    with show.status("building and solving the weekly allocation"):
        plan = allocate(s, opts, previous=prev)

    def frames() -> dict[str, Any]:
        from optimizer.tables.frames import plan_frames

        return plan_frames(plan, s)

    def layers(path: Path) -> list[Path]:
        from optimizer.tables.gis import write_plan_layers

        return write_plan_layers(plan, s, path)

    written = write_outputs(
        targets,
        plan,
        frames,
        excel=excel,
        title=f"Plan {plan.week}: {plan.status.value}",
        gis=layers,
        json_name="plan.json",
    )
    show.print(plan_table(plan))
    _print_diagnosis(plan, show)
    if prev is not None:
        show.print(f"{len(plan.changes)} decisions differ from the previous plan")
        for c in plan.changes[:10]:
            show.print(
                f"  {c.household}: {c.previous} -> {c.now} ({c.reason})",
                highlight=False,
                markup=False,
            )
    show.print(f"plan written to {', '.join(str(p) for p in written)}", highlight=False)
    emit(fmt, plan, frames, sheet, excel)


def _print_diagnosis(plan: Plan, show: Console | None = None) -> None:
    show = show or console
    for v in plan.diagnosis:
        show.print(f"[bold red]{v.family}[/] at {v.where}: {v.message}", highlight=False)
    if plan.kpis.beds_short:
        show.print(
            f"[bold yellow]shortage[/]: {plan.kpis.beds_short} arrival persons have no suitable bed "
            f"({len(plan.unplaced)} households, see plan.unplaced)"
        )


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option(help="Where the scenario and plan are written.")] = Path(
        "out"
    ),
    seed: Annotated[int, typer.Option()] = 1,
    scale: Annotated[float, typer.Option(min=0.01, max=5.0)] = 1.0,
    time_limit: Annotated[float, typer.Option(min=1.0)] = 60.0,
) -> None:
    """The main job: generate the national reference week, plan it, compare with the greedy baseline."""
    from optimizer.allocation import SolveOptions, allocate
    from optimizer.baseline import greedy_plan
    from optimizer.evaluate import plan_costs
    from optimizer.kpis import compute_kpis
    from optimizer.model.instance import build_instance
    from optimizer.scenario_gen import ScenarioSpec, generate_scenario

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
    from optimizer.documents.sequence import SequenceOptions
    from optimizer.sequencing.cli import summary_table
    from optimizer.sequencing.solve import sequence

    with console.status("sequencing the moves over 7 days (CP-SAT)"):
        seq = sequence(s, plan, SequenceOptions(time_limit_s=min(10.0, time_limit)))
    seq_path = out_dir / "sequence.json"
    _write_json(seq_path, seq.model_dump_json(indent=1))
    console.print(summary_table(seq))
    console.print(
        f"scenario {scen_path}, plan {plan_path}, sequence {seq_path}; "
        f"total {time.perf_counter() - t0:.1f} s"
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


def _beside(plan_file: Path) -> Path:
    """scenario.json beside the plan, else scenario.xlsx, else a scenario/ CSV folder."""
    for name in ("scenario.json", "scenario.xlsx", "scenario"):
        p = plan_file.with_name(name)
        if p.exists():
            return p
    return plan_file.with_name("scenario.json")


def _scenario_for(plan_file: Path, scenario_file: Path | None) -> tuple[Scenario, Plan]:
    """The plan and the scenario it was made from (default: scenario.json beside the plan)."""
    from optimizer.documents.hashing import scenario_hash
    from optimizer.documents.io import load_document
    from optimizer.documents.plan import Plan

    plan = load_document(Plan, plan_file)
    path = scenario_file or _beside(plan_file)
    s = load_scenario(path)
    if scenario_hash(s) != plan.scenario_hash:
        raise DocumentError(
            str(path),
            [
                f"scenario_hash: this scenario is not the one {plan_file} was made from "
                f"(plan {plan.scenario_hash}, scenario {scenario_hash(s)})"
            ],
        )
    return s, plan


@app.command()
def explain(
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON.")],
    household: Annotated[str | None, typer.Option(help="Explain one household's decision.")] = None,
    scenario_file: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            help="Scenario .json, .xlsx or CSV folder (default: scenario.json beside the plan).",
        ),
    ] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option("-o", "--out", help="explain.json, explain.xlsx or a folder for CSV files."),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
) -> None:
    """Score analysis of a plan per rule family, or one household's decision with alternatives."""
    from optimizer.explain.decision import explain_household
    from optimizer.explain.score import explain_plan
    from optimizer.tables.frames import explanation_frames, household_explanation_frames

    try:
        s, plan = _scenario_for(plan_file, scenario_file)
        if household is not None and household not in {h.id for h in s.households}:
            raise DocumentError("--household", [f"household {household!r} is not in the scenario"])
    except DocumentError as e:
        _fail(e)
    show = console_for(fmt)
    names = _location_names(s)
    doc: Any
    if household is None:
        ex = explain_plan(s, plan)
        doc = ex
        t = make_table(
            f"Plan {plan.week}: cost per rule family (sums to the objective)",
            ["family", "kind", "EUR", "items", "largest item"],
            right=("EUR", "items"),
        )
        for f in ex.families:
            top = f.top[0] if f.top else None
            where = f"{top.where} {names.where(top.where)}".strip() if top else ""
            t.add_row(
                f.title,
                "hard" if f.hard else "soft",
                f"{f.eur:,.0f}",
                f"{f.items:,}",
                f"{where} {top.household or ''}: EUR {top.eur:,.0f}" if top else "",
            )
        t.add_row("total", "", f"{ex.total_eur:,.0f}", "", f"objective {ex.objective:,.0f}")
        show.print(t)
        for c in ex.conflicts:
            show.print(f"[bold red]conflict[/] {c}", highlight=False)

        def frames() -> dict[str, Any]:
            return explanation_frames(ex, s)
    else:
        hx = explain_household(s, plan, household)
        doc = hx
        show.print(f"[bold]{hx.household}[/] ({hx.status}): {hx.decision}")
        for line in hx.summary:
            show.print(f"  {line}", highlight=False, markup=False)

        def frames() -> dict[str, Any]:
            return household_explanation_frames(hx, s)

    if out:
        write_outputs(out, doc, frames, excel=excel, title=f"Explanation of plan {plan.week}")
    emit(fmt, doc, frames, sheet, excel)


def _location_names(s: Scenario) -> Any:
    from optimizer.tables.names import Names

    return Names(s)


@app.command()
def recommend(
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON.")],
    household_json: Annotated[
        str | None,
        typer.Option(
            "--household",
            help='The new household as JSON, e.g. \'{"id": "N1", "size": 3, '
            '"status": "arrival", "track": "kansrijk", "location": "L001"}\' (or the options below)',
        ),
    ] = None,
    size: Annotated[int | None, typer.Option(help="Persons in the new household.")] = None,
    status: Annotated[str | None, typer.Option(help="arrival, resident or status_holder.")] = None,
    track: Annotated[
        str | None, typer.Option(help="kansrijk, kansarm, dublin, safe_country, unknown.")
    ] = None,
    location: Annotated[
        str | None, typer.Option(help="Where the household is now, e.g. L001.")
    ] = None,
    school_age_children: Annotated[int | None, typer.Option(help="School-age children.")] = None,
    amv: Annotated[bool, typer.Option("--amv", help="An unaccompanied minor.")] = False,
    household_id: Annotated[str, typer.Option("--id", help="A pseudonymous id for it.")] = "NEW1",
    scenario_file: Annotated[Path | None, typer.Option("--scenario")] = None,
    k: Annotated[int, typer.Option(min=1, max=20)] = 3,
    fmt: FormatOpt = OutFormat.table,
    excel: ExcelOpt = False,
) -> None:
    """Top locations (or municipalities for a status holder) for one new household, no re-solve."""
    from optimizer.documents.io import parse_document
    from optimizer.documents.scenario import Household
    from optimizer.explain.recommend import recommend as rec
    from optimizer.tables.frames import recommendation_frames

    try:
        s, plan = _scenario_for(plan_file, scenario_file)
        if household_json is None:
            given = {
                "id": household_id,
                "size": size,
                "status": status,
                "track": track,
                "location": location,
                "school_age_children": school_age_children,
                "amv": amv or None,
            }
            missing = [f"--{n}" for n in ("size", "status", "location") if given[n] is None]
            if missing:
                raise DocumentError(
                    "--household", [f"give the household as JSON or with {', '.join(missing)}"]
                )
            household_json = json.dumps({n: v for n, v in given.items() if v is not None})
        h = parse_document(Household, household_json, "--household")
        if h.location not in s.location_index():
            raise DocumentError("--household", [f"location: unknown location {h.location!r}"])
    except DocumentError as e:
        _fail(e)
    r = rec(s, plan, h, k=k)
    show = console_for(fmt)
    who = f"{h.size} person{'s' if h.size > 1 else ''}, {h.status.value}, {h.track.value}, at {h.location}"
    t = make_table(
        f"Best places for {h.id} ({who})",
        ["#", "where", "name", "EUR", "km", "cost parts"],
        right=("#", "EUR", "km"),
    )
    for i, o in enumerate(r.options, 1):
        comps = ", ".join(f"{n} {v:,.0f}" for n, v in o.components.items() if abs(v) >= 0.5)
        t.add_row(str(i), o.where, o.name, f"{o.eur:,.0f}", f"{o.distance_km:,.0f}", comps)
    show.print(t)
    ruled = ", ".join(
        f"{n}: {c}" for n, c in sorted(r.ruled_out_counts.items(), key=lambda x: -x[1])
    )
    show.print(f"ruled out: {ruled or 'none'}; {r.seconds * 1000:.1f} ms", highlight=False)
    emit(fmt, r, lambda: recommendation_frames(r, s), None, excel)


@app.command()
def fairness(
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON.")],
    scenario_file: Annotated[Path | None, typer.Option("--scenario")] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option("-o", "--out", help="fairness.json, fairness.xlsx or a folder for CSV files."),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
) -> None:
    """Outcomes by household type and track, with the spread between groups."""
    from optimizer.explain.fairness import OUTCOMES, fairness_report
    from optimizer.tables.frames import fairness_frames

    try:
        s, plan = _scenario_for(plan_file, scenario_file)
    except DocumentError as e:
        _fail(e)
    rep = fairness_report(s, plan)
    show = console_for(fmt)

    def cell(outcome: str, v: float | None) -> str:
        if v is None:
            return "-"
        return pct(v) if outcome.endswith("share") or "occupancy" in outcome else f"{v:,.1f}"

    short = {
        "mean_distance_km": "km",
        "moved_share": "moved",
        "waiting_share": "waiting",
        "mean_link_km": "link_km",
        "mean_occupancy_end": "occupied",
        "unplaced_share": "no_bed",
    }
    heads = {o: short.get(o, o) for o in OUTCOMES}
    t = make_table(
        f"Fairness {plan.week}: outcomes by household type and track",
        ["type", "track", "hh", *heads.values()],
        right=("hh", *heads.values()),
    )
    t.caption = (
        "hh: households; km: travelled per household; moved, waiting (status holders "
        "not linked), no_bed: shares; occupied: occupancy where they end the week"
    )
    for g in rep.groups:
        t.add_row(
            g.household_type,
            g.track.replace("_", " "),
            f"{g.households:,}",
            *[cell(o, getattr(g, o)) for o in OUTCOMES],
        )
    t.add_row("spread", "max - min", "", *[cell(o, rep.spread.get(o, 0)) for o in OUTCOMES])
    show.print(t)
    show.print(rep.note)
    if out:
        write_outputs(
            out, rep, lambda: fairness_frames(rep, s), excel=excel, title=f"Fairness {plan.week}"
        )
    emit(fmt, rep, lambda: fairness_frames(rep, s), sheet, excel)


def _register_subcommands() -> None:
    """The optimizer's own sub-commands. The service's (``serve``, ``audit``) are added by the
    entry point above both, :mod:`coa_plan.cli`, so the core never imports the service."""
    from optimizer.quotas.cli import quota_app
    from optimizer.sequencing.cli import sequence_command
    from optimizer.whatif.cli import whatif_command

    app.add_typer(quota_app, name="quota")
    app.command("sequence")(sequence_command)
    app.command("whatif")(whatif_command)


_register_subcommands()
