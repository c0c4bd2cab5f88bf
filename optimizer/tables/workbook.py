"""A scenario as an Excel workbook or a folder of CSV files, read into the same document.

Layout (the same as ``<sheet>.csv`` files in a folder):

* sheet ``scenario``: columns ``field`` and ``value``, one row per scalar of the document
  (``week``, ``half_year.id``, ``half_year.weeks_left``, ``policy.<name>``; blank = default; a
  list such as ``policy.band_kinds`` is comma-separated);
* one sheet per list of records of the document (``locations``, ``municipalities``,
  ``households`` and the optional ``pins``): one row per record, the header row holds the JSON
  field names. Columns listed as informational (names beside ids, ``notes``) are ignored; any
  other unknown column is an error.

Columns, kinds, bounds and descriptions come from the pydantic models (:mod:`.fields`), and the
rows become the same dict a JSON file gives, validated by the same :class:`Scenario`. Every
problem is one line naming the sheet, the row number as Excel shows it, the column and the value:
``households row 14, column size: must be at least 1 (got 0)``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from optimizer.documents import checks as document_checks
from optimizer.documents.errors import DocumentError
from optimizer.documents.scenario import Scenario
from optimizer.tables.csvio import read_csv_table, write_rows
from optimizer.tables.fields import (
    GM_PATTERN,
    Column,
    column_of,
    columns_of,
    item_model,
    nested_model,
)
from optimizer.tables.names import Names

SCALAR_SHEET = "scenario"
README_SHEET = "README"
SCALAR_INFO = ("unit", "description", "notes")
INFORMATIONAL: dict[str, tuple[str, ...]] = {
    "locations": ("municipality_name", "province_name", "notes"),
    "municipalities": ("name", "municipality_name", "province_name", "notes"),
    "households": ("location_name", "linked_municipality_name", "notes"),
    "pins": ("household_notes", "location_name", "municipality_name", "notes"),
}
"""Columns planners keep for their own use: written beside the ids, ignored when read."""
NAME_AFTER: dict[str, dict[str, tuple[str, ...]]] = {
    "locations": {"gm_code": ("municipality_name", "province_name")},
    "municipalities": {"gm_code": ("municipality_name", "province_name")},
    "households": {"location": ("location_name",), "linked_gm_code": ("linked_municipality_name",)},
    "pins": {"location": ("location_name",), "gm_code": ("municipality_name",)},
}
MAX_PROBLEMS = 200
_TRUE = {"true", "waar", "ja", "j", "yes", "y", "1", "x"}
_FALSE = {"false", "onwaar", "nee", "n", "no", "0"}
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_LINE = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?: (.*)$", re.DOTALL)
_SHEET_LINE = re.compile(r"^([a-z_]+): (.*)$", re.DOTALL)


class _Blank:
    pass


BLANK = _Blank()


class CellError(ValueError):
    """A cell that cannot be read as its column's kind."""


# ----------------------------------------------------------------------------- the layout


@dataclass(frozen=True)
class SheetSpec:
    """A record sheet: the list field of the scenario it fills and its columns."""

    name: str
    columns: tuple[Column, ...]
    required: bool
    informational: tuple[str, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def record_sheets() -> list[SheetSpec]:
    """One sheet per ``list[Model]`` field of :class:`Scenario`, in the document's order."""
    out = []
    for name, info in Scenario.model_fields.items():
        m = item_model(info)
        if m is not None:
            out.append(
                SheetSpec(
                    name,
                    tuple(columns_of(m)),
                    info.is_required(),
                    INFORMATIONAL.get(name, ("notes",)),
                )
            )
    return out


def scalar_fields() -> list[tuple[str, Column]]:
    """The rows of the ``scenario`` sheet: scalars and fields of nested documents, dotted."""
    out: list[tuple[str, Column]] = []
    for name, info in Scenario.model_fields.items():
        if item_model(info) is not None:
            continue
        nm = nested_model(info)
        if nm is None:
            out.append((name, column_of(name, info)))
        else:
            out += [(f"{name}.{c.name}", c) for c in columns_of(nm)]
    return out


# ----------------------------------------------------------------------------- raw sheets


@dataclass
class RawSheet:
    """A sheet as typed: header cells and each row with the number Excel shows."""

    name: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]
    decimal_comma: bool = False
    file: str = ""  # for a CSV folder: the file name


