"""Loaders for the bundled reference data (municipalities, provinces, locations), with pandera.

The data directory is ``<repo>/data`` unless the environment variable ``COA_DATA_DIR`` points
elsewhere. Loaded frames are cached; every call returns a fresh copy.

Validated once: a data file is checked against its pandera schema (:mod:`reference_schemas`) the
first time it is loaded, and the sha256 of its bytes and of the schemas is then recorded in the
cache directory (``COA_CACHE_DIR``, else ``~/.cache/coa-plan``); later loads of the same bytes only
read the CSV and set the schema's dtypes. Importing pandera costs about 2.6 s in a cold process,
which was most of the time of a weekly allocation from file to file. A file that changes, or a
schema that changes, is validated again; without a writable cache directory every load validates.
pandas and numpy are imported by the functions that need them.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from optimizer.reference_codes import GM_CODE_RE, LOCATION_KINDS, PV_CODE_RE, RD_NEW

if TYPE_CHECKING:
    import geopandas
    import numpy as np
    import pandas as pd

__all__ = [
    "GM_CODE_RE",
    "LOCATION_KINDS",
    "PV_CODE_RE",
    "RD_NEW",
    "data_dir",
    "distance_km",
    "distance_matrix_km",
    "load_locations",
    "load_municipalities",
    "load_municipality_shapes",
    "load_provinces",
    "municipality_index",
    "MunicipalityRef",
    "validate_locations",
]


_log = logging.getLogger(__name__)


def data_dir() -> Path:
    """Return the data directory (``COA_DATA_DIR`` or ``<repo>/data``)."""
    env = os.environ.get("COA_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


# the dtypes the schemas coerce to ("str": as read; checked against a validated load in the tests)
MUNICIPALITY_DTYPES = {
    "gm_code": "str",
    "gm_name": "str",
    "pv_code": "str",
    "population": "int64",
    "x_rd_m": "float64",
    "y_rd_m": "float64",
}
PROVINCE_DTYPES = {"pv_code": "str", "pv_name": "str", "population": "int64"}
LOCATION_DTYPES = {
    "id": "str",
    "name": "str",
    "gm_code": "str",
    "kind": "str",
    "capacity": "int64",
    "residents": "int64",
    "accepts_families": "bool",
    "accepts_amv": "bool",
    "school_nearby": "bool",
    "cost_per_bed_day": "float64",
    "origin": "str",
}


def cache_dir() -> Path:
    """Where the validation records live (``COA_CACHE_DIR`` or ``~/.cache/coa-plan``)."""
    env = os.environ.get("COA_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "coa-plan"


def _sha256(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in (Path(__file__).with_name("reference_schemas.py"), *paths):
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _record(kind: str, key: str) -> Path:
    """The file that records these bytes (``key``, from :func:`_sha256`) as validated."""
    return cache_dir() / "validated" / f"{kind}-{key}"


def _municipality_files(root: Path) -> list[Path]:
    return [
        root / "municipalities" / "gemeenten_2024.csv",
        root / "municipalities" / "points_rd.csv",
    ]


def validated_once(
    kind: str, key: str, df: pd.DataFrame, dtypes: dict[str, str], validate: Callable[[], Any]
) -> pd.DataFrame:
    """``validate()`` unless these bytes were validated before (a record named by ``key``, the
    hash of the data files and the schemas); then only the schema's dtypes are set, exactly as
    the schema's coercion would have set them."""
    record = _record(kind, key)
    if record.exists() and list(df.columns) == list(dtypes):
        # text columns stay as read_csv reads them (the schemas keep that dtype too)
        return df.astype({c: t for c, t in dtypes.items() if t != "str"})
    out = validate()
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(f"{kind} validated by pandera\n", encoding="utf-8")
    except OSError as e:  # a read-only home: correct, only slower (validated on every load)
        _log.info(
            "reference data cache %s not writable (%s); validating on every load",
            record.parent,
            e.strerror,
        )
    return out


@lru_cache(maxsize=4)
def _municipalities(root: Path) -> pd.DataFrame:
    import pandas as pd

    files = _municipality_files(root)
    gm = pd.read_csv(files[0], dtype={"gm_code": str})
    pts = pd.read_csv(files[1], dtype={"gm_code": str})
    df = gm[["gm_code", "gm_name", "pv_code", "population_2024_01_01"]].rename(
        columns={"population_2024_01_01": "population"}
    )
    df = df.merge(pts, on="gm_code", how="left", validate="1:1")
    df = df.sort_values("gm_code").reset_index(drop=True)

    def validate() -> pd.DataFrame:
        from optimizer.reference_schemas import MunicipalitySchema

        return MunicipalitySchema.validate(df)

    return validated_once("municipalities", _sha256(*files), df, MUNICIPALITY_DTYPES, validate)


class MunicipalityRef(NamedTuple):
    """What the weekly allocation needs of a municipality: its province and its RD point."""

    pv_code: str
    x_rd_m: float
    y_rd_m: float


