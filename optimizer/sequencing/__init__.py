"""Relocation sequencing: the day and bus trip of every move of a weekly plan (OR-Tools CP-SAT).

The names below are loaded on first use (PEP 562), so importing a submodule such as the CLI's
does not import the documents first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from optimizer.documents.sequence import Sequence, SequenceOptions, SequenceRequest
    from optimizer.sequencing.data import SequenceInputError
    from optimizer.sequencing.solve import sequence

_HOME = {
    "SequenceInputError": "optimizer.sequencing.data",
    "Sequence": "optimizer.documents.sequence",
    "SequenceOptions": "optimizer.documents.sequence",
    "SequenceRequest": "optimizer.documents.sequence",
    "sequence": "optimizer.sequencing.solve",
}
__all__ = ["Sequence", "SequenceInputError", "SequenceOptions", "SequenceRequest", "sequence"]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
