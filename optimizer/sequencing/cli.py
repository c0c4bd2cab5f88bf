"""``coa-plan sequence``: a thin command-line face on ``optimizer.sequencing.sequence``.

``sequence_command`` is a plain function with typer annotations; the main CLI registers it. Bad
input exits with code 2 and one line per problem naming the file and the field, never a traceback.
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console

from optimizer.cli_output import (
    ExcelOpt,
    FormatOpt,
    OutFormat,
    SheetOpt,
    console_for,
    emit,
    write_outputs,
)
from optimizer.cli_output import FitTable as Table

if TYPE_CHECKING:
    from optimizer.documents.sequence import Sequence

M = TypeVar("M", bound=BaseModel)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


def _fail(lines: list[str]) -> typer.Exit:
    for line in lines:
        err_console.print(f"[red]error:[/red] {line}", highlight=False)
    return typer.Exit(code=2)


def load_document(path: Path, model: type[M]) -> M:
    """Read and validate one JSON document; exit 2 naming the file and the field on bad input."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise _fail([f"{path}: cannot read ({e.strerror or e})"]) from None
    try:
        return model.model_validate_json(text)
    except ValidationError as e:
        lines = []
        for err in e.errors()[:20]:
            loc = ".".join(str(p) for p in err["loc"]) or "(document)"
            lines.append(f"{path}: {loc}: {err['msg']}")
        raise _fail(lines) from None


class SearchProgress(AbstractContextManager["SearchProgress"]):
    """A rich progress line for the CP-SAT search: the incumbent's trips against the lower bound
    (sum over pairs of ceil(persons / seats)) and the time used of the wall-clock limit."""

    def __init__(self, show: Console, bound_trips: int, time_limit_s: float) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bound, self.limit = bound_trips, time_limit_s
        self.best: int | None = None
        self._t0 = time.perf_counter()
        self._bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[trips]}"),
            TimeElapsedColumn(),
            console=show,
            transient=False,
        )
        self._task = self._bar.add_task(
            "CP-SAT search", total=time_limit_s, trips=f"bound {bound_trips} trips"
        )

    def __enter__(self) -> SearchProgress:
        self._bar.start()
        return self

    def __call__(self, seconds: float, trips: int, objective: float) -> None:
        self.best = trips if self.best is None else min(self.best, trips)
        self._bar.update(
            self._task,
            completed=min(self.limit, seconds),
            trips=f"incumbent {trips} trips, bound {self.bound} (objective {objective:,.0f})",
        )

    def __exit__(self, *exc: object) -> None:
        self._bar.update(self._task, completed=min(self.limit, time.perf_counter() - self._t0))
        self._bar.stop()


def summary_table(seq: Sequence) -> Table:
    """Sequence summary per day: moves, persons, trips, school-age children, worst occupancy."""
    stopped = (
        f" (stopped by the {seq.stopped_by.value.replace('_', ' ')})" if seq.stopped_by else ""
    )
    table = Table(
        title=f"Relocation sequence {seq.week}: {seq.status.value}{stopped}, {len(seq.moves)} "
        f"moves, {len(seq.trips)} trips (bound {seq.bound_trips}), {seq.solve_seconds:.1f} s"
    )
    for col in ("day", "date", "moves", "persons", "trips", "school-age children", "fullest"):
        table.add_column(col, justify="left" if col in ("date", "fullest") else "right")
    for t, day in enumerate(seq.days):
        moves = [m for m in seq.moves if m.day == t]
        fullest = ""
        occ = [(o.end_of_day[t] / o.capacity, o) for o in seq.occupancy if o.capacity]
        if occ:
            r, o = max(occ, key=lambda ro: (ro[0], ro[1].location))
            fullest = f"{o.location} {o.end_of_day[t]}/{o.capacity} ({r:.0%})"
        table.add_row(
            str(t),
            f"{day:%a %d %b}",
            str(len(moves)),
            str(sum(m.persons for m in moves)),
            str(sum(1 for tr in seq.trips if tr.day == t)),
            str(sum(m.school_age_children for m in moves)),
            fullest,
        )
    for v in seq.diagnosis:
        table.add_row("!", v.family, "", "", "", "", v.message[:120])
    return table


def sequence_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario .json, .xlsx or CSV folder (the planning week).")
    ],
    plan: Annotated[Path, typer.Argument(help="Plan JSON from `coa-plan allocate`.")],
    out: Annotated[
        list[Path],
        typer.Option(
            "--out",
            "-o",
            help="sequence.json, sequence.xlsx (moves, trips, a sheet per day) or a folder for "
            "CSV files; repeat -o for several.",
        ),
    ],
    days: Annotated[int, typer.Option(help="Days in the horizon.")] = 7,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Wall-clock seconds, end to end of the solve; the answer says whether it "
            "stopped the search (stopped_by).",
        ),
    ] = 30.0,
    work_limit: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            help="Deterministic work limit (CP-SAT deterministic time, a count of work): "
            "when it binds before --time-limit, the same input gives the same sequence.",
        ),
    ] = None,
    seats: Annotated[int, typer.Option(help="Seats per bus.")] = 50,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
) -> None:
    """Order the plan's moves day by day and into bus trips, never overfilling a location."""
    from optimizer.documents.io import DocumentError, load_scenario
    from optimizer.documents.plan import Plan
    from optimizer.documents.sequence import SequenceOptions
    from optimizer.sequencing.data import SequenceInputError, bound_trips_of
    from optimizer.sequencing.solve import sequence

    try:
        s = load_scenario(scenario)  # .json, .xlsx or a CSV folder
    except DocumentError as e:
        raise _fail([f"{e.source}: {x}" for x in e.problems[:20]]) from None
    p = load_document(plan, Plan)
    try:
        opts = SequenceOptions(
            days=days, time_limit_s=time_limit, work_limit=work_limit, seats=seats
        )
    except ValidationError as e:
        raise _fail(
            [f"option {'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors()]
        ) from None
    show = console_for(fmt)
    try:
        with SearchProgress(show, bound_trips_of(s, p, opts), time_limit) as bar:
            seq = sequence(s, p, opts, progress=bar)
    except SequenceInputError as e:
        raise _fail([f"{plan} / {scenario}: {x}" for x in e.errors]) from None

    def frames() -> dict[str, Any]:
        from optimizer.tables.frames import sequence_frames

        return sequence_frames(seq, s)

    written = write_outputs(
        out, seq, frames, excel=excel, title=f"Sequence {seq.week}", json_name="sequence.json"
    )
    show.print(summary_table(seq))
    show.print(f"written {', '.join(str(w) for w in written)}", highlight=False)
    emit(fmt, seq, frames, sheet, excel)
