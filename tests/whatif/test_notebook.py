"""The planner's notebook runs end to end (small horizon), like CI's nbmake would."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "whatif_gvl_west.ipynb"


def test_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATIF_OUT", str(tmp_path))
    monkeypatch.setenv("WHATIF_HORIZON", "6")
    monkeypatch.setenv("WHATIF_SCALE", "0.1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    assert (tmp_path / "comparison.csv").exists()
    assert (tmp_path / "shortage.png").stat().st_size > 1000
    images = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert len(images) >= 2  # the occupancy and shortage plots are shown
