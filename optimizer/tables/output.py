"""Writing result frames where users read them, chosen by the target's suffix.

``.xlsx``: one sheet per frame (a README sheet first, headers frozen with a filter, shares as
percentages); ``.csv``: one frame; anything else: a folder with ``<sheet>.csv`` per frame.
CSV is plain RFC 4180 unless ``excel`` (``;``, decimal comma, UTF-8 with a BOM).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.tables.csvio import frame_text, write_frame
from optimizer.tables.frames import Frames, number_formats
from optimizer.tables.workbook import write_workbook

SHEET_NOTES: dict[str, str] = {
    "summary": "The figures of the result: status, objective, KPIs (one row each).",
    "placements": "Arrivals placed this week: household, persons, from the col/gvl to the location.",
    "links": "Status holders linked to a municipality (gekoppeld), with where they live now.",
    "unplaced": "Arrivals without a bed anywhere they may go (the shortage), and where they wait.",
    "moves": "Residents moved this week (closing or rebalancing), with school-age children.",
    "locations": "Every location: occupancy at the start and end, the band, intake and outflow.",
    "municipalities": "Every municipality: quota, remaining before and after, linked, pace.",
    "diagnosis": "Hard rules that could not hold: family, place, amount, in planner words.",
    "costs": "Euros per rule family: the families sum to the objective.",
    "changes": "Decisions that differ from the previous plan, and why.",
    "registration_waits": "Arrivals waiting in a free bed of their own col/gvl (not a shortage).",
    "trips": "Bus trips: origin, destination, day, persons, households.",
    "occupancy": "Residents of each touched location at the end of every day.",
    "families": "Cost per rule family, hard and soft.",
    "items": "The largest items of each family: place, household, amount, euros.",
    "provinces": "Per province: target, realised, pipeline, reachable, shortfall, cause.",
}


def _rows(df: pd.DataFrame) -> list[list[Any]]:
    obj = df.astype(object)
    return obj.where(pd.notna(obj), None).values.tolist()  # type: ignore[no-any-return]


def readme_rows(frames: Frames, title: str) -> list[list[Any]]:
    rows: list[list[Any]] = [["sheet", "rows", "", "", "", "what it holds"], [title, "", "", "", "", ""]]
    for name, df in frames.items():
        note = SHEET_NOTES.get(name) or (
            "Trips of one day of the horizon." if name.startswith("trips_day") else ""
        )
        rows.append([name, len(df), "", "", "", note])
    rows.append(["", "", "", "", "", "Ids are for systems, names for people: every id column has "
                 "its name beside it. JSON stays the contract; this workbook is written from it."])
    return rows


def write_frames(frames: Frames, out: Path, excel: bool = False, title: str = "") -> list[Path]:
    """Write the frames to ``out`` by suffix; returns the files written."""
    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        tables = {n: ([str(c) for c in df.columns], _rows(df)) for n, df in frames.items()}
        return [
            write_workbook(
                tables, out, readme=readme_rows(frames, title), formats=number_formats(frames)
            )
        ]
    if suffix == ".csv":
        first = next(iter(frames.values()))
        return [write_frame(first, out, excel=excel)]
    return [write_frame(df, out / f"{name}.csv", excel=excel) for name, df in frames.items()]


def csv_text(frames: Frames, sheet: str | None = None, excel: bool = False) -> str:
    """One frame as CSV text for standard output (the first, or ``sheet``)."""
    if sheet is None:
        return frame_text(next(iter(frames.values())), excel)
    if sheet not in frames:
        raise KeyError(f"--sheet: no sheet {sheet!r} (sheets: {', '.join(frames)})")
    return frame_text(frames[sheet], excel)
