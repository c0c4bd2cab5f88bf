"""Writers for the quota results: JSON, CSV and a choropleth PNG per province coloured by pace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from optimizer.quotas.documents import LadderStage, ProvincialVariant, QuotaCheck

STAGE_COLOURS: dict[str, str] = {
    LadderStage.on_track: "#1a9850",
    LadderStage.behind: "#fdae61",
    LadderStage.far_behind: "#d73027",
}
STAGE_LABELS: dict[str, str] = {
    LadderStage.on_track: "on track",
    LadderStage.behind: "behind",
    LadderStage.far_behind: "far behind",
}
NOT_IN_STATUS = "#d9d9d9"


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
    """Choropleth of one province (or the country if ``pv_code`` is None) coloured by ladder stage.

    Municipalities that will miss their target (best reachable < target) are hatched.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from optimizer.reference_data import load_municipality_shapes

    shapes = load_municipality_shapes()
    if pv_code is not None:
        shapes = shapes[shapes["pv_code"] == pv_code]
    rows = pd.DataFrame(
        [
            {"gm_code": m.gm_code, "stage": m.ladder_stage.value, "short": m.shortfall > 0}
            for m in result.municipalities
        ]
    )
    gdf = shapes.merge(rows, on="gm_code", how="left")
    gdf["colour"] = gdf["stage"].map(STAGE_COLOURS).fillna(NOT_IN_STATUS)
    fig, ax = plt.subplots(figsize=(8, 8) if pv_code else (9, 10), dpi=110)
    gdf.plot(ax=ax, color=gdf["colour"], edgecolor="white", linewidth=0.4)
    short = gdf[gdf["short"].fillna(False).astype(bool)]
    if len(short):
        short.plot(ax=ax, facecolor="none", edgecolor="#333333", hatch="///", linewidth=0.3)
    ax.set_axis_off()
    counts = rows.set_index("gm_code").reindex(gdf["gm_code"])["stage"].value_counts()
    handles = [
        Patch(facecolor=STAGE_COLOURS[s], label=f"{STAGE_LABELS[s]} ({int(counts.get(s, 0))})")
        for s in (LadderStage.on_track, LadderStage.behind, LadderStage.far_behind)
    ]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor="#333333",
            hatch="///",
            label=f"misses target ({len(short)})",
        )
    )
    if gdf["stage"].isna().any():
        handles.append(Patch(facecolor=NOT_IN_STATUS, label="not in status"))
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=8,
        title="pace (realised + pipeline)",
        frameon=False,
    )
    if pv_code is not None:
        prov = next((p for p in result.provinces if p.pv_code == pv_code), None)
        name = f"{pv_code} {prov.pv_name}" if prov else pv_code
        extra = f" - short {prov.shortfall} of {prov.target}" if prov else ""
    else:
        name = "Netherlands"
        extra = f" - short {sum(p.shortfall for p in result.provinces)}"
    ax.set_title(
        f"Taakstelling {result.half_year}, {result.weeks_left} weeks left: {name}{extra}",
        fontsize=11,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
