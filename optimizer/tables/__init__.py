"""Tables in and out: scenario workbooks and CSV folders, result sheets, CSV dialects, GIS layers.

Pure domain code (no HTTP). The JSON documents stay the contract: a workbook is read into the same
dict as a JSON file and validated by the same pydantic model, and every output table is written
from the result document. Heavy libraries (openpyxl, geopandas, matplotlib) are imported inside
the functions that need them, so importing this package stays cheap.
"""

from __future__ import annotations

from typing import Any


def to_frames(doc: Any, scenario: Any = None) -> dict[str, Any]:
    """DataFrames of a result document (plan, sequence, quota check, ...) with the sheet columns.

    ``scenario`` (the week the plan or sequence was made from) supplies location names and
    household sizes; without it, names come from the bundled reference data.
    """
    from optimizer.tables.frames import frames_of

    return frames_of(doc, scenario)
