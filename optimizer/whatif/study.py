"""One what-if study, the same for every face (``coa-plan whatif`` and the service's study jobs):
sweep the variants x inflows x seeds -> if asked, forecast the need from the base variant and
choose k candidate sites -> simulate the selection as one more variant -> the weekly rows of all.
Comparison tables and plots are made from :attr:`StudyResult.weekly` by the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from optimizer.documents.scenario import Scenario
from optimizer.whatif.documents import RunSpec, Variant
from optimizer.whatif.simulate import check_variants, horizon_weeks_of, start_scenario
from optimizer.whatif.sites import SelectionResult, forecast_need, make_candidates, select_sites
from optimizer.whatif.sweep import SweepResult, run_sweep


@dataclass
class StudyResult:
    sweep: SweepResult  # the main sweep (timing, workers)
    weekly: pd.DataFrame  # weekly rows of every run, the selected sites' variant included
    selection: SelectionResult | None


def study_problems(spec: RunSpec, start: Scenario | None = None) -> list[str]:
    """Every problem of the study's variants against its start week (the one place they are
    validated), each naming the field path."""
    return check_variants(spec, start if start is not None else start_scenario(spec.start))


def run_study(
    spec: RunSpec,
    workers: int | None = None,
    scheduler_address: str | None = None,
    progress: bool | Callable[[int, int], None] = True,
) -> StudyResult:
    """Run the study; ``workers``/``scheduler_address`` as for :func:`run_sweep`."""
    sweep = run_sweep(spec, workers=workers, scheduler_address=scheduler_address, progress=progress)
    weekly = sweep.weekly
    selection = None
    if spec.selection is not None:
        selection, variant = run_selection(spec, sweep)
        if spec.selection.simulate_selected and selection.chosen:
            more = run_sweep(
                spec,
                [variant],
                workers=workers,
                scheduler_address=scheduler_address,
                progress=False,
            )
            weekly = pd.concat([weekly, more.weekly], ignore_index=True)
    return StudyResult(sweep=sweep, weekly=weekly, selection=selection)


def run_selection(spec: RunSpec, sweep: SweepResult) -> tuple[SelectionResult, Variant]:
    """Forecast from the base variant's runs, choose k sites, return them as a new variant."""
    sel = spec.selection
    assert sel is not None
    base_name = sel.base_variant or spec.variants[0].name
    base = next(v for v in spec.variants if v.name == base_name)
    weekly = sweep.weekly
    rows = weekly[(weekly["variant"] == base_name) & (weekly["inflow"] == sel.inflow)]
    if rows.empty:
        extra = spec.model_copy(update={"variants": [base], "inflows": [sel.inflow]})
        rows = run_sweep(extra, workers=0, progress=False).weekly
    start = start_scenario(spec.start)
    entries = [
        (loc.gm_code, float(loc.capacity))
        for loc in start.locations
        if loc.kind.value in ("col", "gvl") and not loc.closing
    ]
    cands = make_candidates(
        sel.candidates, entries, spec.start.scale, horizon_weeks_of(start, spec.horizon_weeks)
    )
    result = select_sites(
        cands,
        forecast_need(rows, base.occupancy_max),
        sel.k,
        occupancy_max=base.occupancy_max,
        emergency_eur_per_person_day=spec.simulation.emergency_eur_per_person_day,
        time_limit_s=sel.time_limit_s,
    )
    chosen = result.sites[result.sites["chosen"]]
    sites = [
        next(c.site for c in cands if c.site.name == r["site"]).model_copy(
            update={"opening_week": int(r["open_from_week"])}
        )
        for _, r in chosen.iterrows()
    ]
    variant = base.model_copy(update={"name": f"selected {len(sites)} sites", "sites": sites})
    return result, variant
