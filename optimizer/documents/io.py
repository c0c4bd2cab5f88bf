"""Reading documents at the boundary: every problem becomes a message naming the field and value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from optimizer.documents.checks import reference_errors, submission_errors
from optimizer.documents.errors import DocumentError, validation_messages
from optimizer.documents.scenario import Scenario

__all__ = [
    "DocumentError",
    "decode_text",
    "load_document",
    "load_scenario",
    "parse_document",
    "read_document_text",
    "reference_errors",
    "submission_errors",
    "validation_messages",
]

M = TypeVar("M", bound=BaseModel)


MAX_DEPTH = 200
"""JSON nesting beyond Python's parser depth (or pydantic's, 200) is refused as one problem."""


def decode_text(data: bytes, source: str) -> str:
    """Bytes of a document file as text: UTF-8, with or without a BOM. UTF-16/32, other
    encodings and binary files are one readable problem each, never a traceback."""
    json_start = b"{[ \t\r\n"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(data) > 1
        and (data[1] == 0 and data[0] in json_start or data[0] == 0 and data[1] in json_start)
    ):
        raise DocumentError(source, ["the file is UTF-16 or UTF-32 text; save it as UTF-8"])
    if b"\x00" in data:
        raise DocumentError(source, ["not a text file (it holds NUL bytes: binary data?)"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise DocumentError(
            source,
            [
                f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); save "
                "the file as UTF-8"
            ],
        ) from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def parse_document(model: type[M], text: str, source: str) -> M:
    try:
        raw = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise DocumentError(
            source, [f"not valid JSON (line {e.lineno} column {e.colno}: {e.msg})"]
        ) from None
    except ValueError as e:  # NaN / Infinity
        raise DocumentError(source, [f"not valid JSON ({e})"]) from None
    except RecursionError:
        raise DocumentError(
            source, [f"JSON nested too deeply (more than {MAX_DEPTH} levels)"]
        ) from None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        raise DocumentError(source, validation_messages(e)) from None


def read_document_text(path: Path) -> str:
    """A document file's text (see :func:`decode_text`); unreadable files are one problem."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError(str(path), [f"cannot read the file ({e.strerror})"]) from None
    return decode_text(data, str(path))


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file (schema, consistency and reference data)."""
    if path.suffix.lower() in (".xlsx", ".csv") or path.is_dir():  # a workbook or a CSV folder
        from optimizer.tables.workbook import read_scenario

        return read_scenario(path)
    text = read_document_text(path)
    s = parse_document(Scenario, text, str(path))
    errors = submission_errors(s)
    if errors:
        raise DocumentError(str(path), errors)
    return s


def load_document(model: type[M], path: Path) -> M:
    return parse_document(model, read_document_text(path), str(path))
