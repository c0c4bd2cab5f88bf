"""Side-by-side comparison of variants: totals per run and per (variant, inflow), CSV/JSON and PNGs.

Totals of a run: flows summed over the weeks (arrivals, moves, distance, cost), stocks as mean,
peak or end value. ``emergency_person_weeks`` sums ``beds_short`` over the weeks (persons in
emergency reception at each week's end), ``peak_beds_short`` is its maximum.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

RUN = ["variant", "inflow", "seed"]
SUMS = [
    "arrivals_persons",
    "left_rejected_persons",
    "housed_persons",
    "moves_persons",
    "moves_school_age_children",
    "distance_person_km",
    "links_persons",
    "bed_cost_eur",
    "site_fixed_eur",
    "emergency_eur",
    "cost_eur",
]


def run_totals(weekly: pd.DataFrame) -> pd.DataFrame:
    """One row per run (variant, inflow, seed)."""
    g = weekly.sort_values("week").groupby(RUN, sort=True)
    out = g[SUMS].sum()
    out["emergency_person_weeks"] = g["beds_short"].sum()
    out["peak_beds_short"] = g["beds_short"].max()
    out["beds_short_end"] = g["beds_short"].last()
    out["residents_end"] = g["residents"].last()
    out["occupancy_mean"] = g["occupancy_total"].mean().round(4)
    out["occupancy_peak"] = g["occupancy_total"].max()
    out["status_holders_over_target_end"] = g["status_holders_over_target_persons"].last()
    out["status_holders_over_target_person_weeks"] = g["status_holders_over_target_persons"].sum()
    out["weeks"] = g["week"].count()
    return out.reset_index()


def compare(weekly: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """Mean over seeds per (variant, inflow); with ``baseline``, the difference to it as well."""
    totals = run_totals(weekly)
    cols = [c for c in totals.columns if c not in RUN]
    table = totals.groupby(["variant", "inflow"], sort=False)[cols].mean()
    table.insert(0, "seeds", totals.groupby(["variant", "inflow"], sort=False)["seed"].count())
    table = table.reset_index()
    if baseline is not None and baseline in set(table["variant"]):
        base = table[table["variant"] == baseline].set_index("inflow")
        for c in ("emergency_person_weeks", "cost_eur", "moves_persons", "distance_person_km"):
            table[f"{c}_vs_{_slug(baseline)}"] = table.apply(
                lambda r, c=c: r[c] - base.at[r["inflow"], c], axis=1
            )
    return table


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")


def write_tables(
    weekly: pd.DataFrame, out: Path, baseline: str | None = None, excel: bool = False
) -> dict[str, Path]:
    """``weekly.csv``, ``runs.csv``, ``comparison.csv`` and ``comparison.json`` under ``out``
    (``excel``: CSV for Dutch Excel, ';' decimal commas and a BOM)."""
    from optimizer.tables.csvio import write_frame

    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "weekly": out / "weekly.csv",
        "runs": out / "runs.csv",
        "comparison_csv": out / "comparison.csv",
        "comparison_json": out / "comparison.json",
    }
    write_frame(weekly, paths["weekly"], excel)
    write_frame(run_totals(weekly), paths["runs"], excel)
    table = compare(weekly, baseline)
    write_frame(table, paths["comparison_csv"], excel)
    paths["comparison_json"].write_text(
        json.dumps(json.loads(table.to_json(orient="records")), indent=1), encoding="utf-8"
    )
    return paths


def plot_over_time(
    weekly: pd.DataFrame,
    column: str,
    ylabel: str,
    title: str,
    *,
    band: tuple[float, float] | None = None,
    scale: float | None = None,
) -> Figure:
    """One panel per inflow, one line per variant (mean over seeds) of ``column`` by ISO week.

    Occupancy columns get a percentage axis and the band lines (``band``, default 85 % and 91 %);
    a run at a scale other than 1.0 says so in the title (its figures are that share of the
    national ones). A plain :class:`Figure` (no pyplot, no global backend): it renders with Agg
    when saved and shows inline in a notebook.
    """
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    inflows = list(dict.fromkeys(weekly["inflow"]))
    fig = Figure(figsize=(5.5 * len(inflows), 4.0))
    axes = fig.subplots(1, len(inflows), sharey=True, squeeze=False)
    mean = weekly.groupby(["inflow", "variant", "week"], sort=False)[column].mean().reset_index()
    labels: dict[int, str] = {}
    if "iso_week" in weekly.columns:
        labels = dict(zip(weekly["week"].astype(int), weekly["iso_week"].astype(str), strict=False))
    occupancy = column.startswith("occupancy")
    lo, hi = band if band is not None else (0.85, 0.91)
    weeks = sorted(mean["week"].unique())
    step = max(1, len(weeks) // 6)
    for ax, inflow in zip(axes[0], inflows, strict=True):
        sub = mean[mean["inflow"] == inflow]
        for variant, grp in sub.groupby("variant", sort=False):
            ax.plot(grp["week"], grp[column], marker=".", label=str(variant))
        if occupancy:
            ax.axhline(lo, color="#555555", linestyle="--", linewidth=1)
            ax.axhline(hi, color="#555555", linestyle="--", linewidth=1)
            ax.axhspan(lo, hi, color="#56B4E9", alpha=0.12, linewidth=0)
            ax.text(weeks[0], hi, f" band {lo:.0%}-{hi:.0%}", va="bottom", fontsize=7,
                    color="#333333")
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_title(f"inflow: {inflow}")
        ax.set_xticks(weeks[::step])
        if labels:
            ax.set_xticklabels([labels.get(int(w), str(w)) for w in weeks[::step]], rotation=30,
                               ha="right", fontsize=8)
            ax.set_xlabel("ISO week")
        else:
            ax.set_xlabel("week of the horizon")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(ylabel)
    axes[0][-1].legend(fontsize=8)
    if scale is not None and scale != 1.0:
        title += f" (run at scale {scale:g}: figures are {scale:.0%} of the national ones)"
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def write_plots(
    weekly: pd.DataFrame,
    out: Path,
    *,
    band: tuple[float, float] | None = None,
    scale: float | None = None,
) -> dict[str, Path]:
    """``occupancy.png`` and ``shortage.png`` (per variant, one panel per inflow)."""
    out.mkdir(parents=True, exist_ok=True)
    figs = {
        "occupancy": plot_over_time(
            weekly, "occupancy_total", "occupancy (residents / beds)", "Occupancy over time",
            band=band, scale=scale,
        ),
        "shortage": plot_over_time(
            weekly,
            "beds_short",
            "persons in emergency reception",
            "Beds short (emergency reception) over time",
            scale=scale,
        ),
    }
    paths = {}
    for name, fig in figs.items():
        paths[name] = out / f"{name}.png"
        fig.savefig(paths[name], dpi=110)
    return paths
