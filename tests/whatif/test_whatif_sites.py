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
