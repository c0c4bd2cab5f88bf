"""The strict boundary shared by every input document (scenario, quota status, what-if spec,
sequencing options): one base class and a few bounded types.

:class:`Document` forbids unknown fields, refuses non-finite floats, and checks every scalar
before pydantic's own coercion: an ``int`` field takes a whole number and no ``true``/``"1"``; a
``bool`` field takes ``true``/``false`` and nothing else (no ``"yes"``, no ``1``); every integer
fits 64 bits; every string is valid Unicode (no lone surrogates), has no NUL or other control
character and at most :data:`MAX_TEXT` characters. The bounded types state realistic maxima in
the JSON Schema, so a client sees them before it sends anything.
"""

from __future__ import annotations

import math
import numbers
import re
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_TEXT = 200
"""Longest free text (names)."""
MAX_PERSONS = 1_000_000
"""Persons in one figure (a location, a municipality's quota, a week's inflow): the whole
reception population is about 70,000 and a half-year's national quota about 25,000."""
MAX_BEDS = 100_000
"""Beds of one location (the largest, Ter Apel, has 2,000)."""
MAX_EUR = 10_000_000.0
"""Euros in one price (the dominant one, an arrival without a bed, is EUR 10,000)."""
MAX_EUR_PER_BED_DAY = 10_000.0
"""Bed-day cost (noodopvang, the most expensive, is a few hundred euros)."""
MAX_SECONDS = 86_400.0
"""Solver time limits: a day at most."""
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
"""Ids and codes: ASCII letters, digits and ``_ . : -``, at most 64 characters."""

Id = Annotated[str, Field(pattern=ID_PATTERN, description="ASCII id (letters, digits, _.:-).")]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Persons = Annotated[int, Field(ge=0, le=MAX_PERSONS)]
Beds = Annotated[int, Field(ge=0, le=MAX_BEDS)]
Eur = Annotated[float, Field(ge=0, le=MAX_EUR, allow_inf_nan=False)]
EurPerBedDay = Annotated[float, Field(ge=0, le=MAX_EUR_PER_BED_DAY, allow_inf_nan=False)]
Seconds = Annotated[float, Field(gt=0, le=MAX_SECONDS, allow_inf_nan=False)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]


