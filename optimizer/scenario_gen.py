"""Seeded weekly scenarios built from the bundled data, at any scale.

The national reference week (``scale=1``): the synthetic reference set of ~250 locations with its
residents (~60,000 persons), the 342 CBS municipalities with a half-year quota split pro rata
population, about 1,500 arrival households at the col/gvl, about 1,000 status-holder households
awaiting a link and two closing noodopvang locations. Figures follow COA's yearly figures (Scale).

Households carry a pseudonymous id, a size, school-age children, amv, status and track: nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.documents.scenario import (
    HalfYear,
    Household,
    Location,
    Municipality,
    Policy,
    Scenario,
)
from optimizer.quotas.apportion import largest_remainder
from optimizer.reference_data import load_locations, load_municipalities

# Household size distribution in reception (singles dominate; families of 3-6 common).
SIZES = np.array([1, 2, 3, 4, 5, 6, 7])
SIZE_P = np.array([0.55, 0.12, 0.10, 0.10, 0.07, 0.04, 0.02])
ARRIVAL_TRACKS = ["kansrijk", "unknown", "kansarm", "dublin", "safe_country"]
ARRIVAL_TRACK_P = [0.45, 0.20, 0.15, 0.12, 0.08]
PROCESS_KINDS = {"col", "gvl", "pol", "vbl", "htl", "ebtl", "gezinslocatie"}


@dataclass(frozen=True)
class ScenarioSpec:
    """What to generate. ``scale`` multiplies locations (col/gvl always kept), arrivals, status
    holders and the national quota."""

    seed: int = 1
    scale: float = 1.0
    week: str = "2026-W48"
    half_year: str = "2026-H2"
    weeks_left: int = 5
    arrival_households: int = 1500
    status_holder_households: int = 1000
    closing: int = 2
    national_quota: int = 15_000
    amv_share: float = 0.06


def _sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(SIZES, size=n, p=SIZE_P)


def _school_children(rng: np.random.Generator, size: int) -> int:
    if size < 3:
        return 0
    return int(rng.binomial(size - 2, 0.6))


def _pick_locations(rng: np.random.Generator, df: pd.DataFrame, scale: float) -> pd.DataFrame:
    if scale >= 1:
        return df
    entry = df[df["kind"].isin(["col", "gvl"])]
    rest = df[~df["kind"].isin(["col", "gvl"])]
    n = max(6, round(len(rest) * scale))
    # keep every kind represented where possible: stratified sample
    picks: list[int] = []
    for _kind, grp in rest.groupby("kind", sort=True):
        k = max(1, round(len(grp) * n / len(rest)))
        picks.extend(
            rng.choice(grp.index.to_numpy(), size=min(k, len(grp)), replace=False).tolist()
        )
    return pd.concat([entry, rest.loc[sorted(picks)]]).sort_values("id")


def generate_scenario(
    spec: ScenarioSpec | None = None, locations: pd.DataFrame | None = None
) -> Scenario:
    """A seeded week. ``locations``: the planner's own register (columns of the scenario's
    locations, validated by ``optimizer.tables.register``) instead of the bundled synthetic set;
    it is used whole (no sampling by scale) and its ``closing`` column says which close."""
    spec = spec or ScenarioSpec()
    rng = np.random.default_rng(spec.seed)
    if locations is None:
        locs = _pick_locations(rng, load_locations(), spec.scale).reset_index(drop=True)
    else:
        locs = locations.sort_values("id").reset_index(drop=True)
    munis = load_municipalities()

    noodopvang = locs.index[locs["kind"] == "noodopvang"].to_numpy()
    if locations is not None:
        closing_idx = set(np.flatnonzero(locs["closing"].to_numpy(dtype=bool)).tolist())
    else:
        closing_idx = set(
            rng.choice(noodopvang, size=min(spec.closing, len(noodopvang)), replace=False).tolist()
        )

    households: list[Household] = []
    counter = iter(range(1, 10_000_000))

    def new_id() -> str:
        return f"H{next(counter):07d}"

    residents = locs["residents"].to_numpy().astype(int).copy()
    is_entry = locs["kind"].isin(["col", "gvl"]).to_numpy()

    # Arrivals at the col/gvl, about 80% at the largest (Ter Apel).
    n_arr = max(1, round(spec.arrival_households * spec.scale))
    entry_idx = np.flatnonzero(is_entry)
    weights = locs.loc[entry_idx, "capacity"].to_numpy(dtype=float) ** 2
    arr_at = rng.choice(entry_idx, size=n_arr, p=weights / weights.sum())
    arrival_persons = np.zeros(len(locs), dtype=int)
    for o in arr_at:
        amv = rng.random() < spec.amv_share
        size = 1 if amv else int(_sizes(rng, 1)[0])
        track = str(rng.choice(ARRIVAL_TRACKS, p=ARRIVAL_TRACK_P))
        households.append(
            Household(
                id=new_id(),
                size=size,
                school_age_children=0 if amv else _school_children(rng, size),
                amv=amv,
                status="arrival",
                track=track,
                location=str(locs.at[o, "id"]),
            )
        )
        arrival_persons[o] += size
    # at the col/gvl the standing population is residents in process, arrivals come on top
    residents[is_entry] = (residents[is_entry] * 0.45).astype(int) + arrival_persons[is_entry]

    # Residents of every location, listed as households (status holders among them).
    n_sh = max(1, round(spec.status_holder_households * spec.scale))
    sh_kinds = {"azc", "pol", "noodopvang"}
    resident_records: list[tuple[int, int, bool, str, str, int]] = []
    for i, row in locs.iterrows():
        fill = int(residents[i] - arrival_persons[i])
        kind = row["kind"]
        while fill > 0:
            if kind == "amv":
                size, amv = 1, True
            else:
                amv = False
                size = int(_sizes(rng, 1)[0]) if row["accepts_families"] else 1
                size = min(size, fill)
            school = _school_children(rng, size) if (row["school_nearby"] and not amv) else 0
            if kind in PROCESS_KINDS:
                track = str(rng.choice(["kansarm", "dublin", "safe_country"], p=[0.5, 0.3, 0.2]))
            else:
                track = str(rng.choice(["kansrijk", "unknown"], p=[0.75, 0.25]))
            status = "resident"
            if kind in sh_kinds and rng.random() < 0.28:
                status = "status_holder"
            resident_records.append((int(i), size, amv, track, status, school))
            fill -= size
    # exactly n_sh status holders await a link (smaller households first get permits faster)
    sh_positions = [k for k, r in enumerate(resident_records) if r[4] == "status_holder"]
    awaiting = set(
        rng.choice(sh_positions, size=min(n_sh, len(sh_positions)), replace=False).tolist()
    )

    # Quotas: national total (scaled) pro rata population; progress drawn per municipality.
    total = round(spec.national_quota * spec.scale)
    quota = largest_remainder(total, munis["population"].to_numpy(dtype=float))
    weeks_done = 26 - spec.weeks_left
    pace = rng.uniform(0.55, 1.1, size=len(munis))
    housed = np.minimum(np.floor(np.array(quota) * weeks_done / 26 * pace * 0.85), quota).astype(
        int
    )
    linked = np.minimum(
        np.floor(np.array(quota) * rng.uniform(0.0, 0.12, size=len(munis))),
        np.array(quota) - housed,
    ).astype(int)

    gm_codes = munis["gm_code"].tolist()
    pop = munis["population"].to_numpy(dtype=float)
    # permits of those awaiting a link: days since the permit, about exponential with a mean of
    # two weeks (COA's link target), from a stream of its own so every other draw is unchanged
    permit_rng = np.random.default_rng([spec.seed, 2])
    monday = dt.date.fromisocalendar(int(spec.week[:4]), int(spec.week[6:]), 1)
    for k, (i, size, amv, track, status, school) in enumerate(resident_records):
        linked_gm = None
        permit = None
        if status == "status_holder" and k not in awaiting:
            linked_gm = str(gm_codes[int(rng.choice(len(gm_codes), p=pop / pop.sum()))])
        elif status == "status_holder":
            waited = min(120, int(permit_rng.exponential(14.0)))
            permit = monday - dt.timedelta(days=waited)
        households.append(
            Household(
                id=new_id(),
                size=size,
                school_age_children=school,
                amv=amv,
                status=status,
                track="kansrijk" if status == "status_holder" else track,
                location=str(locs.at[i, "id"]),
                linked_gm_code=linked_gm,
                permit_date=permit,
            )
        )

    # Pseudonymous ids must not reveal the order of generation: shuffle the id assignment.
    ids = [h.id for h in households]
    rng.shuffle(ids)
    households = sorted(
        (h.model_copy(update={"id": new}) for h, new in zip(households, ids, strict=True)),
        key=lambda h: h.id,
    )

    locations = [
        Location(
            id=str(r["id"]),
            name=str(r["name"]),
            gm_code=str(r["gm_code"]),
            kind=str(r["kind"]),
            capacity=int(r["capacity"]),
            residents=int(residents[i]),
            closing=i in closing_idx,
            **_own_position(r),
            accepts_families=bool(r["accepts_families"]),
            accepts_amv=bool(r["accepts_amv"]),
            school_nearby=bool(r["school_nearby"]),
            cost_per_bed_day=float(r["cost_per_bed_day"]),
        )
        for i, r in locs.iterrows()
    ]
    municipalities = [
        Municipality(gm_code=g, quota=int(q), housed=int(h), linked=int(ln))
        for g, q, h, ln in zip(gm_codes, quota, housed, linked, strict=True)
    ]
    return Scenario(
        week=spec.week,
        half_year=HalfYear(id=spec.half_year, weeks_left=spec.weeks_left),
        policy=Policy(),
        locations=locations,
        municipalities=municipalities,
        households=households,
    )


def _own_position(row: pd.Series) -> dict[str, float]:
    """A register's own RD coordinates of a location, when it gives both."""
    if "x_rd_m" not in row.index or "y_rd_m" not in row.index:
        return {}
    x, y = row["x_rd_m"], row["y_rd_m"]
    if pd.isna(x) or pd.isna(y):
        return {}
    return {"x_rd_m": float(x), "y_rd_m": float(y)}
