"""Checks of a valid scenario against the bundled reference data (CBS municipalities) and the
checks a submission needs beyond the schema, shared by every reader (JSON, workbook, CSV)."""

from __future__ import annotations

from optimizer.documents.scenario import Scenario
from optimizer.reference_data import municipality_index


def reference_errors(s: Scenario) -> list[str]:
    """Checks against the bundled CBS data: every gm_code must be a 2024 municipality."""
    known = municipality_index().keys()
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


def submission_errors(s: Scenario) -> list[str]:
    """What makes a valid document unusable as a week to plan: nothing to plan, or gm_codes
    unknown to CBS 2024. The same checks at every boundary (CLI, service)."""
    errors = []
    if not s.households:
        errors.append(
            "households: the scenario lists no households, so there is nothing to "
            "plan (list the week's arrivals and the status holders awaiting a link)"
        )
    return errors + reference_errors(s)
