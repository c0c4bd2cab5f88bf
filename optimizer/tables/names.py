"""Names beside ids: locations from the scenario (or the bundled set), municipalities and
provinces from the CBS reference data; and provinces looked up by code or name.

Every table a planner reads carries the name next to the id (``location`` -> ``location_name``,
``gm_code`` -> ``municipality_name``, ``pv_code`` -> ``province_name``): ids are for systems,
names for people.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

import pandas as pd

from optimizer.reference_data import load_municipalities, load_provinces

LOCATION_ID_COLUMNS = ("location", "from_location", "to_location", "from", "to")
PROVINCE_ALIASES = {"friesland": "PV21", "frisia": "PV21", "northholland": "PV27",
                    "southholland": "PV28", "northbrabant": "PV30"}


def fold(text: str) -> str:
    """Lower case, accents and everything but letters and digits dropped ('Fryslân' -> 'fryslan')."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isalnum())


@lru_cache(maxsize=1)
def _reference() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    m = load_municipalities()
    p = load_provinces()
    return (
        dict(zip(m["gm_code"], m["gm_name"], strict=True)),
        dict(zip(m["gm_code"], m["pv_code"], strict=True)),
        dict(zip(p["pv_code"], p["pv_name"], strict=True)),
    )


@lru_cache(maxsize=1)
def _bundled_locations() -> dict[str, str]:
    from optimizer.reference_data import load_locations

    df = load_locations()
    return dict(zip(df["id"], df["name"], strict=True))


def resolve_province(text: str) -> str:
    """'PV27', 'pv27', '27', 'Noord-Holland', 'noord holland', 'Fryslan', 'Friesland' -> a code.

    ``ValueError`` naming the known provinces when nothing matches.
    """
    _, _, provinces = _reference()
    t = text.strip()
    if t.upper() in provinces:
        return t.upper()
    if t.isdigit() and f"PV{int(t)}" in provinces:
        return f"PV{int(t)}"
    key = fold(t)
    for code, name in provinces.items():
        if fold(name) == key:
            return code
    if key in PROVINCE_ALIASES:
        return PROVINCE_ALIASES[key]
    starts = [c for c, n in provinces.items() if fold(n).startswith(key)] if key else []
    if len(starts) == 1:
        return starts[0]
    known = ", ".join(f"{c} {n}" for c, n in provinces.items())
    raise ValueError(f"--province: {text!r} is not a province code or name (known: {known})")


class Names:
    """Lookups of names for the ids a table holds."""

    def __init__(self, scenario: Any = None) -> None:
        self.municipality, self.gm_province, self.province = _reference()
        self.location: dict[str, str] = {}
        if scenario is None:
            try:
                self.location = dict(_bundled_locations())
            except Exception:  # pragma: no cover - bundled data missing: ids only
                self.location = {}
        else:
            self.location = {loc.id: loc.name for loc in scenario.locations}

    def where(self, key: Any) -> str:
        """A place given as a location id, a gm_code or a pv_code (as diagnoses name them)."""
        k = "" if key is None else str(key)
        return self.location.get(k) or self.municipality.get(k) or self.province.get(k) or ""

    def province_of(self, gm_code: Any) -> str:
        pv = self.gm_province.get(str(gm_code), "")
        return self.province.get(pv, "")


def _insert_after(df: pd.DataFrame, after: str, name: str, values: list[Any]) -> None:
    if name in df.columns:
        return
    df.insert(int(df.columns.get_loc(after)) + 1, name, values)


def name_columns_for(column: str, columns: list[str]) -> list[tuple[str, str]]:
    """(name column, lookup) pairs that belong beside ``column`` in a table with ``columns``;
    lookup is 'location', 'municipality', 'province', 'province_of_gm' or 'where'."""
    if column in LOCATION_ID_COLUMNS or column.endswith("_location"):
        return [(f"{column}_name", "location")]
    if column == "gm_code":
        pv = [] if "pv_code" in columns else [("province_name", "province_of_gm")]
        return pv if "gm_name" in columns else [("municipality_name", "municipality"), *pv]
    if column.endswith("_gm_code"):
        return [(f"{column.removesuffix('_gm_code')}_municipality_name", "municipality")]
    if column == "pv_code":
        return [("province_name", "province")]
    if column == "where":
        return [("where_name", "where")]
    return []


def add_names(df: pd.DataFrame, names: Names) -> pd.DataFrame:
    """``df`` with the name columns right after every id column (in place; returns ``df``)."""
    lookups = {
        "location": lambda v: names.location.get(str(v), ""),
        "municipality": lambda v: names.municipality.get(str(v), ""),
        "province": lambda v: names.province.get(str(v), ""),
        "province_of_gm": names.province_of,
        "where": names.where,
    }
    for col in list(df.columns):
        anchor = str(col)
        for name, how in name_columns_for(anchor, [str(c) for c in df.columns]):
            f = lookups[how]
            _insert_after(df, anchor, name, [f(v) if _present(v) else "" for v in df[col]])
            anchor = name
    return df


def _present(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v) != ""
