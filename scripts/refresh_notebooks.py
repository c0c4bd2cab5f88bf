"""Execute the notebooks in place so they are stored with their outputs (tables and plots).

    .venv/bin/python scripts/refresh_notebooks.py            # every notebook in notebooks/
    .venv/bin/python scripts/refresh_notebooks.py notebooks/whatif_gvl_west.ipynb

Runs with each notebook's own small defaults (a minute or so); the tests execute the same
notebooks, so stored outputs and code cannot drift apart for long.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    for cell in nb.cells:  # execution counts and timings only add noise to the diff
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)
    print(f"{path.relative_to(ROOT)}: executed and stored with outputs in "
          f"{time.perf_counter() - t0:.0f} s")


def main(args: list[str]) -> None:
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        refresh(p)


if __name__ == "__main__":
    main(sys.argv[1:])
