"""The planner's own location register (CSV or workbook) in place of the bundled synthetic set.

The register has the columns of the scenario's ``locations`` sheet (``id``, ``name``,
``gm_code``, ``kind``, ``capacity``, ``residents``, ..., optionally ``closing`` and the own
position ``x_rd_m``/``y_rd_m``) and is validated the same way: each row by the scenario's
``Location`` model, ids unique, gm_codes among the 342 CBS 2024 municipalities, and at least one
col or gvl where arrivals register. Problems are one line each with the row as Excel shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ConfigDict, ValidationError, create_model

from optimizer.documents.io import DocumentError
from optimizer.documents.scenario import Scenario
from optimizer.tables.csvio import read_csv_table
from optimizer.tables.fields import item_model
from optimizer.tables.workbook import (
    MAX_PROBLEMS,
    Locator,
    RawSheet,
    _workbook_sheets,
    map_errors,
    map_lines,
    read_records,
    record_sheets,
)

SHEET = "locations"


def _raw_register(path: Path) -> RawSheet:
    if path.is_dir():
        path = path / f"{SHEET}.csv"
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheets = _workbook_sheets(path, str(path))
        if SHEET in sheets:
            return sheets[SHEET]
        rest = [s for k, s in sheets.items() if k != "readme"]
        if not rest:
            raise DocumentError(str(path), ["the workbook has no sheet with locations"])
        raw = rest[0]
    elif suffix == ".csv":
        try:
            t = read_csv_table(path)
        except UnicodeDecodeError as e:
            raise DocumentError(str(path), [f"not UTF-8 text (byte {e.start}); save it as 'CSV UTF-8'"]) from None
        except OSError as e:
            raise DocumentError(str(path), [f"cannot read the file ({e.strerror or e})"]) from None
        raw = RawSheet(SHEET, list(t.header), [(r, list(c)) for r, c in t.rows], t.decimal_comma)
    else:
        raise DocumentError(str(path), ["a location register is a .csv or .xlsx file"])
    raw.name = SHEET
    return raw


def read_location_register(path: Path) -> pd.DataFrame:
    """The register as a frame of validated locations (one row each, in the register's order)."""
    spec = next(s for s in record_sheets() if s.name == SHEET)
    raw = _raw_register(path)
    loc = Locator()
    problems: list[str] = []
    records = read_records(raw, spec, loc, problems)
    if records is None:
        raise DocumentError(str(path), problems)
    model = item_model(Scenario.model_fields[SHEET])
    assert model is not None
    register = create_model(
        "LocationRegister",
        __config__=ConfigDict(extra="forbid"),
        locations=(list[model], ...),  # type: ignore[valid-type]
    )
    try:
        valid = register.model_validate({SHEET: records})
    except ValidationError as e:
        problems += map_errors(e, loc)
        raise DocumentError(str(path), problems[:MAX_PROBLEMS]) from None
    locations: list[Any] = list(valid.locations)  # type: ignore[attr-defined]
    from optimizer.reference_data import load_municipalities

    known = set(load_municipalities()["gm_code"])
    problems += map_lines(
        [
            f"{SHEET}[{i}].gm_code: {x.gm_code!r} is not a CBS 2024 municipality"
            for i, x in enumerate(locations)
            if x.gm_code not in known
        ],
        loc,
    )
    if locations and not any(x.kind.value in ("col", "gvl") for x in locations):
        problems.append(
            f"{SHEET}: no location of kind col or gvl, so arrivals have nowhere to register"
        )
    if not locations:
        problems.append(f"{SHEET}: the register lists no locations")
    if problems:
        raise DocumentError(str(path), problems[:MAX_PROBLEMS])
    return pd.DataFrame([x.model_dump(mode="json") for x in locations])
