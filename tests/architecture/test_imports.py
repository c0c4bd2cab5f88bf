"""The seams of the code base, checked by walking the imports (module level and function level,
outside ``TYPE_CHECKING``): no cycle in ``optimizer/``, the core never imports the service, and
the pure layers load no solver."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, modules: set[str], here: str, is_pkg: bool) -> set[str]:
    out: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                for a in child.names:
                    if (m := resolve(a.name)) is not None:
                        out.add(m)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    pkg = here if is_pkg else here.rpartition(".")[0]
                    for _ in range(child.level - 1):
                        pkg = pkg.rpartition(".")[0]
                    base = f"{pkg}.{base}" if base else pkg
                for a in child.names:
                    if (m := resolve(f"{base}.{a.name}")) is not None:
                        out.add(m)
            visit(child)

    visit(tree)
    out.discard(here)
    return out


def import_graph(package: str) -> dict[str, set[str]]:
    files = sorted((ROOT / package).rglob("*.py"))
    modules = {_module_name(f) for f in files} | {"api", "coa_plan"}
    graph: dict[str, set[str]] = {}
    for f in files:
        name = _module_name(f)
        tree = ast.parse(f.read_text(encoding="utf-8"))
        graph[name] = _imports(tree, modules, name, f.name == "__init__.py")
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_no_import_cycle_in_optimizer() -> None:
    assert _cycles(import_graph("optimizer")) == []


def test_the_core_never_imports_the_service() -> None:
    graph = import_graph("optimizer")
    bad = {m: sorted(d for d in deps if d.split(".")[0] in ("api", "coa_plan"))
           for m, deps in graph.items()}
    assert {m: d for m, d in bad.items() if d} == {}


def test_routes_never_import_each_other_and_the_service_has_no_cycle() -> None:
    """Shared route pieces live in api/deps.py, api/submission.py, api/scope.py, api/views.py."""
    graph = import_graph("api")
    across = {m: sorted(d for d in deps if d.startswith("api.routes.") and d != m)
              for m, deps in graph.items() if m.startswith("api.routes.")}
    assert {m: d for m, d in across.items() if d} == {}
    assert _cycles(graph) == []


def _python(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter at the repository root (what it imports is its own)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_rules_kpis_evaluate_and_explanations_load_no_solver() -> None:
    code = (
        "import optimizer.explain.options, optimizer.kpis, optimizer.evaluate, optimizer.rules, sys;"
        "bad = [m for m in ('pyomo', 'highspy', 'ortools') if m in sys.modules];"
        "assert not bad, bad"
    )
    r = _python(code)
    assert r.returncode == 0, r.stderr


def test_the_weekly_solve_loads_pyomos_modelling_layer_not_its_solver_plugins() -> None:
    """HiGHS is reached through highspy (``optimizer.model.compiled``), so ``pyomo.environ``,
    which also registers every solver, writer and transformation plugin (0.13 s of a cold
    ``coa-plan allocate``), is not needed; the model is built with ``pyomo.core``."""
    code = (
        "import optimizer.allocation, optimizer.whatif.sites, sys;"
        "assert 'pyomo.core' in sys.modules;"
        "assert 'pyomo.environ' not in sys.modules, 'pyomo.environ imported'"
    )
    r = _python(code)
    assert r.returncode == 0, r.stderr


def test_a_weekly_allocation_imports_no_pandas_once_the_reference_data_is_validated(
    tmp_path: Path,
) -> None:
    """Reading, checking and solving a week needs only the municipalities' provinces and points,
    read with the csv module once their bytes are recorded as validated: pandas (0.2-0.3 s of a
    cold ``coa-plan allocate``) stays unloaded. The first process validates and records."""
    import os

    env = {**os.environ, "COA_CACHE_DIR": str(tmp_path / "cache")}
    week = tmp_path / "week.json"
    first = (
        "from optimizer.scenario_gen import ScenarioSpec, generate_scenario;"
        "from optimizer.reference_data import municipality_index;"
        f"open({str(week)!r}, 'w').write("
        "generate_scenario(ScenarioSpec(seed=2, scale=0.02)).model_dump_json());"
        "municipality_index()"
    )
    r = _python(first, env)
    assert r.returncode == 0, r.stderr
    second = (
        "import sys, json;"
        "from optimizer.documents.scenario import Scenario;"
        "from optimizer.documents.checks import submission_errors;"
        "from optimizer.allocation import allocate;"
        f"s = Scenario.model_validate(json.loads(open({str(week)!r}).read()));"
        "assert not submission_errors(s);"
        "plan = allocate(s);"
        "assert plan.placements, 'nothing placed';"
        "assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    r = _python(second, env)
    assert r.returncode == 0, r.stderr
