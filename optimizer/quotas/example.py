"""A realistic, seeded STATUS.json built from the bundled data (tests, benchmark, CLI demos).

Quotas: the national total pro rata population (largest remainder), a backlog for ~15% of the
municipalities. Progress: housed = target x elapsed share x pace with pace ~ U(0.55, 1.25);
linked ~ U(0, 12%) of the target. Weekly housing capacity ~ target/26 x U(0.8, 1.8), given for
``capacity_given_share`` of the municipalities (the others fall back to history). Supply: status
holders waiting at the azc/pol/noodopvang locations of the synthetic reference set (3-10% of
residents) plus a national forecast of new permits per week.
"""

from __future__ import annotations

import numpy as np

from optimizer.quotas.compute import compute_quotas
from optimizer.quotas.documents import (
    HALF_YEAR_WEEKS,
    HalfYearProgress,
    MunicipalityStatus,
    QuotaStatus,
    Supply,
    WaitingAt,
)
from optimizer.reference_data import load_locations
from optimizer.rules.week import SEED as WEEK_SEED

SEED = WEEK_SEED


def example_status(
    seed: int = SEED,
    half_year: str = "2026-H2",
    weeks_left: int = 12,
    national: int = 10_500,
    forecast_per_week: float = 120.0,
    capacity_given_share: float = 0.7,
    lead_time_weeks: int = 2,
) -> QuotaStatus:
    """A validated national status (342 municipalities, 12 provinces) for ``seed``."""
    rng = np.random.default_rng(seed)
    base = compute_quotas(half_year, national).municipalities
    n = len(base)
    quota = np.array([r.quota for r in base])
    backlog = np.where(rng.random(n) < 0.15, np.ceil(quota * rng.uniform(0.01, 0.08, n)), 0)
    backlog = backlog.astype(int)
    target = quota + backlog
    elapsed = HALF_YEAR_WEEKS - weeks_left
    pace = rng.uniform(0.55, 1.25, n)
    housed = np.minimum(np.floor(target * elapsed / HALF_YEAR_WEEKS * pace), target)
    linked = np.minimum(np.floor(target * rng.uniform(0.0, 0.12, n)), target - housed)
    capacity = np.round(target / HALF_YEAR_WEEKS * rng.uniform(0.8, 1.8, n), 1)
    given = rng.random(n) < capacity_given_share
    munis = [
        MunicipalityStatus(
            gm_code=r.gm_code,
            quota=int(quota[i]),
            backlog=int(backlog[i]),
            housed=int(housed[i]),
            linked=int(linked[i]),
            housing_capacity_per_week=float(capacity[i]) if given[i] else None,
            status_holders_nearby=None,
        )
        for i, r in enumerate(base)
    ]
    locs = load_locations()
    locs = locs[locs["kind"].isin(["azc", "pol", "noodopvang"])]
    share = rng.uniform(0.03, 0.10, len(locs))
    waiting = [
        WaitingAt(location=str(lid), persons=int(round(res * s)))
        for lid, res, s in zip(locs["id"], locs["residents"], share, strict=True)
    ]
    return QuotaStatus(
        half_year=HalfYearProgress(id=half_year, weeks_left=weeks_left),
        municipalities=munis,
        supply=Supply(
            waiting=waiting,
            forecast_new_permits_per_week=forecast_per_week,
            lead_time_weeks=lead_time_weeks,
        ),
    )
