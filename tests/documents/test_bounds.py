"""The strict boundary's per-field checks (decided once per document class) accept and refuse
exactly what :func:`strict_scalar` and the text check do, value by value, and a document field
of each kind refuses what lax coercion would turn into something else."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from optimizer.documents.bounds import (
    BulkDocument,
    Document,
    _check_any,
    _check_strings,
    _checks,
    _element_check,
    _scalar_check,
    _scalar_kind,
    check_text,
    strict_scalar,
)


def _outcome(f: Any, v: Any) -> tuple[str, Any]:
    try:
        out = f(v)
    except ValueError as e:
        return ("refused", str(e))
    return ("kept", out is v)


def _reference_element(element: str, v: Any) -> Any:
    """The check as it was written before it was decided per class."""
    if isinstance(v, list | tuple):
        for x in v:
            strict_scalar(element, x)
    elif isinstance(v, dict):
        for x in v.values():
            strict_scalar(element, x)
    if isinstance(v, str | list | tuple | dict):
        _check_strings(v)
    return v


def _reference_text(v: Any) -> Any:
    if isinstance(v, str | list | tuple | dict):
        _check_strings(v)
    return v


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, "1", "true", "\x00", "\ud800"]),
    st.sampled_from([np.int64(3), np.float64(2.5), np.bool_(True), np.float64("inf")]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(st.text(max_size=3), scalars, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(v=values, kind=st.sampled_from(["int", "float", "bool"]))
def test_a_scalar_field_checks_as_strict_scalar(v: Any, kind: str) -> None:
    assert _outcome(_scalar_check(kind), v) == _outcome(lambda x: strict_scalar(kind, x), v)


@settings(max_examples=300, deadline=None)
@given(v=values, element=st.sampled_from(["int", "float", "bool"]))
def test_a_list_or_dict_field_checks_its_items_then_its_strings(v: Any, element: str) -> None:
    assert _outcome(_element_check(element), v) == _outcome(
        lambda x: _reference_element(element, x), v
    )


@settings(max_examples=300, deadline=None)
@given(v=values)
def test_any_other_field_checks_its_strings(v: Any) -> None:
    assert _outcome(_check_any, v) == _outcome(_reference_text, v)


class _Sample(Document):
    count: int = 0
    share: float = 0.0
    flag: bool = False
    name: str = "x"
    counts: list[int] = []


def test_the_checks_are_decided_once_per_class_for_every_field() -> None:
    checks = _checks(_Sample)
    assert set(checks) == {"count", "share", "flag", "name", "counts"}
    assert _checks(_Sample) is checks


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("count", True, "not true or false"),
        ("count", "3", "not a string"),
        ("count", 2**63, "64 bits"),
        ("share", "0.5", "not a string"),
        ("flag", 1, "true or false"),
        ("name", "a\x00b", "control character"),
        ("name", "\ud800", "lone surrogate"),
        ("counts", [1, True], "not true or false"),
    ],
)
def test_a_document_refuses_what_lax_coercion_would_change(
    field: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError) as e:
        _Sample.model_validate({field: value})
    (err,) = e.value.errors()
    assert err["loc"] == (field,)
    assert message in err["msg"]


def test_a_document_keeps_what_is_already_right() -> None:
    s = _Sample.model_validate(
        {"count": 3, "share": 2, "flag": True, "name": "Ter Apel", "counts": [1, 2]}
    )
    assert (s.count, s.share, s.flag, s.name, s.counts) == (3, 2.0, True, "Ter Apel", [1, 2])


def _bulk_classes() -> list[type[BulkDocument]]:
    import optimizer.documents.scenario  # noqa: F401  (the records of a week)

    out, todo = [], list(BulkDocument.__subclasses__())
    while todo:
        c = todo.pop()
        out.append(c)
        todo += c.__subclasses__()
    return [c for c in out if c.model_fields]


def _strict(f: Any) -> bool:
    return any(getattr(m, "strict", None) is True for m in f.metadata)


def test_every_field_of_a_bulk_record_is_kept_by_pydantic_itself() -> None:
    # BulkDocument has no per-value check: every number and flag must be strict, every string an
    # ASCII pattern or text with check_text, everything else an enum or a date (optional or not)
    import datetime as dt
    import enum
    import types
    import typing

    classes = _bulk_classes()
    assert {c.__name__ for c in classes} >= {"Household", "Location", "Municipality"}
    for cls in classes:
        texts = {
            name
            for d in cls.__pydantic_decorators__.field_validators.values()
            if d.func is check_text
            for name in d.info.fields
        }
        for name, f in cls.model_fields.items():
            where = f"{cls.__name__}.{name}"
            if _scalar_kind(f.annotation) is not None:
                assert _strict(f), f"{where} is a number or flag and not strict"
                continue
            args = [a for a in typing.get_args(f.annotation) if a is not type(None)]
            tp = (
                args[0]
                if typing.get_origin(f.annotation) in (typing.Union, types.UnionType)
                else f.annotation
            )
            if tp is str:
                patterns = [getattr(m, "pattern", None) for m in f.metadata]
                assert any(p and p.isascii() and p.startswith("^") for p in patterns) or (
                    name in texts
                ), f"{where} is free text without check_text"
            else:
                assert isinstance(tp, type) and issubclass(tp, enum.Enum | dt.date), where


@pytest.mark.parametrize("value", [True, False, "1", "yes", 3.0, 2.5, 2**70, -(2**64)])
def test_a_bulk_record_refuses_in_the_words_of_the_check(value: Any) -> None:
    # every strict field of the records, with a value the generic check refuses: the same
    # refusal, worded the same (validation_messages and the API's 422 go through strict_message).
    # What JSON and the workbook reader can give; numpy scalars reach a document only from code
    # (BulkDocument's docstring says what pydantic makes of them)
    from optimizer.documents.errors import validation_messages
    from optimizer.documents.scenario import Household, Location, Municipality

    records = {
        Household: {"id": "H1", "size": 2, "status": "arrival", "location": "L1"},
        Location: {
            "id": "L1", "name": "Ter Apel", "gm_code": "GM1950", "kind": "col",
            "capacity": 10, "residents": 0, "cost_per_bed_day": 50.0,
        },
        Municipality: {"gm_code": "GM1950", "quota": 5},
    }  # fmt: skip
    for cls, good in records.items():
        cls.model_validate(good)
        for name, f in cls.model_fields.items():
            kind = _scalar_kind(f.annotation)
            if kind is None:
                continue
            try:
                strict_scalar(kind, value)
                expected = None
            except ValueError as e:
                expected = str(e)
            if expected is None:
                continue  # a value the check keeps: the field's own bounds decide
            with pytest.raises(ValidationError) as err:
                cls.model_validate({**good, name: value})
            assert validation_messages(err.value) == [f"{name}: {expected} (got {value!r})"]
