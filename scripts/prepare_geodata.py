"""Compute one RD New (EPSG:28992) point per municipality.

Reads ``data/municipalities/gemeenten_2024.geojson`` (WGS84) and writes
``data/municipalities/points_rd.csv`` with columns ``gm_code, x_rd_m, y_rd_m``: the area centroid
when it lies inside the polygon, else the representative (interior) point. Prints the maximum
difference against the ``centroid_x_rd``/``centroid_y_rd`` columns of ``gemeenten_2024.csv`` as a
sanity check.

Run from the repository root: ``.venv/bin/python scripts/prepare_geodata.py``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "municipalities"
RD_NEW = "EPSG:28992"


def compute_points(shapes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return gm_code, x_rd_m, y_rd_m plus diagnostics for every municipality."""
    rd = shapes.to_crs(RD_NEW).sort_values("gm_code").reset_index(drop=True)
    centroid = rd.geometry.centroid
    interior = rd.geometry.representative_point()
    inside = centroid.within(rd.geometry)
    point = centroid.where(inside, interior)
    return pd.DataFrame(
        {
            "gm_code": rd["gm_code"],
            "x_rd_m": point.x.round(1),
            "y_rd_m": point.y.round(1),
            "centroid_x": centroid.x,
            "centroid_y": centroid.y,
            "centroid_inside": inside,
        }
    )


def main() -> None:
    """Compute the points, write the CSV and print sanity checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    data_dir: Path = args.data_dir

    shapes = gpd.read_file(data_dir / "gemeenten_2024.geojson")
    pts = compute_points(shapes)
    out = data_dir / "points_rd.csv"
    pts[["gm_code", "x_rd_m", "y_rd_m"]].to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {out} ({len(pts)} municipalities)")

    ref = pd.read_csv(data_dir / "gemeenten_2024.csv")[
        ["gm_code", "centroid_x_rd", "centroid_y_rd"]
    ]
    m = pts.merge(ref, on="gm_code", how="outer", validate="1:1", indicator=True)
    if (m["_merge"] != "both").any():
        raise SystemExit("gm_code sets differ between geojson and csv")
    d_centroid = np.hypot(
        m["centroid_x"] - m["centroid_x_rd"], m["centroid_y"] - m["centroid_y_rd"]
    )
    d_point = np.hypot(m["x_rd_m"] - m["centroid_x_rd"], m["y_rd_m"] - m["centroid_y_rd"])
    print(f"max |centroid - csv centroid|      : {d_centroid.max():.1f} m")
    outside = m.loc[~m["centroid_inside"], "gm_code"].tolist()
    print(
        f"centroid outside polygon ({len(outside)}): {', '.join(outside)} -> representative point"
    )
    print(f"max |written point - csv centroid| : {d_point.max():.1f} m")


if __name__ == "__main__":
    main()
