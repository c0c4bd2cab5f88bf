"""The documents as JSON Schema, published in docs/schemas (the contract with other systems)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario

DOCUMENTS: dict[str, type[BaseModel]] = {"scenario": Scenario, "plan": Plan}


def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, model in DOCUMENTS.items():
        p = out_dir / f"{name}.schema.json"
        p.write_text(schema_text(model), encoding="utf-8")
        paths.append(p)
    return paths
