"""Reading documents at the boundary: every problem becomes a message naming the field and value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from optimizer.documents.scenario import Scenario
from optimizer.reference_data import load_municipalities

M = TypeVar("M", bound=BaseModel)


class DocumentError(ValueError):
    """A document that cannot be used, with one readable message per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_messages(err: ValidationError) -> list[str]:
    msgs = []
    for e in err.errors():
        where = _path(tuple(e["loc"]))
        msg = e["msg"].removeprefix("Value error, ")
        value = e.get("input")
        shown = "" if not where or isinstance(value, dict | list) else f" (got {value!r})"
        if where:
            msgs.append(f"{where}: {msg}{shown}")
        else:  # cross-record checks name their own paths, one per line
            msgs.extend(msg.splitlines())
    return msgs


def parse_document(model: type[M], text: str, source: str) -> M:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise DocumentError(
            source, [f"not valid JSON (line {e.lineno} column {e.colno}: {e.msg})"]
        ) from None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        raise DocumentError(source, validation_messages(e)) from None


def reference_errors(s: Scenario) -> list[str]:
    """Checks against the bundled CBS data: every gm_code must be a 2024 municipality."""
    known = set(load_municipalities()["gm_code"])
    errors = [
        f"locations[{i}].gm_code: {loc.gm_code!r} is not a CBS 2024 municipality"
        for i, loc in enumerate(s.locations)
        if loc.gm_code not in known
    ]
    errors += [
        f"municipalities[{i}].gm_code: {m.gm_code!r} is not a CBS 2024 municipality"
        for i, m in enumerate(s.municipalities)
        if m.gm_code not in known
    ]
    return errors


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file (schema, consistency and reference data)."""
    if path.suffix.lower() in (".xlsx", ".csv") or path.is_dir():  # a workbook or a CSV folder
        from optimizer.tables.workbook import read_scenario

        return read_scenario(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DocumentError(str(path), [f"cannot read the file ({e.strerror})"]) from None
    s = parse_document(Scenario, text, str(path))
    errors = reference_errors(s)
    if errors:
        raise DocumentError(str(path), errors)
    return s


def load_document(model: type[M], path: Path) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DocumentError(str(path), [f"cannot read the file ({e.strerror})"]) from None
    return parse_document(model, text, str(path))
