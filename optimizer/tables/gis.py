"""GIS layers of the results, for supervisors' QGIS/ArcGIS: GeoPackage and GeoJSON.

* GeoPackage (``.gpkg``): EPSG:28992 (RD New, the Dutch national grid), several layers in one file.
* GeoJSON (``.geojson``): WGS84 (EPSG:4326, as RFC 7946 requires), one layer per file; a second
  layer goes to ``<stem>_<layer>.geojson`` beside it.

Municipalities are the CBS 2024 polygons with the result's per-municipality figures (all 342, the
figures blank where the result has none); locations are points at their own coordinates when the
scenario gives them (``x_rd_m``/``y_rd_m``), else at their municipality's reference point, flagged
in ``position``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from optimizer.reference_data import RD_NEW, load_municipalities

if TYPE_CHECKING:
    import geopandas as gpd

WGS84 = "EPSG:4326"
OWN = "own coordinates"
CENTROID = "municipality centroid (no own coordinates)"


def municipality_layer(figures: pd.DataFrame) -> gpd.GeoDataFrame:
    """The 342 municipality polygons joined with ``figures`` (one row per gm_code)."""
    from optimizer.reference_data import load_municipality_shapes
    from optimizer.tables.names import Names

    shapes = load_municipality_shapes()
    names = Names()
    shapes = shapes.rename(columns={"gm_name": "municipality_name"})
    shapes.insert(3, "province_name", shapes["pv_code"].map(names.province))
    drop = [c for c in ("municipality_name", "province_name", "pv_code") if c in figures.columns]
    out = shapes.merge(figures.drop(columns=drop), on="gm_code", how="left", validate="1:1")
    return out.set_geometry("geometry")


def province_shapes() -> gpd.GeoDataFrame:
    """The 12 province outlines (bundled, simplified) in RD New: pv_code, geometry."""
    import geopandas as gpd

    from optimizer.reference_data import data_dir

    g = gpd.read_file(data_dir() / "provinces" / "provincies_wgs84_simplified.geojson")
    return g[["pv_code", "geometry"]].to_crs(RD_NEW)


def location_layer(locations: pd.DataFrame, scenario: Any) -> gpd.GeoDataFrame:
    """Points of the locations sheet: own coordinates where given, else the municipality point."""
    import geopandas as gpd

    ref = load_municipalities().set_index("gm_code")
    own = {
        x.id: (x.x_rd_m, x.y_rd_m)
        for x in scenario.locations
        if getattr(x, "x_rd_m", None) is not None and getattr(x, "y_rd_m", None) is not None
    }
    gm = {x.id: x.gm_code for x in scenario.locations}
    xs, ys, src = [], [], []
    for loc in locations["location"]:
        if loc in own:
            x, y = own[loc]
            src.append(OWN)
        else:
            x, y = ref.at[gm[loc], "x_rd_m"], ref.at[gm[loc], "y_rd_m"]
            src.append(CENTROID)
        xs.append(float(x))
        ys.append(float(y))
    df = locations.copy()
    df["x_rd_m"], df["y_rd_m"], df["position"] = xs, ys, src
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(xs, ys), crs=RD_NEW)


def write_layers(layers: dict[str, gpd.GeoDataFrame], path: Path) -> list[Path]:
    """Write layers to ``.gpkg`` (all in one file, RD New) or ``.geojson`` (WGS84, one file per
    layer: the first at ``path``, the others as ``<stem>_<layer>.geojson``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        tmp = path.with_name(path.name + ".tmp.gpkg")
        tmp.unlink(missing_ok=True)
        for name, gdf in layers.items():
            _clean(gdf).to_crs(RD_NEW).to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        tmp.replace(path)
        return [path]
    if suffix == ".geojson":
        out = []
        for i, (name, gdf) in enumerate(layers.items()):
            target = path if i == 0 else path.with_name(f"{path.stem}_{name}.geojson")
            tmp = target.with_name(target.name + ".tmp")
            _clean(gdf).to_crs(WGS84).to_file(tmp, driver="GeoJSON", engine="pyogrio")
            tmp.replace(target)
            out.append(target)
        return out
    raise ValueError(f"{path}: a GIS layer is written to .gpkg or .geojson")


def _clean(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Columns the drivers store: object columns of mixed values as text."""
    out = gdf.copy()
    for c in out.columns:
        if c != out.geometry.name and out[c].dtype == object:
            vals = out[c]
            if not all(isinstance(v, str) or v is None for v in vals):
                out[c] = vals.map(lambda v: None if v is None or v != v else str(v))
    return out


def write_plan_layers(plan: Any, scenario: Any, path: Path) -> list[Path]:
    """The plan's per-municipality figures (polygons) and its locations (points)."""
    from optimizer.tables.frames import plan_frames

    frames = plan_frames(plan, scenario)
    links = frames["links"]
    munis = frames["municipalities"].copy()
    linked = links.groupby("gm_code")["persons"].sum() if len(links) else pd.Series(dtype=float)
    munis["linked_persons_this_week"] = munis["gm_code"].map(linked).fillna(0).astype(int)
    layers = {
        "municipalities": municipality_layer(munis),
        "locations": location_layer(frames["locations"], scenario),
    }
    return write_layers(layers, path)


def write_quota_layers(result: Any, path: Path) -> list[Path]:
    """The quota check (or 6.3.2 variant) per municipality (polygons) and per province (the
    union of its municipalities)."""
    from optimizer.tables.frames import quota_check_frames

    frames = quota_check_frames(result)
    munis = municipality_layer(frames["municipalities"])
    munis = munis[munis["pv_code"].isin(set(frames["provinces"]["pv_code"]))].reset_index(drop=True)
    provinces = province_shapes().merge(frames["provinces"], on="pv_code", how="inner")
    return write_layers({"municipalities": munis, "provinces": provinces}, path)
