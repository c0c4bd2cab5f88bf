"""Constraint family *suitability*: which locations may receive which household.

Suitability is enforced by sparsity: a placement arc exists only for a suitable (class, location)
pair (``optimizer.model.instance``), so an unsuitable placement has no variable at all and the
family has no rows. The rules themselves are in :mod:`optimizer.rules.suitability`.
"""

from __future__ import annotations

from optimizer.model.families.base import Family, Kind

FAMILY = Family(
    "suitability",
    Kind.hard,
    "Households only go where the location suits them",
    "not priced: unsuitable placements have no variable (structure)",
)
