"""GIS layers: GeoPackage in RD New with all 342 municipalities for the national check, GeoJSON
in WGS84, locations as points at their own coordinates or flagged at the municipality centroid."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from optimizer.quotas.check import check_quotas
from optimizer.quotas.example import example_status
from optimizer.tables.gis import CENTROID, OWN, write_plan_layers, write_quota_layers
from tests.builders import AMSTERDAM, WESTERWOLDE, hh, loc, muni, scenario, solve


def test_national_quota_check_geopackage(tmp_path: Path) -> None:
    res = check_quotas(example_status(weeks_left=12))
    (path,) = write_quota_layers(res, tmp_path / "check.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"municipalities", "provinces"}
    g = gpd.read_file(path, layer="municipalities")
    assert g.crs.to_epsg() == 28992 and len(g) == 342
    assert g["shortfall"].notna().all() and g["municipality_name"].notna().all()
    assert g.total_bounds[0] > 0 and g.total_bounds[3] > 500_000  # metres, RD New
    p = gpd.read_file(path, layer="provinces")
    assert len(p) == 12 and set(p["province_name"]) >= {"Noord-Holland", "Fryslân"}
    gj = write_quota_layers(res, tmp_path / "check.geojson")
    w = gpd.read_file(gj[0])
    assert w.crs.to_epsg() == 4326 and len(w) == 342
    assert 3 < w.total_bounds[0] < 4 and 53 < w.total_bounds[3] < 54  # degrees


def test_plan_layers_points_own_or_centroid(tmp_path: Path) -> None:
    s = scenario(
        [
            loc("L001", WESTERWOLDE, "col", 20, 2),
            loc("A1", AMSTERDAM, "azc", 20, 5, x_rd_m=121_000.0, y_rd_m=490_000.0),
        ],
        [hh("a1", "L001"), hh("s1", "A1", "status_holder")],
        [muni(AMSTERDAM, quota=10)],
    )
    plan = solve(s)
    (path,) = write_plan_layers(plan, s, tmp_path / "plan.gpkg")
    pts = gpd.read_file(path, layer="locations").set_index("location")
    assert pts.crs.to_epsg() == 28992
    assert pts.at["A1", "position"] == OWN
    assert (pts.geometry["A1"].x, pts.geometry["A1"].y) == pytest.approx((121_000.0, 490_000.0))
    assert pts.at["L001", "position"] == CENTROID
    munis = gpd.read_file(path, layer="municipalities")
    assert len(munis) == 342
    ams = munis.set_index("gm_code").loc[AMSTERDAM]
    assert ams["quota"] == 10 and ams["linked_persons_this_week"] == plan.kpis.links_persons