@lru_cache(maxsize=4)
def _municipality_index(root: Path) -> dict[str, MunicipalityRef]:
    files = _municipality_files(root)
    if _record("municipalities", _sha256(*files)).exists():
        with files[0].open(newline="", encoding="utf-8") as f:
            pv = {r["gm_code"]: r["pv_code"] for r in csv.DictReader(f)}
        with files[1].open(newline="", encoding="utf-8") as f:
            xy = {r["gm_code"]: (float(r["x_rd_m"]), float(r["y_rd_m"])) for r in csv.DictReader(f)}
        if all(g in xy for g in pv):
            return {g: MunicipalityRef(pv[g], *xy[g]) for g in sorted(pv)}
    df = _municipalities(root)  # validates (and records) these bytes
    return {
        str(g): MunicipalityRef(str(p), float(x), float(y))
        for g, p, x, y in zip(df["gm_code"], df["pv_code"], df["x_rd_m"], df["y_rd_m"], strict=True)
    }


def municipality_index() -> dict[str, MunicipalityRef]:
    """gm_code -> (pv_code, x_rd_m, y_rd_m) of the 342 municipalities, by gm_code: what the
    weekly allocation needs of them (the codes a scenario may use, the provinces of the
    kansrijk_region family, the distances of links).

    Read with the csv module once these bytes are recorded as validated; pandas is then not
    imported, and it was 0.2-0.3 s of a cold ``coa-plan allocate`` that needs nothing else from
    it. Otherwise read from the frame :func:`load_municipalities` gives, which validates and
    records the bytes. The two readers give the same values (``tests/test_reference_data.py``).
    A fresh copy."""
    return dict(_municipality_index(data_dir()))


@lru_cache(maxsize=4)
def _provinces(root: Path) -> pd.DataFrame:
    import pandas as pd

    path = root / "provinces" / "provincies_2024.csv"
    pv = pd.read_csv(path)
    df = pv[["pv_code", "pv_name", "population_2024_01_01"]].rename(
        columns={"population_2024_01_01": "population"}
    )
    df = df.sort_values("pv_code").reset_index(drop=True)

    def validate() -> pd.DataFrame:
        from optimizer.reference_schemas import ProvinceSchema

        return ProvinceSchema.validate(df)

    return validated_once("provinces", _sha256(path), df, PROVINCE_DTYPES, validate)


@lru_cache(maxsize=8)
def _locations(path: Path, root: Path) -> pd.DataFrame:
    import pandas as pd

    df = pd.read_csv(path, dtype={"id": str, "gm_code": str})
    munis = _municipality_files(root)
    return validated_once(
        "locations",
        _sha256(path, *munis),  # the gm_codes are checked against the municipalities
        df,
        LOCATION_DTYPES,
        lambda: validate_locations(df, known_gm_codes=_municipalities(root)["gm_code"]),
    )


def validate_locations(df: pd.DataFrame, known_gm_codes: pd.Series | None = None) -> pd.DataFrame:
    """Validate a locations frame (always, with pandera); gm_code must exist among the
    municipalities. Raises ``pandera.errors.SchemaError``."""
    from optimizer.reference_schemas import validate_locations as check

    known = known_gm_codes if known_gm_codes is not None else load_municipalities()["gm_code"]
    return check(df, known)


def load_municipalities() -> pd.DataFrame:
    """342 municipalities: gm_code, gm_name, pv_code, population, x_rd_m, y_rd_m (by gm_code)."""
    return _municipalities(data_dir()).copy()


def load_provinces() -> pd.DataFrame:
    """12 provinces: pv_code, pv_name, population."""
    return _provinces(data_dir()).copy()


def load_locations(path: Path | None = None) -> pd.DataFrame:
    """Reception locations (default ``data/locations/locations.csv``), validated."""
    root = data_dir()
    p = Path(path) if path is not None else root / "locations" / "locations.csv"
    return _locations(p.resolve(), root).copy()


def load_municipality_shapes() -> geopandas.GeoDataFrame:
    """Municipality polygons (gm_code, gm_name, pv_code, geometry) in EPSG:28992, for maps."""
    import geopandas as gpd

    shapes = gpd.read_file(data_dir() / "municipalities" / "gemeenten_2024.geojson")
    pv = load_municipalities()[["gm_code", "pv_code"]]
    shapes = shapes.merge(pv, on="gm_code", how="left", validate="1:1")
    shapes = shapes[["gm_code", "gm_name", "pv_code", "geometry"]].to_crs(RD_NEW)
    return shapes.sort_values("gm_code").reset_index(drop=True)


def distance_km(
    x1: np.ndarray | float, y1: np.ndarray | float, x2: np.ndarray | float, y2: np.ndarray | float
) -> np.ndarray:
    """Straight-line distance in km between RD New points (metres), broadcasting like numpy."""
    import numpy as np

    dx = np.asarray(x1, dtype=float) - np.asarray(x2, dtype=float)
    dy = np.asarray(y1, dtype=float) - np.asarray(y2, dtype=float)
    return np.hypot(dx, dy) / 1000.0


def distance_matrix_km(from_xy: np.ndarray, to_xy: np.ndarray) -> np.ndarray:
    """Pairwise straight-line km between RD points ``from_xy`` (n, 2) and ``to_xy`` (m, 2)."""
    import numpy as np

    a = np.asarray(from_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(to_xy, dtype=float).reshape(-1, 2)
    return distance_km(a[:, 0][:, None], a[:, 1][:, None], b[:, 0][None, :], b[:, 1][None, :])


def __getattr__(name: str) -> Any:
    """The schemas by their old names here (``reference_data.MunicipalitySchema``), imported on
    first use."""
    if name in ("MunicipalitySchema", "ProvinceSchema", "LocationSchema"):
        from optimizer import reference_schemas

        return getattr(reference_schemas, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
