"""Tests for the bundled reference data and its loaders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from optimizer.reference_data import (
    LOCATION_KINDS,
    distance_km,
    distance_matrix_km,
    load_locations,
    load_municipalities,
    load_provinces,
    validate_locations,
)

REPO = Path(__file__).resolve().parent.parent
LOCATIONS_CSV = REPO / "data" / "locations" / "locations.csv"


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    return load_municipalities()


@pytest.fixture(scope="module")
def locations() -> pd.DataFrame:
    return load_locations()


def test_municipalities_count_and_population(municipalities: pd.DataFrame) -> None:
    assert len(municipalities) == 342
    assert municipalities["gm_code"].is_unique
    assert municipalities["gm_code"].is_monotonic_increasing
    assert int(municipalities["population"].sum()) == 17_942_942
    assert list(municipalities.columns) == [
        "gm_code",
        "gm_name",
        "pv_code",
        "population",
        "x_rd_m",
        "y_rd_m",
    ]


def test_provinces(municipalities: pd.DataFrame) -> None:
    provinces = load_provinces()
    assert len(provinces) == 12
    assert set(provinces["pv_code"]) == set(municipalities["pv_code"])
    per_pv = municipalities.groupby("pv_code")["population"].sum()
    assert (per_pv.reindex(provinces["pv_code"]).to_numpy() == provinces["population"]).all()


def test_loaders_return_copies() -> None:
    a = load_municipalities()
    a.loc[0, "gm_name"] = "changed"
    assert load_municipalities().loc[0, "gm_name"] != "changed"


def test_locations_reference_real_municipalities(
    locations: pd.DataFrame, municipalities: pd.DataFrame
) -> None:
    assert set(locations["gm_code"]) <= set(municipalities["gm_code"])
    assert (locations["capacity"] > 0).all()
    assert (locations["residents"] >= 0).all()
    not_central = ~locations["kind"].isin(["col", "gvl"])
    assert (locations.loc[not_central, "residents"] <= locations.loc[not_central, "capacity"]).all()
    assert locations.groupby("gm_code").size().max() <= 3


def test_location_kinds(locations: pd.DataFrame) -> None:
    assert set(locations["kind"]) <= set(LOCATION_KINDS)
    assert 200 <= len(locations) <= 300
    counts = locations["kind"].value_counts()
    assert counts.get("gvl", 0) + counts.get("col", 0) >= 1
    assert 70 <= counts["azc"] <= 90
    assert 120 <= counts["noodopvang"] <= 140
    assert (locations["accepts_amv"] == (locations["kind"] == "amv")).all()
    assert 60_000 <= locations["capacity"].sum() <= 75_000


def test_ter_apel(locations: pd.DataFrame) -> None:
    ter_apel = locations[(locations["gm_code"] == "GM1950") & (locations["kind"] == "gvl")]
    assert len(ter_apel) == 1
    assert int(ter_apel["capacity"].iloc[0]) == 2000
    assert int(ter_apel["residents"].iloc[0]) == 1950


def test_distance_groningen_maastricht(municipalities: pd.DataFrame) -> None:
    xy = municipalities.set_index("gm_code")[["x_rd_m", "y_rd_m"]]
    g, m = xy.loc["GM0014"], xy.loc["GM0935"]
    d = float(distance_km(g["x_rd_m"], g["y_rd_m"], m["x_rd_m"], m["y_rd_m"]))
    # Real crow-flies distance Groningen-Maastricht is ~270 km (road ~330 km).
    assert 250 <= d <= 290


def test_distance_matrix_symmetric(municipalities: pd.DataFrame) -> None:
    xy = municipalities[["x_rd_m", "y_rd_m"]].to_numpy()[:50]
    d = distance_matrix_km(xy, xy)
    assert d.shape == (50, 50)
    np.testing.assert_allclose(d, d.T)
    np.testing.assert_allclose(np.diag(d), 0.0)
    assert distance_matrix_km(xy[:3], xy[:7]).shape == (3, 7)


def test_generator_is_reproducible(tmp_path: Path) -> None:
    out = tmp_path / "locations.csv"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_locations.py"), "--out", str(out)],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    assert out.read_bytes() == LOCATIONS_CSV.read_bytes()
    assert len(load_locations(out)) == len(load_locations())


def test_schema_rejects_bad_kind(locations: pd.DataFrame) -> None:
    bad = locations.copy()
    bad.loc[bad.index[0], "kind"] = "hotel"
    with pytest.raises(pa.errors.SchemaError, match="kind"):
        validate_locations(bad)


def test_schema_rejects_unknown_municipality(locations: pd.DataFrame) -> None:
    bad = locations.copy()
    bad.loc[bad.index[0], "gm_code"] = "GM9999"
    with pytest.raises(pa.errors.SchemaError, match="gm_code"):
        validate_locations(bad)


def _fresh(monkeypatch: pytest.MonkeyPatch, cache: Path, data: Path | None = None) -> None:
    from optimizer import reference_data as rd

    monkeypatch.setenv("COA_CACHE_DIR", str(cache))
    if data is not None:
        monkeypatch.setenv("COA_DATA_DIR", str(data))
    for f in (rd._municipalities, rd._provinces, rd._locations, rd._municipality_index):
        f.cache_clear()


def test_validated_once_then_read_with_the_same_dtypes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load validates and records the files' hash; later loads skip pandera and give
    exactly the frames the schemas' coercion gives."""
    from optimizer import reference_schemas

    _fresh(monkeypatch, tmp_path)
    first = (load_municipalities(), load_provinces(), load_locations())
    assert len(list((tmp_path / "validated").iterdir())) == 3

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("validated again")

    for schema in ("MunicipalitySchema", "ProvinceSchema", "LocationSchema"):
        monkeypatch.setattr(getattr(reference_schemas, schema), "validate", refuse)
    _fresh(monkeypatch, tmp_path)
    again = (load_municipalities(), load_provinces(), load_locations())
    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("load", ["load_municipalities", "municipality_index"])
