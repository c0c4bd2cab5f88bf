"""`coa-plan quota`: half-year quotas, the feasibility check and the 6.3.2 provincial variant.

A thin face on ``optimizer.quotas``. Bad files or values end with one line naming the file, field
and value, and exit code 2 (no traceback). The solver, pandas and the reference data are imported
by the commands that use them, so ``coa-plan --help`` stays fast.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
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
    from optimizer.documents.errors import DocumentError
    from optimizer.quotas.documents import ProvincialVariant, QuotaCheck, QuotaStatus

TimeLimitOpt = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0.01,
        help="Wall-clock seconds for the LP solves, end to end; the result says whether the "
        "limit stopped them (stopped_by).",
    ),
]

quota_app = typer.Typer(
    help="Half-year quotas (taakstelling): compute, check feasibility per province, 6.3.2 variant.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()

MAX_PROBLEMS = 3


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _fail_doc(e: DocumentError) -> None:
    shown = "; ".join(e.problems[:MAX_PROBLEMS])
    more = f" (+{len(e.problems) - MAX_PROBLEMS} more)" if len(e.problems) > MAX_PROBLEMS else ""
    _fail(f"{e.source}: {shown}{more}")


def _load_status(path: Path, province: str | None, all_: bool) -> QuotaStatus:
    from optimizer.documents.io import DocumentError, load_document
    from optimizer.quotas.check import select_province
    from optimizer.quotas.documents import QuotaStatus

    if province is not None and all_:
        _fail("give either --province PVxx or --all, not both")
    try:
        status = load_document(QuotaStatus, path)
    except DocumentError as e:
        _fail_doc(e)
    if province is not None:
        from optimizer.tables.names import resolve_province

        try:
            status = select_province(status, resolve_province(province))
        except ValueError as e:
            _fail(str(e))
    return status


@quota_app.command("compute")
def compute_cmd(
    half_year: Annotated[str, typer.Option("--half-year", help="e.g. 2026-H2")],
    national: Annotated[int, typer.Option("--national", help="National total, persons.")],
    backlog: Annotated[
        Path | None, typer.Option("--backlog", help="CSV with columns gm_code, backlog.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Write .json, .csv, .xlsx or a folder (by suffix)."),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
) -> None:
    """Split a national half-year total over the 342 municipalities pro rata population."""
    from optimizer.quotas.compute import compute_quotas, quotas_frame, read_backlog_csv

    try:
        b = read_backlog_csv(backlog) if backlog is not None else None
        result = compute_quotas(half_year, national, b)
    except ValueError as e:
        _fail(str(e))
    df = quotas_frame(result)

    def frames() -> dict[str, Any]:
        from optimizer.tables.frames import quota_computation_frames

        return quota_computation_frames(result)

    if out is not None:
        if out.suffix.lower() not in (".json", ".csv", ".xlsx", ""):
            _fail(f"-o: {str(out)!r} must end in .json or .csv (or .xlsx, or be a folder)")
        write_outputs([out], result, frames, excel=excel, title=f"Taakstelling {result.half_year}")
    console = console_for(fmt)
    t = Table(title=f"Taakstelling {result.half_year}: {result.total:,} persons")
    for c in ("pv_code", "municipalities", "quota", "backlog", "total"):
        t.add_column(c, justify="left" if c == "pv_code" else "right")
    for pv, g in df.groupby("pv_code"):
        t.add_row(
            str(pv),
            str(len(g)),
            f"{g['quota'].sum():,}",
            f"{g['backlog'].sum():,}",
            f"{g['total'].sum():,}",
        )
    console.print(t)
    if out is not None:
        console.print(f"written: {out}")
    emit(fmt, result, frames, None, excel)


def _check_table(res: QuotaCheck) -> Table:
    t = Table(title=f"Taakstelling {res.half_year}, {res.weeks_left} weeks left")
    cols = (
        "province",
        "target",
        "housed",
        "linked",
        "reach- able",
        "short",
        "on track/ behind/ far",
        "miss- ing",
        "binding cause",
    )
    for c in cols:
        t.add_column(c, justify="left" if c in ("province", "binding cause") else "right")
    for p in res.provinces:
        t.add_row(
            f"{p.pv_code} {p.pv_name}",
            f"{p.target:,}",
            f"{p.housed:,}",
            f"{p.linked:,}",
            f"{p.best_reachable:,}",
            f"{p.shortfall:,}",
            f"{p.on_track}/{p.behind}/{p.far_behind}",
            str(p.missing_quota),
            p.binding_cause.value.replace("_", " "),
        )
    return t


def _muni_table(res: QuotaCheck, limit: int = 20) -> Table:
    worst = sorted(res.municipalities, key=lambda m: -m.shortfall)[:limit]
    t = Table(title=f"Largest shortfalls (top {limit})")
    for c in (
        "municipality",
        "target",
        "housed",
        "linked",
        "cap/wk",
        "reachable",
        "short",
        "stage",
        "cause",
    ):
        t.add_column(c, justify="left" if c in ("municipality", "stage", "cause") else "right")
    for m in worst:
        if m.shortfall == 0:
            break
        t.add_row(
            f"{m.gm_code} {m.gm_name}",
            str(m.target),
            str(m.housed),
            str(m.linked),
            f"{m.housing_capacity_per_week:.1f}",
            str(m.best_reachable),
            str(m.shortfall),
            m.ladder_stage.value.replace("_", " "),
            m.binding_cause.value.replace("_", " "),
        )
    return t


@quota_app.command("check")
def check_cmd(
    status_file: Annotated[Path, typer.Argument(help="STATUS.json (see QuotaStatus).")],
    province: Annotated[
        str | None,
        typer.Option("--province", help="Check one province: PV27 or Noord-Holland (any case)."),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="All provinces (the default).")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--out",
            help="Directory for JSON, CSV, the workbook quota_check.xlsx, GIS layers "
            "(quota_check.gpkg in RD New, quota_check.geojson in WGS84) and PNG maps.",
        ),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
    time_limit: TimeLimitOpt = 30.0,
) -> None:
    """Can each municipality still reach its quota this half-year, and if not, why?"""
    from optimizer.quotas.check import check_quotas
    from optimizer.quotas.report import pace_map, write_check

    status = _load_status(status_file, province, all_)
    console = console_for(fmt)
    t0 = time.perf_counter()
    res = check_quotas(status, time_limit_s=time_limit)
    secs = time.perf_counter() - t0

    def frames() -> dict[str, Any]:
        from optimizer.tables.frames import quota_check_frames

        return quota_check_frames(res)

    console.print(_check_table(res))
    if province is not None:
        console.print(_muni_table(res))
    console.print(
        f"check: {len(res.municipalities)} municipalities, {secs:.2f} s "
        f"(HiGHS {res.solver.status}, {res.solver.columns} columns, {res.solver.rows} rows)"
        + (" - stopped by the time limit, figures not final" if res.stopped_by else "")
    )
    if out is not None:
        from optimizer.tables.gis import write_quota_layers

        written = write_check(res, out, excel=excel)
        written += write_outputs(
            [out / "quota_check.xlsx"], res, frames, title=f"Taakstelling {res.half_year}"
        )
        written += write_quota_layers(res, out / "quota_check.gpkg")
        written += write_quota_layers(res, out / "quota_check.geojson")
        for p in res.provinces:
            written.append(pace_map(res, p.pv_code, out / f"pace_{p.pv_code}.png"))
        if province is None:
            written.append(pace_map(res, None, out / "pace_NL.png"))
        console.print(f"written: {len(written)} files in {out}")
    emit(fmt, res, frames, sheet, excel)


def _variant_table(res: ProvincialVariant) -> Table:
    t = Table(title=f"6.3.2 provincial taakstelling, {res.half_year}, {res.weeks_left} weeks left")
    cols = (
        "province",
        "total",
        "more",
        "less",
        "in time (pro rata -> 6.3.2)",
        "weeks to complete",
        "km/person",
    )
    for c in cols:
        t.add_column(c, justify="left" if c == "province" else "right")

    def wk(x: float | None) -> str:
        return "never" if x is None else f"{x:.1f}"

    def km(x: float | None) -> str:
        return "-" if x is None else f"{x:.1f}"

    for p in res.provinces:
        t.add_row(
            f"{p.pv_code} {p.pv_name}",
            f"{p.provincial_total:,}",
            str(len(p.takes_more)),
            str(len(p.takes_less)),
            f"{p.housed_in_time_pro_rata:,} -> {p.housed_in_time_provincial:,}",
            f"{wk(p.weeks_to_complete_pro_rata)} -> {wk(p.weeks_to_complete_provincial)}",
            f"{km(p.km_per_person_pro_rata)} -> {km(p.km_per_person_provincial)}",
        )
    return t


@quota_app.command("provincial")
def provincial_cmd(
    status_file: Annotated[Path, typer.Argument(help="STATUS.json (see QuotaStatus).")],
    province: Annotated[
        str | None, typer.Option("--province", help="PV27 or Noord-Holland (any case).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="All provinces (the default).")] = False,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Directory for JSON, CSV, a workbook and GIS layers."),
    ] = None,
    excel: ExcelOpt = False,
    fmt: FormatOpt = OutFormat.table,
    sheet: SheetOpt = None,
    time_limit: TimeLimitOpt = 30.0,
) -> None:
    """Measure 6.3.2: the province distributes the sum of its municipalities' quotas."""
    from optimizer.quotas.provincial import provincial_variant
    from optimizer.quotas.report import write_variant

    status = _load_status(status_file, province, all_)
    res = provincial_variant(status, time_limit_s=time_limit)
    console = console_for(fmt)
    console.print(_variant_table(res))
    if res.stopped_by:
        console.print("stopped by the time limit: the figures are not final")

    def frames() -> dict[str, Any]:
        from optimizer.tables.frames import quota_variant_frames

        return quota_variant_frames(res)

    if out is not None:
        from optimizer.tables.gis import write_quota_layers

        written = write_variant(res, out, excel=excel)
        written += write_outputs(
            [out / "quota_6_3_2.xlsx"],
            res,
            frames,
            title=f"6.3.2 provincial taakstelling {res.half_year}",
        )
        written += write_quota_layers(res, out / "quota_6_3_2.gpkg")
        console.print(f"written: {len(written)} files in {out}")
    emit(fmt, res, frames, sheet, excel)


@quota_app.command("example")
def example_cmd(
    out: Annotated[Path, typer.Option("-o", "--out", help="Where to write STATUS.json.")],
    weeks_left: Annotated[int, typer.Option("--weeks-left", min=1, max=26)] = 12,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Default: the example's own seed (20261122).")
    ] = None,
) -> None:
    """Write a realistic, seeded STATUS.json built from the bundled data."""
    from optimizer.quotas.example import SEED, example_status
    from optimizer.quotas.report import write_json

    write_json(example_status(seed=SEED if seed is None else seed, weeks_left=weeks_left), out)
    console.print(f"written: {out}")
