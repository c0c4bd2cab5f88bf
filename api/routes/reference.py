"""Bundled reference data: municipalities (with GeoJSON shapes), provinces, locations."""

from __future__ import annotations

import json
from functools import lru_cache

from fastapi import APIRouter, Response

from api.deps import AnyUser, Province, scope_province
from api.errors import ERRORS
from api.schemas import LocationOut, MunicipalityOut, ProvinceOut
from optimizer.reference_data import (
    data_dir,
    load_locations,
    load_municipalities,
    load_provinces,
)

router = APIRouter(prefix="/v1/reference", tags=["reference"])


@lru_cache(maxsize=1)
def _geojson() -> bytes:
    """The 2024 municipality shapes (WGS84) with pv_code added to the properties."""
    pv = {r.gm_code: r.pv_code for r in load_municipalities().itertuples()}
    doc = json.loads((data_dir() / "municipalities" / "gemeenten_2024.geojson").read_bytes())
    for f in doc["features"]:
        f["properties"]["pv_code"] = pv.get(f["properties"]["gm_code"])
    return json.dumps(doc, separators=(",", ":")).encode()


@lru_cache(maxsize=1)
def _locations() -> list[LocationOut]:
    import pandas as pd

    cbs = pd.read_csv(data_dir() / "municipalities" / "gemeenten_2024.csv",
                      usecols=["gm_code", "pv_code", "centroid_lat", "centroid_lon"])
    df = load_locations().merge(cbs, on="gm_code", how="left", validate="m:1")
    return [
        LocationOut(id=r.id, name=r.name, gm_code=r.gm_code, pv_code=r.pv_code, kind=r.kind,
                    capacity=int(r.capacity), residents=int(r.residents),
                    lat=float(r.centroid_lat), lon=float(r.centroid_lon))
        for r in df.itertuples()
    ]


@router.get("/municipalities", response_model=list[MunicipalityOut], responses=ERRORS(401))
def municipalities(_: AnyUser) -> list[MunicipalityOut]:
    """The 342 CBS 2024 municipalities (public data)."""
    df = load_municipalities()
    return [MunicipalityOut(gm_code=r.gm_code, gm_name=r.gm_name, pv_code=r.pv_code,
                            population=int(r.population)) for r in df.itertuples()]


@router.get(
    "/municipalities.geojson", responses={**ERRORS(401), 200: {"content": {"application/geo+json": {}}}}
)
def municipalities_geojson(_: AnyUser) -> Response:
    """Municipality shapes as GeoJSON (public geography, drawn by the planner's page)."""
    return Response(_geojson(), media_type="application/geo+json")


@router.get("/provinces", response_model=list[ProvinceOut], responses=ERRORS(401))
def provinces(_: AnyUser) -> list[ProvinceOut]:
    """The 12 provinces."""
    return [ProvinceOut(pv_code=r.pv_code, pv_name=r.pv_name, population=int(r.population))
            for r in load_provinces().itertuples()]


@router.get("/locations", response_model=list[LocationOut], responses=ERRORS(401, 403))
def locations(who: AnyUser, province: Province = None) -> list[LocationOut]:
    """Reception locations (supervisors: those in their province)."""
    pv = scope_province(who, province)
    return [x for x in _locations() if pv is None or x.pv_code == pv]
