"""Benchmark: the cold path of a national week, from file to file in one fresh process (issue 14).

Every figure comes from a new Python process (``subprocess``), so imports are paid as a planner's
``coa-plan allocate`` pays them:

* ``coa-plan --help`` (median of several runs);
* one cold process timing each phase: import, read (bytes and JSON), validate (pydantic, then the
  CBS reference check), build (instance and model, all rounds), solve, assemble, write; and, in the
  same process afterwards, the LP relaxation of the same week, so the ratio (build + solve) / LP
  is measured in one run;
* ``coa-plan allocate scenario.json -o plan.json`` end to end (the planner's command).

    .venv/bin/python benchmarks/bench_cold_path.py [--scenario week.json] [--runs 3]

Without ``--scenario`` the national reference week (seed 1, scale 1) is generated once into a
temporary folder. Targets: help <= 0.5 s, file to file <= 3 s, (build + solve) <= 8 x LP.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHILD = r"""
import time
t0 = time.perf_counter()
import json, sys
from pathlib import Path
from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.checks import submission_errors
from optimizer.documents.io import read_document_text
from optimizer.documents.scenario import Scenario
from optimizer.gc_pause import paused_gc
t_import = time.perf_counter()
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
with paused_gc():  # as in coa-plan allocate, whose whole command runs with the collector paused
    text = read_document_text(src)
    raw = json.loads(text)
    t_read = time.perf_counter()
    s = Scenario.model_validate(raw)
    t_pydantic = time.perf_counter()
    errors = submission_errors(s)
    assert not errors, errors
    t_reference = time.perf_counter()
    plan = allocate(s, SolveOptions())
    t_allocate = time.perf_counter()
    dst.write_text(plan.model_dump_json(indent=1), encoding="utf-8")
    t_write = time.perf_counter()
    from optimizer.model.build import create_model
    from optimizer.model.instance import build_instance
    from optimizer.model.solve import solve_model
    inst = build_instance(s)
    m = create_model(inst)
    # the LP under the same conditions as the solve it is compared with (collector paused)
    lp = solve_model(m, inst, SolveOptions(relax=True))
print(json.dumps({
    "import": t_import - t0,
    "read": t_read - t_import,
    "validate_pydantic": t_pydantic - t_read,
    "validate_reference": t_reference - t_pydantic,
    "build": plan.model.build_seconds,
    "solve": plan.solve_seconds,
    "assemble": (t_allocate - t_reference) - plan.model.build_seconds - plan.solve_seconds,
    "write": t_write - t_allocate,
    "lp_solve": lp.solve_seconds,
    "lp_seconds_in_solve": lp.lp_seconds,
    "status": plan.status.value,
    "gap": plan.gap,
    "households": len(s.households),
}))
"""


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, help="Scenario JSON (default: the national week).")
    ap.add_argument("--runs", type=int, default=3, help="Cold processes per figure (median).")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="coa-cold-"))
    scen = args.scenario
    if scen is None:
        scen = tmp / "scenario.json"
        subprocess.run(
            [str(BIN / "coa-plan"), "scenario", "-o", str(scen)], check=True, capture_output=True
        )
    py = sys.executable
    bare = statistics.median(wall([py, "-c", "pass"]) for _ in range(args.runs))
    helps = [wall([str(BIN / "coa-plan"), "--help"]) for _ in range(max(5, args.runs))]
    phases = []
    for _ in range(args.runs):
        out = subprocess.run(
            [py, "-c", CHILD, str(scen), str(tmp / "plan_child.json")],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        phases.append(json.loads(out.stdout.strip().splitlines()[-1]))
    e2e = [
        wall([str(BIN / "coa-plan"), "allocate", str(scen), "-o", str(tmp / "plan.json")])
        for _ in range(args.runs)
    ]

    from rich.console import Console
    from rich.table import Table

    def med(key: str) -> float:
        return statistics.median(float(p[key]) for p in phases)

    t = Table(title=f"Cold path of a national week ({phases[0]['households']:,} households), "
              f"median of {args.runs} fresh processes")  # fmt: skip
    t.add_column("phase")
    t.add_column("s", justify="right")
    t.add_row("python start (python -c pass)", f"{bare:.2f}")
    t.add_row("coa-plan --help (whole process)", f"{statistics.median(helps):.2f}")
    keys = [
        ("import", "import (allocation, documents)"),
        ("read", "read (bytes + JSON)"),
        ("validate_pydantic", "validate: pydantic"),
        ("validate_reference", "validate: CBS reference data"),
        ("build", "build (instance + Pyomo model, all rounds)"),
        ("solve", "solve (compile + HiGHS, all rounds)"),
        ("assemble", "assemble the plan (disaggregate, KPIs)"),
        ("write", "write plan.json"),
    ]
    total = 0.0
    for key, label in keys:
        total += med(key)
        t.add_row(label, f"{med(key):.2f}")
    t.add_row("sum of the phases (+ python start)", f"{total + bare:.2f}")
    t.add_row("coa-plan allocate file -> file (whole process)", f"{statistics.median(e2e):.2f}")
    t.add_row("LP relaxation solve, same process", f"{med('lp_solve'):.2f}")
    ratio = statistics.median(
        (float(p["build"]) + float(p["solve"])) / float(p["lp_solve"]) for p in phases
    )
    t.add_row("(build + solve) / LP solve", f"{ratio:.1f} x")
    Console().print(t)
    print(
        f"targets: help <= 0.5 s ({statistics.median(helps):.2f}); file to file <= 3 s "
        f"({statistics.median(e2e):.2f}); (build + solve) <= 8 x LP ({ratio:.1f} x); "
        f"plan {phases[0]['status']}, gap {phases[0]['gap']:.4%}"
    )


if __name__ == "__main__":
    main()
