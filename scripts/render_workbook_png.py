"""Render one sheet of a workbook as a spreadsheet-like PNG (for the README), from its cells.

    .venv/bin/python scripts/render_workbook_png.py out/plan.xlsx --sheet moves -o docs/img/plan_workbook.png

No office suite needed: the cells are read with openpyxl (values and number formats) and drawn
with matplotlib as Excel shows them - column letters, row numbers, the bold header row, the
sheet tabs along the bottom with the shown sheet selected.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter


def shown(v: Any, fmt: str) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, int | float):
        if "%" in fmt:
            return f"{v:.1%}"
        if fmt.startswith("#,##0.0"):
            return f"{v:,.1f}"
        if fmt.startswith("#,##0"):
            return f"{v:,.0f}"
        return f"{v:.11g}" if isinstance(v, float) else str(v)  # as Excel's General shows it
    return str(v)


def render(path: Path, sheet: str, out: Path, rows: int = 18, cols: int = 9) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib.transforms import TransformedBbox

    wb = load_workbook(path)
    ws = wb[sheet]
    grid = [[(c.value, c.number_format) for c in r[:cols]] for r in ws.iter_rows(max_row=rows + 1)]
    texts = [[shown(v, f) for v, f in r] for r in grid]
    cols = min(cols, max((len(t) for t in texts), default=0))  # a sheet narrower than ``cols``
    widths = [max(6, min(26, max(len(t[j]) for t in texts if j < len(t)) + 1)) for j in range(cols)]
    x = [0.0]
    for w in widths:
        x.append(x[-1] + w)
    rn = 4.0  # the row-number column
    total_w, row_h = rn + x[-1], 1.0
    fig, ax = plt.subplots(figsize=(total_w * 0.085, (len(texts) + 3) * 0.28), dpi=130)
    ax.set_xlim(0, total_w)
    ax.set_ylim(-(len(texts) + 2.2), 1)
    ax.axis("off")
    grey, line = "#f2f2f2", "#d0d0d0"
    ax.add_patch(Rectangle((0, 0), total_w, 1, facecolor=grey, edgecolor=line, linewidth=0.5))
    for j in range(cols):
        ax.text(rn + (x[j] + x[j + 1]) / 2, 0.5, get_column_letter(j + 1), ha="center",
                va="center", fontsize=7, color="#555555")
    for i, r in enumerate(texts):
        y = -(i + 1)
        ax.add_patch(Rectangle((0, y), rn, row_h, facecolor=grey, edgecolor=line, linewidth=0.5))
        ax.text(rn / 2, y + 0.5, str(i + 1), ha="center", va="center", fontsize=7, color="#555555")
        for j in range(cols):
            face = "#DDEBF7" if i == 0 else "white"
            cell = Rectangle((rn + x[j], y), widths[j], row_h, facecolor=face, edgecolor=line,
                             linewidth=0.5)
            ax.add_patch(cell)
            t = r[j] if j < len(r) else ""
            numeric = i > 0 and isinstance(grid[i][j][0], int | float) and not isinstance(
                grid[i][j][0], bool)
            # a long text runs on over empty cells and ends at its cell's edge beside a filled
            # one, as Excel shows it
            txt = ax.text(rn + (x[j + 1] - 0.4 if numeric else x[j] + 0.4), y + 0.5, t,
                          ha="right" if numeric else "left", va="center", fontsize=7,
                          fontweight="bold" if i == 0 else "normal", clip_on=True)
            if j + 1 < len(r) and r[j + 1]:
                txt.set_clip_box(TransformedBbox(cell.get_bbox(), ax.transData))
    y = -(len(texts) + 2)
    tx = rn
    for name in wb.sheetnames:
        w = len(name) * 0.75 + 2
        active = name == sheet
        ax.add_patch(Rectangle((tx, y), w, 1.1, facecolor="white" if active else grey,
                               edgecolor="#999999", linewidth=0.6))
        ax.text(tx + w / 2, y + 0.55, name, ha="center", va="center", fontsize=6.5,
                fontweight="bold" if active else "normal",
                color="#1f6f3f" if active else "#333333")
        tx += w + 0.3
        if tx > total_w:
            break
    ax.set_title(f"{path.name} - sheet '{sheet}'", fontsize=9, loc="left")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("workbook", type=Path)
    p.add_argument("--sheet", default="moves")
    p.add_argument("-o", "--out", type=Path, default=Path("docs/img/plan_workbook.png"))
    p.add_argument("--rows", type=int, default=18)
    p.add_argument("--cols", type=int, default=9)
    a = p.parse_args()
    print(render(a.workbook, a.sheet, a.out, a.rows, a.cols))


if __name__ == "__main__":
    main()
