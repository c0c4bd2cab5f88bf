"""Content hashes of documents."""

from __future__ import annotations

import hashlib

from optimizer.documents.scenario import Scenario


def scenario_hash(s: Scenario) -> str:
    """Content hash of the scenario (defaults left out, so adding a defaulted field keeps it)."""
    return hashlib.sha256(s.model_dump_json(exclude_defaults=True).encode()).hexdigest()[:16]