def _scalar_kind(tp: Any) -> str | None:
    """'int', 'float', 'bool' or 'str' for a field type (through Annotated and Optional)."""
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (Union, types.UnionType):
        kinds = {_scalar_kind(a) for a in typing.get_args(tp) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "float"
    return None


def _element_kind(tp: Any) -> str | None:
    """The scalar kind of a list's items or a dict's values."""
    while typing.get_origin(tp) is Annotated:
        tp = typing.get_args(tp)[0]
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        kinds = {_element_kind(a) for a in typing.get_args(tp) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        return _scalar_kind(args[0]) if args else None
    if origin is dict:
        args = typing.get_args(tp)
        return _scalar_kind(args[1]) if len(args) == 2 else None
    return None


NOT_BOOL = "Input should be a number, not true or false"
NOT_STRING = "Input should be a number, not a string"
WHOLE = "Input should be a whole number, without a decimal point"
TRUE_OR_FALSE = "Input should be true or false"
FIT_64 = "Input should fit in 64 bits"


def _is_bool(v: Any) -> bool:
    """``True``/``False``, or numpy's booleans (``numpy.bool_``, named ``numpy.bool`` since 2.0)."""
    return isinstance(v, bool) or (
        type(v).__name__ in ("bool_", "bool") and type(v).__module__ == "numpy"
    )


def strict_scalar(kind: str | None, v: Any) -> Any:
    """Refuse what lax coercion would turn into something else; return ``v`` otherwise."""
    if type(v) is int and kind in ("int", "float"):  # the common case first (a JSON integer)
        if kind == "int" and not (INT64_MIN <= v <= INT64_MAX):
            raise ValueError(FIT_64)
        return v
    if kind == "bool":
        if not _is_bool(v):
            raise ValueError(TRUE_OR_FALSE)
    elif kind in ("int", "float"):
        if _is_bool(v):
            raise ValueError(NOT_BOOL)
        if isinstance(v, str | bytes):
            raise ValueError(NOT_STRING)
        if kind == "int" and isinstance(v, float):
            raise ValueError(WHOLE)
        if (
            kind == "int"
            and isinstance(v, numbers.Integral)
            and not (INT64_MIN <= int(v) <= INT64_MAX)
        ):
            raise ValueError(FIT_64)
        if kind == "float" and isinstance(v, float) and not math.isfinite(v):
            raise ValueError("Input should be a finite number")
    return v


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""C0 and C1 control characters (a regex: a national week has about a million characters of text,
too many for a per-character Python loop)."""


def check_text(v: str) -> str:
    """Valid Unicode, no control characters, at most :data:`MAX_TEXT` x 5 characters (fields
    with their own shorter limit state it)."""
    if len(v) > 5 * MAX_TEXT:
        raise ValueError(f"text is longer than {5 * MAX_TEXT} characters")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode (a lone surrogate)") from None
    if _CONTROL.search(v) is not None:
        raise ValueError("text has a NUL or another control character")
    return v


def _check_strings(v: Any) -> None:
    """Strings of this field: itself, or the items, keys and values of a list or dict (nested
    documents check their own fields)."""
    if isinstance(v, str):
        check_text(v)
    elif isinstance(v, list | tuple):
        for x in v:
            if isinstance(x, str):
                check_text(x)
    elif isinstance(v, dict):
        for k, x in v.items():
            if isinstance(k, str):
                check_text(k)
            if isinstance(x, str):
                check_text(x)


def _check_any(v: Any) -> Any:
    """A field without a scalar kind: its strings (a str, or in a list or dict) are checked."""
    if type(v) is str:
        return check_text(v)
    if isinstance(v, str | list | tuple | dict):
        _check_strings(v)
    return v


def _scalar_check(kind: str) -> Callable[[Any], Any]:
    """:func:`strict_scalar` for one kind, with the common JSON value of that kind first."""
    if kind == "int":

        def check(v: Any) -> Any:
            if type(v) is int and INT64_MIN <= v <= INT64_MAX:
                return v
            return strict_scalar("int", v)

    elif kind == "float":

        def check(v: Any) -> Any:
            if type(v) is float:
                if not math.isfinite(v):
                    raise ValueError("Input should be a finite number")
                return v
            return strict_scalar("float", v)

    elif kind == "bool":

        def check(v: Any) -> Any:
            return v if type(v) is bool else strict_scalar("bool", v)

    else:

        def check(v: Any) -> Any:
            return strict_scalar(kind, v)

    return check


def _element_check(element: str) -> Callable[[Any], Any]:
    """Each item of a list (or value of a dict) checked as ``element``, then the strings."""

    def check(v: Any) -> Any:
        if isinstance(v, list | tuple):
            for x in v:
                strict_scalar(element, x)
        elif isinstance(v, dict):
            for x in v.values():
                strict_scalar(element, x)
        return _check_any(v)

    return check


@cache
def _checks(cls: type[BaseModel]) -> dict[str, Callable[[Any], Any]]:
    """Per field of a document class, the check its values get before pydantic's own (decided
    once per class from the field's type: a national week has 300,000 field values)."""
    out: dict[str, Callable[[Any], Any]] = {}
    for name, f in cls.model_fields.items():
        kind, element = _scalar_kind(f.annotation), _element_kind(f.annotation)
        if kind is not None:
            out[name] = _scalar_check(kind)
        elif element is not None:
            out[name] = _element_check(element)
        else:
            out[name] = _check_any
    return out


class Document(BaseModel):
    """Base of the input documents: the strict boundary (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, v: Any, info: ValidationInfo) -> Any:
        check = _checks(cls).get(info.field_name or "")
        return _check_any(v) if check is None else check(v)


class BulkDocument(BaseModel):
    """Base of the records a national week has tens of thousands of (households, locations,
    municipalities: 300,000 field values). The same boundary as :class:`Document`, kept by
    pydantic itself instead of a Python check per value (validation 0.28 -> 0.12 s a week):

    * every int, float and bool field is declared ``strict`` (``Field(strict=True)``): no
      ``true`` or ``"1"`` for a number, no ``1`` or ``"yes"`` for a flag, no ``3.0`` for a count,
      which is exactly what :func:`strict_scalar` refuses;
    * every string is an id or code with an ASCII ``pattern`` (no control character, no
      surrogate, 64 characters at most), an enum or a date, or free text checked by
      :func:`check_text` in a validator of its own;
    * the 64-bit rule holds because every count has a bound far inside it.

    Numpy scalars reach a record only from code (JSON and the workbook reader give Python
    values); for them pydantic's strict mode decides: ``numpy.bool_`` is refused for a flag or a
    count and taken as 1.0 or 0.0 for a price.

    ``tests/documents/test_bounds.py`` checks every field of every subclass against these rules,
    and :func:`strict_message` words pydantic's refusals as the check does.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def strict_message(err: Mapping[str, Any]) -> str:
    """A pydantic error's message, with a strict field's refusal in the words of
    :func:`strict_scalar` (the input decides which)."""
    t, msg, v = err.get("type"), str(err.get("msg", "")), err.get("input")
    if t in ("int_type", "float_type"):
        if _is_bool(v):
            return NOT_BOOL
        if isinstance(v, str | bytes):
            return NOT_STRING
        if t == "int_type" and isinstance(v, float):
            return WHOLE
    elif t == "bool_type":
        return TRUE_OR_FALSE
    elif (
        t in ("less_than_equal", "greater_than_equal", "less_than", "greater_than")
        and type(v) is int
        and not (INT64_MIN <= v <= INT64_MAX)
    ):
        return FIT_64
    return msg