def test_a_changed_file_is_validated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: str
) -> None:
    """Also before the weekly allocation's index reads the files with the csv module."""
    import shutil

    from optimizer import reference_data as rd

    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "municipalities", data / "municipalities")
    _fresh(monkeypatch, tmp_path / "cache", data)
    getattr(rd, load)()  # the bundled bytes: validated and recorded
    gm = data / "municipalities" / "gemeenten_2024.csv"
    df = pd.read_csv(gm, dtype={"gm_code": str})
    df.loc[0, "population_2024_01_01"] = -5
    df.to_csv(gm, index=False)
    _fresh(monkeypatch, tmp_path / "cache", data)
    with pytest.raises(pa.errors.SchemaError, match="population"):
        getattr(rd, load)()


def test_the_municipality_index_is_read_without_pandas_once_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The weekly allocation's view of the municipalities (province, RD point) is the validated
    frame's, whether it comes from the frame (first use) or from the csv module (later uses)."""
    from optimizer import reference_data as rd

    _fresh(monkeypatch, tmp_path)
    first = rd.municipality_index()  # validates and records the bytes through the frame
    df = load_municipalities()
    expected = {
        g: (p, x, y)
        for g, p, x, y in zip(df["gm_code"], df["pv_code"], df["x_rd_m"], df["y_rd_m"], strict=True)
    }
    assert {g: tuple(r) for g, r in first.items()} == expected
    assert list(first) == sorted(expected)

    def refuse(*_: object) -> None:
        raise AssertionError("read through pandas")

    _fresh(monkeypatch, tmp_path)
    monkeypatch.setattr(rd, "_municipalities", refuse)
    again = rd.municipality_index()
    assert again == first
    assert all(type(r.x_rd_m) is float and type(r.pv_code) is str for r in again.values())