def _workbook_sheets(src: Path | bytes, source: str) -> dict[str, RawSheet]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(
            io.BytesIO(src) if isinstance(src, bytes) else src, read_only=True, data_only=True
        )
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as e:
        raise DocumentError(source, [f"not an Excel workbook (.xlsx): {e}"]) from None
    except OSError as e:
        raise DocumentError(source, [f"cannot read the file ({e.strerror or e})"]) from None
    out: dict[str, RawSheet] = {}
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = list(next(rows, ()))
            body = [(i, list(r)) for i, r in enumerate(rows, start=2)]
            out[ws.title.strip().lower()] = RawSheet(ws.title, header, body, decimal_comma=True)
    finally:
        wb.close()
    return out


def _csv_sheets(folder: Path) -> dict[str, RawSheet]:
    out: dict[str, RawSheet] = {}
    problems = []
    for p in sorted(folder.glob("*.csv")):
        try:
            t = read_csv_table(p)
        except UnicodeDecodeError as e:
            problems.append(f"{p.name}: not UTF-8 text (byte {e.start}); save it as 'CSV UTF-8'")
            continue
        except OSError as e:
            problems.append(f"{p.name}: cannot read the file ({e.strerror or e})")
            continue
        out[p.stem.strip().lower()] = RawSheet(
            p.stem, list(t.header), [(r, list(c)) for r, c in t.rows], t.decimal_comma, p.name
        )
    if problems:
        raise DocumentError(str(folder), problems)
    return out


# ----------------------------------------------------------------------------- cells


