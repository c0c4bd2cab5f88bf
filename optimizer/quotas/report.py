"""Writers for the quota results: JSON, CSV and a choropleth PNG per province coloured by pace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from optimizer.quotas.documents import LadderStage, ProvincialVariant, QuotaCheck

STAGE_COLOURS: dict[str, str] = {  # Okabe-Ito: safe for every common form of colour blindness
    LadderStage.on_track: "#56B4E9",  # sky blue
    LadderStage.behind: "#E69F00",  # orange
    LadderStage.far_behind: "#D55E00",  # vermillion
}
STAGE_LABELS: dict[str, str] = {
    LadderStage.on_track: "on track so far",
    LadderStage.behind: "behind so far",
    LadderStage.far_behind: "far behind so far",
}
NOT_IN_STATUS = "#d9d9d9"
MISS_LABEL = "will miss its target by the end\nof the half-year"


def write_json(doc: BaseModel, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def rows_frame(rows: list[BaseModel]) -> pd.DataFrame:
    """Rows of a result document as a flat frame (lists become ';'-joined strings)."""
    recs = []
    for r in rows:
        rec = r.model_dump(mode="json")
        for k, v in rec.items():
            if isinstance(v, list):
                rec[k] = ";".join(str(x) for x in v)
        recs.append(rec)
    return pd.DataFrame(recs)


def write_csv(rows: list[BaseModel], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows_frame(rows).to_csv(path, index=False)
    return path


def write_check(
    result: QuotaCheck, out_dir: Path, stem: str = "quota_check", excel: bool = False
) -> list[Path]:
    """JSON of the whole result plus CSVs per municipality and per province, names beside the
    codes (``excel``: ';', decimal commas and a BOM for Dutch Excel)."""
    return _write_result(result, out_dir, stem, excel)


def write_variant(
    result: ProvincialVariant, out_dir: Path, stem: str = "quota_6_3_2", excel: bool = False
) -> list[Path]:
    return _write_result(result, out_dir, stem, excel)


def _write_result(
    result: QuotaCheck | ProvincialVariant, out_dir: Path, stem: str, excel: bool
) -> list[Path]:
    from optimizer.tables.csvio import write_frame
    from optimizer.tables.frames import quota_check_frames

    frames = quota_check_frames(result)
    return [
        write_json(result, out_dir / f"{stem}.json"),
        write_frame(frames["municipalities"], out_dir / f"{stem}_municipalities.csv", excel),
        write_frame(frames["provinces"], out_dir / f"{stem}_provinces.csv", excel),
    ]


def pace_map(result: QuotaCheck, pv_code: str | None, path: Path) -> Path:
    """Choropleth of one province (or the country if ``pv_code`` is None) for a supervisor.

    Colour: the ladder stage of the pace so far (realised + pipeline against the time elapsed),
    in a colour-blind-safe palette. Hatched and named: municipalities that will miss their target
    by the end of the half-year (best reachable < target) - a forecast, so a municipality can be
    on track so far and still miss it (the legend says "so far" and "will miss"). Province
    borders and a scale bar (RD New metres) orient the reader.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from optimizer.reference_data import load_municipality_shapes

    shapes = load_municipality_shapes()
    provinces = province_outlines(shapes)
    if pv_code is not None:
        shapes = shapes[shapes["pv_code"] == pv_code]
    rows = pd.DataFrame(
        [
            {
                "gm_code": m.gm_code,
                "stage": m.ladder_stage.value,
                "short": m.shortfall > 0,
                "shortfall": m.shortfall,
            }
            for m in result.municipalities
        ],
        columns=["gm_code", "stage", "short", "shortfall"],
    )
    gdf = shapes.merge(rows, on="gm_code", how="left")
    gdf["colour"] = gdf["stage"].map(STAGE_COLOURS).fillna(NOT_IN_STATUS)
    plt.rcParams["hatch.linewidth"] = 0.6
    plt.rcParams["hatch.color"] = "#333333"
    fig, ax = plt.subplots(figsize=(9, 9) if pv_code else (9, 10.5), dpi=110)
    gdf.plot(ax=ax, color=gdf["colour"], edgecolor="white", linewidth=0.4)
    short = gdf[gdf["short"].fillna(False).astype(bool)]
    if len(short):
        short.plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="///", linewidth=0.4)
    xmin, ymin, xmax, ymax = gdf.total_bounds
    pad = 0.04 * max(xmax - xmin, ymax - ymin)
    provinces.boundary.plot(ax=ax, color="#333333", linewidth=1.1 if pv_code else 0.8)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    _label_misses(ax, short, limit=15)
    _scale_bar(ax, xmin - pad, ymin - pad, xmax - xmin)
    ax.set_axis_off()
    ax.set_aspect("equal")
    counts = gdf["stage"].value_counts()
    handles: list[Patch | Line2D] = [
        Patch(facecolor=STAGE_COLOURS[s], label=f"{STAGE_LABELS[s]} ({int(counts.get(s, 0))})")
        for s in (LadderStage.on_track, LadderStage.behind, LadderStage.far_behind)
    ]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="#333333",
            hatch="///",
            label=f"{MISS_LABEL} ({len(short)}; the 15\nlargest shortfalls named)",
        )
    )
    if gdf["stage"].isna().any():
        handles.append(Patch(facecolor=NOT_IN_STATUS, label="not in the status file"))
    handles.append(Line2D([0], [0], color="#333333", linewidth=1.1, label="province border"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        title="pace so far: (housed + linked) / share\nof the target due by now",
        title_fontsize=8,
        frameon=False,
    )
    if pv_code is not None:
        prov = next((p for p in result.provinces if p.pv_code == pv_code), None)
        name = f"{pv_code} {prov.pv_name}" if prov else pv_code
        extra = f": {prov.shortfall:,} persons short of {prov.target:,}" if prov else ""
    else:
        name = "Netherlands"
        extra = f": {sum(p.shortfall for p in result.provinces):,} persons short"
    ax.set_title(
        f"Taakstelling {result.half_year}, {result.weeks_left} weeks left - {name}{extra}",
        fontsize=11,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def province_outlines(shapes: pd.DataFrame) -> pd.DataFrame:
    """Province polygons as the union of their municipalities (so borders meet exactly)."""
    valid = shapes[["pv_code", "geometry"]].copy()
    valid["geometry"] = valid.geometry.make_valid().buffer(0)
    return valid.dissolve(by="pv_code").reset_index()


def _label_misses(ax: object, short: pd.DataFrame, limit: int) -> None:
    """Names of the municipalities that will miss their target (largest shortfalls first)."""
    import matplotlib.patheffects as pe

    top = short.sort_values("shortfall", ascending=False).head(limit)
    for _, r in top.iterrows():
        pt = r.geometry.representative_point()
        ax.annotate(  # type: ignore[attr-defined]
            f"{r['gm_name']} (-{int(r['shortfall'])})",
            (pt.x, pt.y),
            fontsize=6.5,
            fontweight="bold",
            ha="center",
            va="center",
            color="black",
            path_effects=[pe.withStroke(linewidth=2.2, foreground="white")],
        )


def _scale_bar(ax: object, x0: float, y0: float, width_m: float) -> None:
    """A scale bar in the lower left: 10, 20 or 50 km depending on the map's width."""
    km = 10 if width_m < 120_000 else (20 if width_m < 200_000 else 50)
    x, y = x0 + 0.05 * width_m, y0 + 0.03 * width_m
    ax.plot([x, x + km * 1000], [y, y], color="black", linewidth=3, solid_capstyle="butt")  # type: ignore[attr-defined]
    ax.text(x + km * 500, y + 0.012 * width_m, f"{km} km", ha="center", fontsize=8)  # type: ignore[attr-defined]
