"""What every command shares for its results: ``-o`` targets by suffix, ``--excel`` CSV, and
``--format json|csv`` on standard output for scripts (the human tables then go to stderr).

Heavy libraries load only when a target needs them (openpyxl for .xlsx, geopandas for .gpkg).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich import box
from rich.console import Console
from rich.table import Table


class OutFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOpt = Annotated[
    OutFormat,
    typer.Option(
        "--format",
        help="What goes to standard output: a table for people (default), or the result as "
        "json or csv for scripts (messages then go to stderr).",
        case_sensitive=False,
    ),
]
ExcelOpt = Annotated[
    bool,
    typer.Option("--excel", help="CSV for Dutch Excel: ';' separators, decimal commas, UTF-8 BOM."),
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="With --format csv: which table (default: the first).")
]

TABLE_SUFFIXES = (".xlsx", ".csv", "")
GIS_SUFFIXES = (".gpkg", ".geojson")


def console_for(fmt: OutFormat) -> Console:
    """The console for people's output: stdout for tables, stderr when stdout carries data."""
    return Console() if fmt is OutFormat.table else Console(stderr=True)


def emit(
    fmt: OutFormat,
    doc: BaseModel,
    frames: Callable[[], dict[str, Any]],
    sheet: str | None = None,
    excel: bool = False,
) -> None:
    """Print the result on stdout as JSON (the document) or CSV (one of its tables)."""
    if fmt is OutFormat.json:
        sys.stdout.write(doc.model_dump_json(indent=1, by_alias=True) + "\n")
    elif fmt is OutFormat.csv:
        from optimizer.tables.output import csv_text

        try:
            sys.stdout.write(csv_text(frames(), sheet, excel))
        except KeyError as e:
            typer.echo(f"error: {e.args[0]}", err=True)
            raise typer.Exit(code=2) from None


def write_json(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def write_outputs(
    targets: list[Path],
    doc: BaseModel,
    frames: Callable[[], dict[str, Any]],
    excel: bool = False,
    title: str = "",
    gis: Callable[[Path], list[Path]] | None = None,
    json_name: str | None = None,
) -> list[Path]:
    """Write ``doc`` to every target by suffix: ``.json`` the document, ``.xlsx`` the workbook,
    ``.csv`` the first table, ``.gpkg``/``.geojson`` the GIS layers (where the result has them),
    anything else a folder of CSV files. ``json_name``: also write the JSON document (the
    contract later commands read) beside the first target when no target is ``.json``."""
    written: list[Path] = []
    built: dict[str, Any] | None = None
    for t in targets:
        suffix = t.suffix.lower()
        if suffix == ".json":
            written.append(write_json(t, doc.model_dump_json(indent=1, by_alias=True)))
        elif suffix in GIS_SUFFIXES:
            if gis is None:
                raise typer.BadParameter(f"{t}: this result has no map layers", param_hint="-o")
            written += gis(t)
        else:
            from optimizer.tables.output import write_frames

            built = built if built is not None else frames()
            written += write_frames(built, t, excel=excel, title=title)
    if json_name is not None and targets and not any(t.suffix.lower() == ".json" for t in targets):
        first = targets[0]
        beside = first / json_name if first.suffix == "" else first.with_suffix(".json")
        written.append(write_json(beside, doc.model_dump_json(indent=1, by_alias=True)))
    return written


class FitTable(Table):
    """A rich table that stays readable at 80 columns or piped: numbers keep their width, text
    and headers fold at word boundaries instead of being cut to 'househ…'."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("title_justify", "left")
        kw.setdefault("box", box.SIMPLE_HEAD)
        kw.setdefault("pad_edge", False)
        kw.setdefault("show_edge", False)
        kw.setdefault("collapse_padding", True)
        super().__init__(*args, **kw)

    def add_column(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("overflow", "fold")
        super().add_column(*args, **kw)

    def __rich_console__(self, console: Any, options: Any) -> Any:
        text_cols = []
        for col in self.columns:
            words = [len(w) for w in str(col.header).split()] or [0]
            if col.justify == "right":
                cells = [len(str(c)) for c in col._cells] or [0]
                col.min_width = max(max(words), max(cells))
            else:
                longest = [len(w) for c in col._cells for w in str(c).split()] or [0]
                col.min_width = min(14, max(max(words), max(longest)))
                text_cols.append(col)
        # where the whole words do not all fit, narrow the widest text column (it folds) until
        # rich gives every column at least its minimum, so that no column is cut at the right
        for _ in range(200):
            widths = self._calculate_column_widths(console, options)
            cut = sum(widths) + self._extra_width > options.max_width
            narrowable = [c for c in text_cols if (c.min_width or 0) > 6]
            if not cut or not narrowable:
                break
            widest = max(narrowable, key=lambda c: c.min_width or 0)
            widest.min_width = (widest.min_width or 0) - 1
        yield from super().__rich_console__(console, options)


def make_table(title: str, columns: list[str], right: tuple[str, ...] = ()) -> Any:
    """A :class:`FitTable` with these columns (``right``: numbers, right-aligned)."""
    t = FitTable(title=title)
    for c in columns:
        t.add_column(c, justify="right" if c in right else "left")
    return t


def pct(x: float | None, digits: int = 1) -> str:
    """A share as a percentage ('-' when there is none)."""
    return "-" if x is None else f"{x:.{digits}%}"
