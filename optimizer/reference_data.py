"""Loaders for the bundled reference data (municipalities, provinces, locations), with pandera.

The data directory is ``<repo>/data`` unless the environment variable ``COA_DATA_DIR`` points
elsewhere.
Loaded frames are cached; every call returns a fresh copy.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

if TYPE_CHECKING:
    import geopandas

LOCATION_KINDS: tuple[str, ...] = (
    "col",
    "gvl",
    "pol",
    "azc",
    "gezinslocatie",
    "vbl",
    "amv",
    "htl",
    "ebtl",
    "noodopvang",
)
RD_NEW = "EPSG:28992"
GM_CODE_RE = r"^GM\d{4}$"
PV_CODE_RE = r"^PV(2\d|3[01])$"


def data_dir() -> Path:
    """Return the data directory (``COA_DATA_DIR`` or ``<repo>/data``)."""
    env = os.environ.get("COA_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "data"


class MunicipalitySchema(pa.DataFrameModel):
    """One row per 2024 municipality with its RD New reference point."""

    gm_code: Series[str] = pa.Field(str_matches=GM_CODE_RE, unique=True)
    gm_name: Series[str] = pa.Field(str_length={"min_value": 1})
    pv_code: Series[str] = pa.Field(str_matches=PV_CODE_RE)
    population: Series[int] = pa.Field(gt=0)
    x_rd_m: Series[float] = pa.Field(ge=0, le=300_000)
    y_rd_m: Series[float] = pa.Field(ge=289_000, le=629_000)

    class Config:
        strict = True
        coerce = True


class ProvinceSchema(pa.DataFrameModel):
    """One row per province."""

    pv_code: Series[str] = pa.Field(str_matches=PV_CODE_RE, unique=True)
    pv_name: Series[str] = pa.Field(str_length={"min_value": 1})
    population: Series[int] = pa.Field(gt=0)

    class Config:
        strict = True
        coerce = True


class LocationSchema(pa.DataFrameModel):
    """One row per reception location (see data/locations/README.md)."""

    id: Series[str] = pa.Field(str_matches=r"^L\d{3,}$", unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True)
    gm_code: Series[str] = pa.Field(str_matches=GM_CODE_RE)
    kind: Series[str] = pa.Field(isin=list(LOCATION_KINDS))
    capacity: Series[int] = pa.Field(gt=0)
    residents: Series[int] = pa.Field(ge=0)
    accepts_families: Series[bool]
    accepts_amv: Series[bool]
    school_nearby: Series[bool]
    cost_per_bed_day: Series[float] = pa.Field(gt=0)
    origin: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


@lru_cache(maxsize=4)
def _municipalities(root: Path) -> pd.DataFrame:
    gm = pd.read_csv(root / "municipalities" / "gemeenten_2024.csv", dtype={"gm_code": str})
    pts = pd.read_csv(root / "municipalities" / "points_rd.csv", dtype={"gm_code": str})
    df = gm[["gm_code", "gm_name", "pv_code", "population_2024_01_01"]].rename(
        columns={"population_2024_01_01": "population"}
    )
    df = df.merge(pts, on="gm_code", how="left", validate="1:1")
    df = df.sort_values("gm_code").reset_index(drop=True)
    return MunicipalitySchema.validate(df)


@lru_cache(maxsize=4)
def _provinces(root: Path) -> pd.DataFrame:
    pv = pd.read_csv(root / "provinces" / "provincies_2024.csv")
    df = pv[["pv_code", "pv_name", "population_2024_01_01"]].rename(
        columns={"population_2024_01_01": "population"}
    )
    return ProvinceSchema.validate(df.sort_values("pv_code").reset_index(drop=True))


@lru_cache(maxsize=8)
def _locations(path: Path, root: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"id": str, "gm_code": str})
    return validate_locations(df, known_gm_codes=_municipalities(root)["gm_code"])


def validate_locations(df: pd.DataFrame, known_gm_codes: pd.Series | None = None) -> pd.DataFrame:
    """Validate a locations frame; gm_code must exist among the municipalities."""
    out = LocationSchema.validate(df)
    known = known_gm_codes if known_gm_codes is not None else load_municipalities()["gm_code"]
    unknown = sorted(set(out["gm_code"]) - set(known))
    if unknown:
        raise pa.errors.SchemaError(
            schema=LocationSchema.to_schema(),
            data=out,
            message=f"column 'gm_code': unknown municipality codes {unknown}",
        )
    return out


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
    dx = np.asarray(x1, dtype=float) - np.asarray(x2, dtype=float)
    dy = np.asarray(y1, dtype=float) - np.asarray(y2, dtype=float)
    return np.hypot(dx, dy) / 1000.0


def distance_matrix_km(from_xy: np.ndarray, to_xy: np.ndarray) -> np.ndarray:
    """Pairwise straight-line km between RD points ``from_xy`` (n, 2) and ``to_xy`` (m, 2)."""
    a = np.asarray(from_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(to_xy, dtype=float).reshape(-1, 2)
    return distance_km(a[:, 0][:, None], a[:, 1][:, None], b[:, 0][None, :], b[:, 1][None, :])
