"""Relocation sequencing: the day and bus trip of every move of a weekly plan (OR-Tools CP-SAT)."""

from optimizer.sequencing.data import SequenceInputError
from optimizer.sequencing.document import Sequence, SequenceOptions, SequenceRequest
from optimizer.sequencing.solve import sequence

__all__ = ["Sequence", "SequenceInputError", "SequenceOptions", "SequenceRequest", "sequence"]