def shown(v: Any) -> str:
    """A cell value as the planner sees it, for messages."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "blank"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return v.strip() if _NUMERIC.match(v.strip()) else repr(v)
    return str(v)


_NUMERIC = re.compile(r"^-?\d+([.,]\d+)?$")


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (
        isinstance(v, float) and math.isnan(v)
    )


def _number(v: Any, decimal_comma: bool) -> float:
    if isinstance(v, bool):
        raise CellError("must be a number, not TRUE/FALSE")
    if isinstance(v, int | float):
        if isinstance(v, float) and not math.isfinite(v):
            raise CellError("must be a finite number")
        return float(v)
    if isinstance(v, str):
        t = v.strip().replace("\u00a0", "").replace(" ", "")
        pct = t.endswith("%")
        t = t.removesuffix("%")
        if decimal_comma and "," in t and "." not in t and t.count(",") == 1:
            t = t.replace(",", ".")
        try:
            x = float(t)
        except ValueError:
            raise CellError("must be a number") from None
        if not math.isfinite(x):
            raise CellError("must be a finite number")
        return x / 100 if pct else x
    raise CellError("must be a number")


def convert(col: Column, v: Any, decimal_comma: bool = False) -> Any:
    """A cell as the JSON value of its column (``BLANK`` for an empty cell); ``CellError``."""
    if _is_blank(v):
        return BLANK
    if isinstance(v, str):
        v = v.strip()
    kind = col.kind
    if kind == "int":
        if isinstance(v, bool):
            raise CellError("must be a whole number, not TRUE/FALSE")
        try:
            x = _number(v, decimal_comma)
        except CellError:
            raise CellError("must be a whole number") from None
        if not x.is_integer():
            raise CellError("must be a whole number")
        return int(x)
    if kind == "float":
        return _number(v, decimal_comma)
    if kind == "bool":
        if isinstance(v, bool):
            return v
        if isinstance(v, int | float) and v in (0, 1):
            return bool(v)
        if isinstance(v, str) and v.lower() in _TRUE | _FALSE:
            return v.lower() in _TRUE
        raise CellError("must be TRUE or FALSE (also 1/0, ja/nee)")
    if kind == "date":
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            m = _DUTCH_DATE.match(v)
            try:
                if m:
                    return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
                return dt.date.fromisoformat(v).isoformat()
            except ValueError:
                pass
        raise CellError("must be a date like 2026-11-02 (or 02-11-2026)")
    if kind == "list":
        items = [x.strip() for x in re.split(r"[,;]", str(v)) if x.strip()]
        return [x.lower() for x in items] if col.choices else items
    if kind == "enum":
        return str(v).strip().lower() if isinstance(v, str) else _text(v)
    return _text(v)


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return str(v).strip()


# ----------------------------------------------------------------------------- messages


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def plain_message(e: dict[str, Any]) -> str:
    """A pydantic error in planner words ('must be at least 1')."""
    t = e.get("type", "")
    ctx = e.get("ctx") or {}
    msg = str(e.get("msg", "")).removeprefix("Value error, ")
    if t == "greater_than_equal":
        return f"must be at least {_num(ctx.get('ge'))}"
    if t == "greater_than":
        return f"must be more than {_num(ctx.get('gt'))}"
    if t == "less_than_equal":
        return f"must be at most {_num(ctx.get('le'))}"
    if t == "less_than":
        return f"must be less than {_num(ctx.get('lt'))}"
    if t == "missing":
        return "required, but blank"
    if t == "string_too_short":
        n = ctx.get("min_length", 1)
        return "must not be blank" if n == 1 else f"must have at least {n} characters"
    if t == "string_too_long":
        return f"must have at most {ctx.get('max_length')} characters"
    if t == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if pattern == GM_PATTERN or pattern.startswith("^GM"):
            return "must be a CBS municipality code like GM0363"
        if "A-Za-z0-9" in pattern:
            return "must be an id of letters, digits and _ . : - without spaces (at most 64)"
        return f"must match the pattern {pattern}"
    if t == "enum":
        return f"must be one of {ctx.get('expected', '')}"
    if t == "extra_forbidden":
        return "is not a field of this sheet"
    return msg.replace("Input should be", "must be")


# ----------------------------------------------------------------------------- sheets -> doc


@dataclass
class Locator:
    """Where each part of the document came from: Excel rows of records and scalar fields."""

    rows: dict[str, list[int]] = field(default_factory=dict)
    scalar_rows: dict[str, int] = field(default_factory=dict)
    raw: dict[tuple[str, int, str], Any] = field(default_factory=dict)
    reported: set[tuple[str, int, str]] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)

    def sheet(self, name: str) -> str:
        return name

    def cell(self, sheet: str, index: int, column: str | None) -> str:
        rows = self.rows.get(sheet, [])
        row = rows[index] if 0 <= index < len(rows) else index + 2
        return f"{sheet} row {row}" + (f", column {column}" if column else "")


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _col_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _header_map(
    raw: RawSheet, known: dict[str, Any], informational: tuple[str, ...], problems: list[str]
) -> dict[int, str]:
    """Column index -> field name; structural problems (unknown, duplicate, headless) appended."""
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    width = max([len(raw.header)] + [len(c) for _, c in raw.rows[:2000]])
    for j in range(width):
        h = raw.header[j] if j < len(raw.header) else None
        name = "" if h is None else str(h).strip().lower()
        if not name:
            if any(j < len(c) and not _is_blank(c[j]) for _, c in raw.rows):
                problems.append(
                    f"{raw.name} row 1, column {_col_letter(j)}: a column without a header holds "
                    f"values (name it, or delete it)"
                )
            continue
        if name in seen:
            problems.append(
                f"{raw.name} row 1, column {name}: appears twice (columns "
                f"{_col_letter(seen[name])} and {_col_letter(j)})"
            )
            continue
        seen[name] = j
        if name in known:
            out[j] = name
        elif name not in informational:
            problems.append(
                f"{raw.name} row 1, column {name}: unknown column{_suggest(name, known)} "
                f"(known: {', '.join(known)}; informational, ignored: {', '.join(informational)})"
            )
    return out


def _scalar_part(
    raw: RawSheet | None, loc: Locator, problems: list[str], source_hint: str
) -> dict[str, Any]:
    fields = dict(scalar_fields())
    doc: dict[str, Any] = {}
    if raw is None:
        problems.append(
            f"no sheet {SCALAR_SHEET!r}{source_hint}: it holds week, half_year.id and "
            f"half_year.weeks_left (columns field, value)"
        )
        return doc
    header = [("" if h is None else str(h).strip().lower()) for h in raw.header]
    if "field" not in header or "value" not in header:
        problems.append(
            f"{raw.name} row 1: the header must hold the columns 'field' and 'value' "
            f"(got {', '.join(repr(h) for h in header if h) or 'nothing'})"
        )
        return doc
    for j, h in enumerate(header):
        if h and h not in ("field", "value") + SCALAR_INFO:
            problems.append(
                f"{raw.name} row 1, column {h}: unknown column (known: field, value; "
                f"informational: {', '.join(SCALAR_INFO)})"
            )
        if not h and any(j < len(c) and not _is_blank(c[j]) for _, c in raw.rows):
            problems.append(
                f"{raw.name} row 1, column {_col_letter(j)}: a column without a header holds values"
            )
    jf, jv = header.index("field"), header.index("value")
    for r, cells in raw.rows:
        name_cell = cells[jf] if jf < len(cells) else None
        value = cells[jv] if jv < len(cells) else None
        if _is_blank(name_cell):
            if not _is_blank(value):
                problems.append(f"{raw.name} row {r}, column field: blank, but the value is {shown(value)}")
            continue
        path = str(name_cell).strip()
        col = fields.get(path)
        if col is None:
            problems.append(
                f"{raw.name} row {r}, column field: unknown field {path!r}{_suggest(path, fields)}"
            )
            continue
        if path in loc.scalar_rows:
            problems.append(
                f"{raw.name} row {r}, column field: {path!r} appears twice (also row "
                f"{loc.scalar_rows[path]})"
            )
            continue
        loc.scalar_rows[path] = r
        loc.raw[(SCALAR_SHEET, -1, path)] = value
        try:
            v = convert(col, value, raw.decimal_comma)
        except CellError as e:
            problems.append(f"{raw.name} row {r}, column value ({path}): {e} (got {shown(value)})")
            loc.reported.add((SCALAR_SHEET, -1, path))
            continue
        if v is BLANK:
            continue
        target = doc
        *parents, last = path.split(".")
        for p in parents:
            target = target.setdefault(p, {})
        target[last] = v
    return doc


def sheets_to_document(
    sheets: dict[str, RawSheet], source_hint: str = ""
) -> tuple[dict[str, Any], Locator, list[str]]:
    """The document dict from raw sheets, where each part came from, and the problems found."""
    loc = Locator()
    problems: list[str] = []
    doc = _scalar_part(sheets.get(SCALAR_SHEET), loc, problems, source_hint)
    for spec in record_sheets():
        raw = sheets.get(spec.name)
        if raw is None:
            if spec.required:
                problems.append(
                    f"no sheet {spec.name!r}{source_hint} (columns: "
                    f"{', '.join(c.name for c in spec.columns)})"
                )
            continue
        records = read_records(raw, spec, loc, problems)
        if records is not None:
            doc[spec.name] = records
    return doc, loc, problems


def read_records(
    raw: RawSheet, spec: SheetSpec, loc: Locator, problems: list[str]
) -> list[dict[str, Any]] | None:
    """The rows of one record sheet as JSON records (None after structural problems)."""
    known = {c.name: c for c in spec.columns}
    structural: list[str] = []
    cols = _header_map(raw, known, spec.informational, structural)
    present = set(cols.values())
    for c in spec.columns:
        if c.required and c.name not in present:
            structural.append(f"{raw.name} row 1: no column {c.name!r} ({c.type_words()}, required)")
    if structural:
        problems += structural
        return None
    records: list[dict[str, Any]] = []
    rows: list[int] = []
    for r, cells in raw.rows:
        if all(_is_blank(x) for x in cells):
            continue
        idx = len(records)
        rec: dict[str, Any] = {}
        for j, name in cols.items():
            value = cells[j] if j < len(cells) else None
            loc.raw[(spec.name, idx, name)] = value
            try:
                v = convert(known[name], value, raw.decimal_comma)
            except CellError as e:
                problems.append(f"{raw.name} row {r}, column {name}: {e} (got {shown(value)})")
                loc.reported.add((spec.name, idx, name))
                continue
            if v is not BLANK:
                rec[name] = v
        records.append(rec)
        rows.append(r)
    loc.rows[spec.name] = rows
    problems += _duplicate_ids(spec, records, rows)
    return records


def _duplicate_ids(spec: SheetSpec, records: list[dict[str, Any]], rows: list[int]) -> list[str]:
    key = "id" if spec.column("id") else ("gm_code" if spec.name == "municipalities" else None)
    if key is None:
        return []
    where: dict[str, list[int]] = {}
    for rec, r in zip(records, rows, strict=True):
        if key in rec:
            where.setdefault(str(rec[key]), []).append(r)
    return [
        f"{spec.name} rows {', '.join(map(str, rs))}, column {key}: duplicate {key} {k!r}"
        for k, rs in where.items()
        if len(rs) > 1
    ]


def map_errors(err: ValidationError, loc: Locator) -> list[str]:
    """Pydantic errors at document paths as sheet/row/column lines."""
    sheets = {s.name for s in record_sheets()}
    out: list[str] = []
    for e in err.errors():
        path = tuple(e["loc"])
        msg = plain_message(dict(e))
        if path and path[0] in sheets and len(path) >= 2 and isinstance(path[1], int):
            sheet, idx = str(path[0]), int(path[1])
            column = str(path[2]) if len(path) >= 3 else None
            if column is not None and (sheet, idx, column) in loc.reported:
                continue
            got = ""
            if column is not None and e.get("type") != "missing":
                got = f" (got {shown(loc.raw.get((sheet, idx, column), e.get('input')))})"
            out.append(f"{loc.cell(sheet, idx, column)}: {msg}{got}")
        elif path:
            dotted = ".".join(str(p) for p in path)
            if (SCALAR_SHEET, -1, dotted) in loc.reported:
                continue
            row = loc.scalar_rows.get(dotted)
            if row is not None:
                got = f" (got {shown(loc.raw.get((SCALAR_SHEET, -1, dotted)))})"
                out.append(f"{SCALAR_SHEET} row {row}, column value ({dotted}): {msg}{got}")
            elif e.get("type") == "missing":
                out.append(f"{SCALAR_SHEET} sheet: no row for {dotted!r} (required)")
            else:
                out.append(f"{SCALAR_SHEET} sheet, {dotted}: {msg}")
        else:
            out += map_lines(msg.splitlines(), loc)
    return out


def map_lines(lines: list[str], loc: Locator, own_duplicates: bool = True) -> list[str]:
    """Cross-record messages ('households[3].location: ...') as sheet/row/column lines."""
    out = []
    for line in lines:
        m = _LINE.match(line)
        if m and m.group(1) in loc.rows:
            out.append(f"{loc.cell(m.group(1), int(m.group(2)), m.group(3))}: {m.group(4)}")
            continue
        s = _SHEET_LINE.match(line)
        if s and own_duplicates and s.group(2).startswith("duplicate id"):
            continue  # reported with the rows by _duplicate_ids
        if s and s.group(1) in loc.rows:
            out.append(f"{s.group(1)} sheet: {s.group(2)}")
        elif line.strip():
            out.append(line)
    return out


def document_from_sheets(sheets: dict[str, RawSheet], source: str, hint: str = "") -> Scenario:
    """Validate raw sheets as a scenario (schema, consistency, CBS codes) or raise
    :class:`DocumentError` with one sheet/row/column line per problem."""
    doc, loc, problems = sheets_to_document(sheets, hint)
    if problems and any(" row 1" in p or p.startswith("no sheet") for p in problems):
        raise DocumentError(source, problems[:MAX_PROBLEMS])
    try:
        s = Scenario.model_validate(doc)
    except ValidationError as e:
        raise DocumentError(source, (problems + map_errors(e, loc))[:MAX_PROBLEMS]) from None
    # the checks every boundary applies (CBS codes, something to plan)
    checks = document_checks.submission_errors
    problems += map_lines(checks(s), loc)
    if problems:
        raise DocumentError(source, problems[:MAX_PROBLEMS])
    return s


def read_scenario(path: Path) -> Scenario:
    """A scenario from ``.xlsx`` or a folder of ``<sheet>.csv`` files."""
    if path.is_dir():
        return document_from_sheets(_csv_sheets(path), str(path), hint=" (no file <sheet>.csv)")
    if path.suffix.lower() == ".csv":
        raise DocumentError(
            str(path),
            [
                "a scenario is a folder of CSV files (scenario.csv, locations.csv, "
                "municipalities.csv, households.csv, pins.csv): give the folder"
            ],
        )
    if not path.exists():
        raise DocumentError(str(path), ["cannot read the file (No such file or directory)"])
    return document_from_sheets(_workbook_sheets(path, str(path)), str(path))


def read_scenario_bytes(data: bytes, source: str = "workbook") -> Scenario:
    """A scenario from the bytes of an ``.xlsx`` workbook (the API's upload)."""
    return document_from_sheets(_workbook_sheets(data, source), source)


# ----------------------------------------------------------------------------- doc -> sheets


Table = tuple[list[str], list[list[Any]]]


def _json_value(doc: dict[str, Any], path: str) -> Any:
    v: Any = doc
    for p in path.split("."):
        v = v.get(p) if isinstance(v, dict) else None
    return v


def scenario_tables(s: Scenario, names: Names | None = None) -> dict[str, Table]:
    """The scenario as sheets (header, rows), names written beside the ids."""
    names = names or Names(s)
    dump = s.model_dump(mode="json")
    scalars = [
        [path, _json_value(dump, path), col.unit, col.description]
        for path, col in scalar_fields()
    ]
    out: dict[str, Table] = {SCALAR_SHEET: (["field", "value", "unit", "description"], scalars)}
    for spec in record_sheets():
        header, extra = _record_header(spec)
        rows = []
        for rec in dump[spec.name]:
            row = []
            for col in header:
                if col in extra:
                    src, how = extra[col]
                    row.append(_lookup(names, how, rec.get(src)))
                else:
                    row.append(rec.get(col))
            rows.append(row)
        out[spec.name] = (header, rows)
    return out


def _record_header(spec: SheetSpec) -> tuple[list[str], dict[str, tuple[str, str]]]:
    header: list[str] = []
    extra: dict[str, tuple[str, str]] = {}
    after = NAME_AFTER.get(spec.name, {})
    for c in spec.columns:
        header.append(c.name)
        for n in after.get(c.name, ()):
            header.append(n)
            how = "province" if n == "province_name" else (
                "location" if n.endswith("location_name") else "municipality"
            )
            extra[n] = (c.name, how)
    return header, extra


def _lookup(names: Names, how: str, v: Any) -> str:
    if v is None:
        return ""
    if how == "location":
        return names.location.get(str(v), "")
    if how == "province":
        return names.province_of(v)
    return names.municipality.get(str(v), "")


def write_scenario(s: Scenario, out: Path, excel_csv: bool = False) -> list[Path]:
    """Write ``.xlsx`` (by suffix) or a folder of CSV files (anything else)."""
    tables = scenario_tables(s)
    if out.suffix.lower() == ".xlsx":
        return [write_workbook(tables, out, readme=readme_rows())]
    return write_csv_folder(tables, out, excel_csv)


def write_csv_folder(tables: dict[str, Table], out: Path, excel: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_rows(out / f"{name}.csv", header, rows, excel=excel)
        for name, (header, rows) in tables.items()
    ]


def _dropdowns() -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for spec in record_sheets():
        d = {}
        for c in spec.columns:
            if c.kind == "enum":
                d[c.name] = c.choices
            elif c.kind == "bool":
                d[c.name] = ("TRUE", "FALSE")
        out[spec.name] = d
    return out


def write_workbook(
    tables: dict[str, Table],
    out: Path,
    readme: list[list[Any]] | None = None,
    dropdown_rows: int = 0,
    formats: dict[str, dict[str, str]] | None = None,
) -> Path:
    """Sheets to ``.xlsx`` (write-only openpyxl: fast for national weeks), atomically.

    Headers bold with a filter and frozen; drop-downs for choices and TRUE/FALSE on the scenario
    sheets; ``formats`` sets number formats per sheet and column ('0.0%', '#,##0').
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    if readme is not None:
        ws = wb.create_sheet(README_SHEET)
        widths = [16, 26, 22, 40, 22, 90]
        for j, w in enumerate(widths):
            ws.column_dimensions[get_column_letter(j + 1)].width = w
        for i, r in enumerate(readme):
            cells = []
            for v in r:
                c = WriteOnlyCell(ws, value=v)
                if i == 0 or (len(r) == 1):
                    c.font = bold
                c.alignment = wrap
                cells.append(c)
            ws.append(cells)
    drops = _dropdowns()
    for name, (header, rows) in tables.items():
        ws = wb.create_sheet(name[:31])
        ws.freeze_panes = "A2"
        fmt = (formats or {}).get(name, {})
        for j, h in enumerate(header):
            sample = [r[j] for r in rows[:200] if j < len(r)]
            width = max([len(str(h))] + [len(str(v)) for v in sample if v is not None])
            ws.column_dimensions[get_column_letter(j + 1)].width = min(60, max(8, width + 2))
        if header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
        last = max(len(rows) + 1, dropdown_rows)
        for j, h in enumerate(header):
            choices = drops.get(name, {}).get(h)
            if choices and last >= 2:
                dv = DataValidation(
                    type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True
                )
                letter = get_column_letter(j + 1)
                dv.add(f"{letter}2:{letter}{last}")
                ws.data_validations.append(dv)
        head = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            c.fill = fill
            head.append(c)
        ws.append(head)
        col_fmt = [fmt.get(h) for h in header]
        if any(col_fmt):
            for r in rows:
                out_cells: list[Any] = []
                for v, f in zip(r, col_fmt, strict=False):
                    v = _cell_value(v)
                    if f and isinstance(v, int | float) and not isinstance(v, bool):
                        c = WriteOnlyCell(ws, value=v)
                        c.number_format = f
                        out_cells.append(c)
                    else:
                        out_cells.append(v)
                ws.append(out_cells)
        else:
            for r in rows:
                ws.append([_cell_value(v) for v in r])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)
    return out


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _cell_value(v: Any) -> Any:
    """Values openpyxl can store: lists comma-joined, ISO dates as dates, enums as text."""
    if isinstance(v, list | tuple):
        return ", ".join(str(getattr(x, "value", x)) for x in v)
    if isinstance(v, str) and len(v) == 10 and _ISO_DATE.match(v):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return v
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        return v.item()
    if hasattr(v, "value") and not isinstance(v, str | int | float):
        return v.value
    return v


# ----------------------------------------------------------------------------- template


def readme_rows() -> list[list[Any]]:
    """The README sheet: every column of every sheet, with kind, unit, default and description."""
    rows: list[list[Any]] = [
        ["sheet", "column", "required / default", "what to type", "unit", "description"],
        [
            "How to use",
            "",
            "",
            "",
            "",
            "One workbook is one planning week. Fill the sheets scenario, locations, "
            "municipalities, households (and pins if you keep decisions fixed); the header row "
            "holds the field names of the scenario document. Blank optional cells take the "
            "default. Check it with `coa-plan validate week.xlsx`, plan it with `coa-plan "
            "allocate week.xlsx -o plan.xlsx`. Every problem is reported with sheet, row and "
            "column. Households carry a pseudonymous id only: never names or nationality.",
        ],
    ]
    for path, col in scalar_fields():
        rows.append(
            [SCALAR_SHEET, path, col.default_words(), col.type_words(), col.unit, col.description
             or _FALLBACK.get(path, "")]
        )
    for spec in record_sheets():
        header, extra = _record_header(spec)
        for name in header:
            found = spec.column(name)
            if found is None:
                src = extra[name][0]
                rows.append([spec.name, name, "informational", "text", "",
                             f"Name beside {src}, for reading only: ignored when the sheet is read."])
                continue
            rows.append([spec.name, name, found.default_words(), found.type_words(), found.unit,
                         found.description or _FALLBACK.get(f"{spec.name}.{name}", "")])
        for name in spec.informational:
            if name not in header:
                rows.append([spec.name, name, "informational", "text", "",
                             "Your own column: ignored when the sheet is read."])
    return rows


_FALLBACK = {
    "week": "ISO week of the plan, e.g. 2026-W48.",
    "locations.id": "Your id of the reception location (e.g. L001): households refer to it.",
    "locations.name": "Name of the location as planners know it.",
    "locations.gm_code": "CBS code of the municipality the location lies in.",
    "locations.kind": "Reception modality (col, gvl, pol, azc, ..., noodopvang).",
    "locations.accepts_families": "Families (households of 2 or more) may be placed here.",
    "locations.accepts_amv": "Unaccompanied minors may be placed here (then no one else).",
    "locations.school_nearby": "A school is near: households with school-age children may go.",
    "municipalities.gm_code": "CBS code of the municipality.",
    "households.id": "Pseudonymous household id: no name, no nationality.",
    "households.size": "Persons in the household.",
    "households.school_age_children": "Children of school age (4-18) in the household.",
    "households.amv": "An unaccompanied minor (alleenstaande minderjarige vreemdeling).",
    "households.status": "arrival (registered this week), resident, or status_holder.",
    "households.track": "Procedure track (spoor).",
    "households.location": "Id of the location where the household is now.",
    "pins.household": "Id of the household whose decision is fixed.",
}


def template_tables() -> dict[str, Table]:
    """The template's sheets: every field with an example week that validates as it is."""
    example = Scenario.model_validate(
        {
            "week": "2026-W48",
            "half_year": {"id": "2026-H2", "weeks_left": 5},
            "locations": [
                {"id": "L001", "name": "COL Ter Apel (voorbeeld)", "gm_code": "GM1950",
                 "kind": "col", "capacity": 100, "residents": 12, "cost_per_bed_day": 80.0},
                {"id": "L002", "name": "AZC Zwolle (voorbeeld)", "gm_code": "GM0193",
                 "kind": "azc", "capacity": 300, "residents": 262, "school_nearby": True,
                 "cost_per_bed_day": 68.0},
            ],
            "municipalities": [{"gm_code": "GM0193", "quota": 60, "housed": 20, "linked": 5}],
            "households": [
                {"id": "H0000001", "size": 3, "school_age_children": 1, "status": "arrival",
                 "track": "kansrijk", "location": "L001"},
                {"id": "H0000002", "size": 1, "status": "status_holder", "track": "kansrijk",
                 "location": "L002", "permit_date": "2026-11-02"},
            ],
            "pins": [],
        }
    )
    tables = scenario_tables(example)
    header, rows = tables[SCALAR_SHEET]
    # policy rows blank: the defaults apply unless the planner types a price
    tables[SCALAR_SHEET] = (header, [[r[0], None if r[0].startswith("policy.") else r[1], r[2],
                                      r[3]] for r in rows])
    pin_header, _ = tables["pins"]
    tables["pins"] = (pin_header, [])
    return tables


def write_template(out: Path, excel_csv: bool = False) -> list[Path]:
    tables = template_tables()
    if out.suffix.lower() == ".xlsx":
        return [write_workbook(tables, out, readme=readme_rows(), dropdown_rows=5000)]
    paths = write_csv_folder(tables, out, excel_csv)
    readme = readme_rows()
    paths.append(write_rows(out / "README.csv", readme[0], readme[1:], excel=excel_csv))
    return paths
