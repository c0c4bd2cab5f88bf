"""`coa-plan whatif RUN.toml`: run a what-if study and write the comparison (a thin face).

Wire it into the main app with ``app.command("whatif")(whatif_command)``. A bad RUN.toml ends with
one line per problem naming the field path and value, and exit code 2 (no traceback). pandas,
matplotlib, the solver and Dask are imported when the command runs, not when the CLI starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from optimizer.cli_output import FitTable as Table
from optimizer.documents.errors import DocumentError

if TYPE_CHECKING:
    import pandas as pd

console = Console()


def _fail(source: str, problems: list[str]) -> None:
    typer.echo(f"error in {source}:", err=True)
    for p in problems[:20]:
        typer.echo(f"  - {p}", err=True)
    if len(problems) > 20:
        typer.echo(f"  ... and {len(problems) - 20} more", err=True)
    raise typer.Exit(code=2)


def summary_table(table: pd.DataFrame, title: str) -> Table:
    """The comparison as a rich table (mean over seeds)."""
    t = Table(title=title)
    cols = [
        ("variant", "variant", "{}"),
        ("inflow", "inflow", "{}"),
        ("emergency (person-weeks)", "emergency_person_weeks", "{:,.0f}"),
        ("peak beds short", "peak_beds_short", "{:,.0f}"),
        ("occupancy mean", "occupancy_mean", "{:.1%}"),
        ("moves (persons / children)", None, ""),
        ("distance (person-km)", "distance_person_km", "{:,.0f}"),
        ("cost (EUR mln)", "cost_eur", ""),
        ("waiting > 14 wk (end)", "status_holders_over_target_end", "{:,.0f}"),
    ]
    for head, _, _ in cols:
        t.add_column(head, justify="left" if head in ("variant", "inflow") else "right")
    for _, r in table.iterrows():
        cells = []
        for _head, key, fmt in cols:
            if key is None:
                cells.append(f"{r['moves_persons']:,.0f} / {r['moves_school_age_children']:,.0f}")
            elif key == "cost_eur":
                cells.append(f"{r['cost_eur'] / 1e6:,.1f}")
            else:
                cells.append(fmt.format(r[key]))
        t.add_row(*cells)
    return t


def whatif_command(
    run: Annotated[Path, typer.Argument(help="The study: RUN.toml (see data/whatif/RUN.toml).")],
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Directory for tables and plots.")
    ] = Path("out/whatif"),
    workers: Annotated[
        int | None,
        typer.Option(min=0, help="LocalCluster workers (0 = in this process); overrides RUN.toml."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of an existing Dask scheduler, e.g. tcp://host:8786."),
    ] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV for Dutch Excel: ';', decimal commas, BOM.")
    ] = False,
) -> None:
    """What-if study: variants x inflows x seeds over a horizon, compared side by side."""
    from optimizer.whatif.documents import load_runspec
    from optimizer.whatif.report import compare, run_totals, write_plots, write_tables
    from optimizer.whatif.simulate import start_scenario
    from optimizer.whatif.study import run_study, study_problems

    try:
        spec = load_runspec(run)
    except DocumentError as e:
        _fail(e.source, e.problems)
    try:
        start = start_scenario(spec.start)
    except DocumentError as e:
        _fail(f"{run}: start.scenario ({e.source})", e.problems)
    problems = study_problems(spec, start)
    if problems:
        _fail(str(run), problems)
    n_runs = len(spec.variants) * len(spec.inflows) * len(spec.seeds)
    console.print(
        f"what-if [bold]{spec.name}[/]: {len(spec.variants)} variants x {len(spec.inflows)} "
        f"inflows x {len(spec.seeds)} seeds = {n_runs} runs of {spec.horizon_weeks} weeks "
        f"from {start.week} ({len(start.locations)} locations, scale {spec.start.scale})"
    )
    study = run_study(spec, workers=workers, scheduler_address=scheduler)
    sweep, weekly, selection = study.sweep, study.weekly, study.selection
    if selection is not None:
        stopped = ", stopped by the time limit" if selection.stopped_by else ""
        console.print(
            f"site selection ({selection.status}{stopped}): chose {selection.chosen or 'no site'}"
        )
    baseline = spec.variants[0].name
    paths = write_tables(weekly, out, baseline, excel=excel)
    first = spec.variants[0]
    paths |= write_plots(
        weekly, out, band=(first.occupancy_min, first.occupancy_max), scale=spec.start.scale
    )
    paths["workbook"] = out / "whatif.xlsx"
    from optimizer.tables.output import write_frames

    write_frames(
        {"comparison": compare(weekly, baseline), "runs": run_totals(weekly), "weekly": weekly},
        paths["workbook"],
        title=f"What-if: {spec.name}",
    )
    if selection is not None:
        paths["selection"] = out / "selection.csv"
        selection.sites.to_csv(paths["selection"], index=False)
        selection.weekly.to_csv(out / "selection_weekly.csv", index=False)
    (out / "timing.json").write_text(
        json.dumps(
            {
                "seconds": round(sweep.seconds, 2),
                "workers": sweep.workers,
                "allocate_seconds": round(sweep.allocate_seconds, 2),
                "bookkeeping_seconds": round(sweep.bookkeeping_seconds, 2),
            }
        ),
        encoding="utf-8",
    )
    console.print(summary_table(compare(weekly, baseline), f"What-if: {spec.name}"))
    if selection is not None:
        console.print(selection.sites.to_string(index=False))
    console.print(
        f"{n_runs} runs in {sweep.seconds:.1f} s on {sweep.workers or 'no'} Dask workers; "
        f"written: " + ", ".join(str(p) for p in paths.values())
    )


def main() -> None:  # pragma: no cover - `python -m optimizer.whatif.cli RUN.toml`
    typer.run(whatif_command)


if __name__ == "__main__":  # pragma: no cover
    main()
