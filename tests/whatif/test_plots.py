"""What-if plots: band lines, ISO weeks on the time axis, percentages, the run's scale."""

from __future__ import annotations

import pandas as pd

from optimizer.whatif.report import plot_over_time


def _weekly() -> pd.DataFrame:
    rows = []
    for inflow in ("steady", "2015-peak"):
        for t in range(8):
            rows.append({"variant": "no new site", "inflow": inflow, "seed": 1, "week": t,
                         "iso_week": f"2026-W{36 + t}", "occupancy_total": 0.8 + t / 100,
                         "beds_short": 10 * t})
    return pd.DataFrame(rows)


def test_occupancy_plot_has_band_iso_weeks_and_percentages() -> None:
    fig = plot_over_time(_weekly(), "occupancy_total", "occupancy", "Occupancy",
                         band=(0.85, 0.91), scale=0.1)
    ax = fig.axes[0]
    levels = sorted({round(line.get_ydata()[0], 4) for line in ax.get_lines()
                     if len(set(line.get_ydata())) == 1})
    assert levels == [0.85, 0.91]
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "2026-W36" and all(t.startswith("2026-W") for t in ticks)
    assert all(t.get_text().endswith("%") for t in ax.get_yticklabels() if t.get_text())
    assert "scale 0.1" in fig._suptitle.get_text()


def test_shortage_plot_no_band_no_scale_note_at_national_scale() -> None:
    fig = plot_over_time(_weekly(), "beds_short", "persons", "Beds short", scale=1.0)
    ax = fig.axes[0]
    assert all(len(set(line.get_ydata())) > 1 for line in ax.get_lines())
    assert "scale" not in fig._suptitle.get_text()
