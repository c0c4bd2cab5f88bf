"""CSV in two dialects: plain RFC 4180 for tools, and Dutch Excel.

* ``plain`` (the default): ``,`` separators, ``.`` decimals, UTF-8 without a BOM.
* ``excel`` (``--excel``): ``;`` separators, decimal commas and UTF-8 with a BOM, so Excel in a
  Dutch locale opens the file in columns and shows "Súdwest-Fryslân" as written.

The readers accept both: the BOM is dropped, the separator is read from the header line, and in a
``;`` file a number may carry a decimal comma.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

BOM = "\ufeff"


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as read: the header, and each record with the row number Excel shows."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    separator: str

    @property
    def decimal_comma(self) -> bool:
        return self.separator == ";"


def sniff_separator(first_line: str) -> str:
    """``;`` when the header line has more semicolons than commas (Dutch Excel), else ``,``."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv_table(path: Path) -> CsvTable:
    """Read one CSV file of either dialect. Raises ``OSError`` or ``UnicodeDecodeError``."""
    text = path.read_bytes().decode("utf-8-sig")
    return parse_csv_text(text)


def parse_csv_text(text: str) -> CsvTable:
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0]
    sep = sniff_separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    records = list(reader)
    if not records:
        return CsvTable([], [], sep)
    header = [h.strip() for h in records[0]]
    rows = [(i + 2, r) for i, r in enumerate(records[1:])]
    return CsvTable(header, rows, sep)


def format_cell(v: Any, excel: bool) -> str:
    """One value as CSV text: TRUE/FALSE, ISO dates, shortest exact floats (comma in Excel mode)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        s = repr(v)
        if s.endswith(".0"):
            s = s[:-2]
        return s.replace(".", ",") if excel else s
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return ", ".join(format_cell(x, excel) for x in v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
        return format_cell(v.item(), excel)
    return str(getattr(v, "value", v))


def write_rows(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], excel: bool = False
) -> Path:
    """Write a header and rows in the chosen dialect (atomically: a temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";" if excel else ",", lineterminator="\r\n")
        w.writerow(list(header))
        for r in rows:
            w.writerow([format_cell(v, excel) for v in r])
    tmp.replace(path)
    return path


def write_frame(df: pd.DataFrame, path: Path, excel: bool = False) -> Path:
    """A DataFrame as CSV in the chosen dialect (no index)."""
    rows = (list(r) for r in df.itertuples(index=False, name=None))
    return write_rows(path, [str(c) for c in df.columns], rows, excel=excel)


def frame_text(df: pd.DataFrame, excel: bool = False) -> str:
    """The CSV text of a frame (for standard output)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if excel else ",", lineterminator="\n")
    w.writerow([str(c) for c in df.columns])
    for r in df.itertuples(index=False, name=None):
        w.writerow([format_cell(v, excel) for v in r])
    return buf.getvalue()


def read_frame(path: Path) -> pd.DataFrame:
    """A CSV of either dialect as a DataFrame (numbers parsed, decimal commas in ``;`` files)."""
    head = path.read_bytes()[:4096].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    sep = sniff_separator(head)
    return pd.read_csv(
        path, sep=sep, decimal="," if sep == ";" else ".", encoding="utf-8-sig", keep_default_na=True
    )
