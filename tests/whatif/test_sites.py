"""Site selection MIP on tiny hand-made instances."""

from __future__ import annotations

import numpy as np

from optimizer.whatif.documents import Site
from optimizer.whatif.sites import Candidate, select_sites


def _cand(name: str, capacity: int, opening: int, fixed: float, bed: float = 68.0) -> Candidate:
    site = Site(
        name=name,
        gm_code="GM0394",
        kind="azc",
        capacity=capacity,
        opening_week=opening,
        cost_per_bed_day=bed,
        fixed_eur_per_week=fixed,
    )
    return Candidate(site, capacity, opening, fixed, travel_km=0.0)


def test_picks_the_obviously_best_site() -> None:
    need = np.array([0, 50, 100, 100, 100, 100], dtype=float)
    cands = [
        _cand("expensive", 200, 0, fixed=90_000),
        _cand("cheap and early", 200, 1, fixed=10_000),
        _cand("too late", 200, 5, fixed=10_000),
        _cand("too small", 10, 0, fixed=10_000),
    ]
    r = select_sites(cands, need, k=1, occupancy_max=0.91, emergency_eur_per_person_day=150)
    assert r.status == "optimal"
    assert r.chosen == ["cheap and early"]
    row = r.sites.set_index("site").loc["cheap and early"]
    assert row["open_from_week"] == 1 and row["weeks_open"] == 5
    assert row["net_benefit_eur"] > 0 and row["benefit_eur"] > row["cost_eur"]
    assert r.objective_eur < r.objective_no_sites_eur


def test_no_site_when_nothing_is_needed() -> None:
    r = select_sites([_cand("a", 100, 0, 10_000)], np.zeros(4), k=1)
    assert r.chosen == []
    assert r.objective_eur == 0


def test_k_limits_the_choice_and_each_chosen_site_pays() -> None:
    need = np.full(6, 400.0)
    cands = [_cand(f"s{i}", 200, 0, fixed=5_000 * (i + 1)) for i in range(4)]
    r = select_sites(cands, need, k=2, emergency_eur_per_person_day=150)
    assert r.chosen == ["s0", "s1"]
    assert (r.sites.loc[r.sites["chosen"], "net_benefit_eur"] > 0).all()
    assert np.allclose(r.weekly["housed_by_chosen"], 2 * np.floor(0.91 * 200))


def test_time_limit_is_wall_clock_for_selection_and_cost_benefit() -> None:
    """60 candidates over a year with k = 8 take about 10 s (the selection, then one solve per
    chosen site); a 3 s limit ends all of it in time and says so."""
    import time

    rng = np.random.default_rng(5)
    cands = [
        _cand(
            f"s{i}",
            int(rng.integers(50, 400)),
            int(rng.integers(0, 26)),
            float(rng.uniform(2000, 30000)),
            float(rng.uniform(40, 120)),
        )
        for i in range(60)
    ]
    need = rng.uniform(500, 3000, 52).round()
    limit = 3.0
    t0 = time.perf_counter()
    r = select_sites(cands, need, k=8, time_limit_s=limit)
    took = time.perf_counter() - t0
    assert took <= 1.1 * limit + 2.0, f"{took:.2f} s for a {limit} s limit"
    assert r.stopped_by == "time_limit"
    assert r.status in ("optimal", "feasible") and 1 <= len(r.chosen) <= 8
    assert r.sites.loc[r.sites["chosen"], "cost_eur"].gt(0).all()


def test_solved_selection_is_not_stopped() -> None:
    need = np.array([0, 500, 500, 500])
    r = select_sites([_cand("a", 600, 1, 1000)], need, k=1)
    assert r.stopped_by is None
