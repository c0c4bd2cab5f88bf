"""Columns of a table, derived from the pydantic models of the documents (never a hand list).

A field's *kind* (whole number, number, TRUE/FALSE, date, text, choice, list of choices), its
bounds, pattern, default and description come from ``model_fields``, so a field added to the
contract becomes a column of the workbook, the template and its README without touching this
package.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

GM_PATTERN = r"^GM\d{4}$"


@dataclass(frozen=True)
class Column:
    """One column of a record sheet (or one ``field`` row of the scenario sheet)."""

    name: str
    kind: str  # 'int' | 'float' | 'bool' | 'date' | 'str' | 'enum' | 'list' | 'other'
    required: bool
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    pattern: str | None = None
    optional: bool = False  # None is allowed (blank)

    @property
    def unit(self) -> str:
        return unit_of(self.name)

    def type_words(self) -> str:
        """What a planner may type in the cell, in words."""
        words = {
            "int": "whole number",
            "float": "number",
            "bool": "TRUE/FALSE (also 1/0, ja/nee)",
            "date": "date (YYYY-MM-DD)",
            "str": "text",
            "enum": "one of: " + ", ".join(self.choices),
            "list": "comma-separated list of: " + ", ".join(self.choices),
            "other": "value",
        }[self.kind]
        bounds = []
        if self.ge is not None:
            bounds.append(f">= {_num(self.ge)}")
        if self.gt is not None:
            bounds.append(f"> {_num(self.gt)}")
        if self.le is not None:
            bounds.append(f"<= {_num(self.le)}")
        if bounds:
            words += " " + ", ".join(bounds)
        if self.pattern is not None and self.pattern.startswith("^GM"):
            words += ", a CBS code like GM0363"
        return words

    def default_words(self) -> str:
        if self.required:
            return "required"
        if self.default is None:
            return "optional (blank)"
        if isinstance(self.default, list):
            return "blank = " + ", ".join(str(getattr(x, "value", x)) for x in self.default)
        if isinstance(self.default, bool):
            return f"blank = {'TRUE' if self.default else 'FALSE'}"
        return f"blank = {getattr(self.default, 'value', self.default)}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def unit_of(name: str) -> str:
    """The unit a snake_case name states (``cost_per_bed_day`` -> 'EUR per bed-day')."""
    if "_eur_per_" in name or name.startswith("eur_per_"):
        rest = name.split("eur_per_", 1)[1]
        return "EUR per " + rest.replace("_", "-")
    if name == "cost_per_bed_day":
        return "EUR per bed-day"
    if name.endswith("_eur") or "_eur_" in name:
        return "EUR"
    if name.endswith("_km"):
        return "km"
    if name.endswith("_days"):
        return "days"
    if name.endswith("_rd_m"):
        return "metres, RD New (EPSG:28992)"
    if name.startswith("occupancy"):
        return "share of beds (0.85 = 85%)"
    if name in ("capacity",):
        return "beds"
    if name in ("residents", "size", "quota", "housed", "linked", "max_links_per_week"):
        return "persons"
    if name.endswith("_candidates"):
        return "count"
    if name == "weeks_left":
        return "weeks"
    return ""


def _unwrap(tp: Any) -> tuple[Any, bool]:
    """(base type, None allowed) through Annotated and Optional."""
    optional = False
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(tp))
            if len(args) != 1:
                return tp, optional
            tp = args[0]
        else:
            return tp, optional


def _constraints(info: FieldInfo, tp: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    metas = list(info.metadata)
    # bounds written inside Annotated[...] of a Union member (e.g. ``Annotated[int | None, ...]``)
    t = tp
    while typing.get_origin(t) is typing.Annotated:
        metas += list(typing.get_args(t)[1:])
        t = typing.get_args(t)[0]
    for m in metas:
        for attr in ("ge", "le", "gt", "pattern"):
            v = getattr(m, attr, None)
            if v is not None:
                out[attr] = v
        for sub in getattr(m, "metadata", []) or []:
            for attr in ("ge", "le", "gt", "pattern"):
                v = getattr(sub, attr, None)
                if v is not None:
                    out[attr] = v
    return out


def column_of(name: str, info: FieldInfo) -> Column:
    base, optional = _unwrap(info.annotation)
    kind, choices = "other", tuple[str, ...]()
    if isinstance(base, type) and issubclass(base, enum.Enum):
        kind, choices = "enum", tuple(str(m.value) for m in base)
    elif base is bool:
        kind = "bool"
    elif base is int:
        kind = "int"
    elif base is float:
        kind = "float"
    elif base is dt.date:
        kind = "date"
    elif base is str:
        kind = "str"
    elif typing.get_origin(base) in (list, tuple):
        item, _ = _unwrap(typing.get_args(base)[0])
        kind = "list"
        if isinstance(item, type) and issubclass(item, enum.Enum):
            choices = tuple(str(m.value) for m in item)
    default: Any = None
    if not info.is_required():
        default = info.default_factory() if info.default_factory is not None else info.default  # type: ignore[call-arg]
        if default is PydanticUndefined:
            default = None
    c = _constraints(info, info.annotation)
    return Column(
        name=name,
        kind=kind,
        required=info.is_required(),
        default=default,
        description=(info.description or "").strip(),
        choices=choices,
        ge=c.get("ge"),
        le=c.get("le"),
        gt=c.get("gt"),
        pattern=c.get("pattern"),
        optional=optional,
    )


def columns_of(model: type[BaseModel]) -> list[Column]:
    """The model's fields as columns, in the model's order (JSON names: aliases where set)."""
    return [column_of(f.alias or n, f) for n, f in model.model_fields.items()]


def item_model(info: FieldInfo) -> type[BaseModel] | None:
    """The record model of a ``list[Model]`` field, else None."""
    base, _ = _unwrap(info.annotation)
    if typing.get_origin(base) is list:
        item, _ = _unwrap(typing.get_args(base)[0])
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def nested_model(info: FieldInfo) -> type[BaseModel] | None:
    base, _ = _unwrap(info.annotation)
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base
    return None
