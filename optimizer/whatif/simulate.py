"""The horizon run: T weeks of arrivals, IND decisions, housing and the weekly allocation model.

State is kept compact: one row per household in numpy columns, and per location a resident count.
Each week:

1. **IND decisions** due this week (drawn per household at arrival, by track) for households in a
   bed: a permit makes a status holder (vergunninghouder); a rejection leaves ``leave_weeks`` later.
2. **Departures**: rejected households whose departure week has come leave reception.
3. **Housing**: status holders linked at least ``housing_weeks`` ago are housed by their
   municipality, at most ``housing_pace_factor`` x quota/26 persons a week per municipality (FIFO).
4. **Arrivals** of the inflow register at an entry point (col/gvl, chosen pro rata capacity);
   with them, the households of the *emergency pool* are offered a place again.
5. **Allocation**: the week's :class:`Scenario` (locations with their counts; as households only
   the arrivals, the status holders awaiting a link and everyone at a closing location) is planned
   by :func:`optimizer.allocation.allocate` with a fast policy (no rebalancing moves, few link
   candidates, 1% gap). Placed arrivals take their bed; arrivals without one (``unplaced``) go to
   the emergency pool; links start the housing clock.

Definitions (per week, persons):

- ``residents``: persons in a COA bed at the end of the week;
- ``beds_short``: persons in the emergency pool at the end of the week (arrivals with no suitable
  bed: crisis emergency reception, outside COA's beds). The pool's IND procedures wait until they
  have a bed;
- conservation, exact every week::

      arrivals - left_rejected - housed = (residents_end - residents_start)
                                          + (beds_short_end - beds_short_start)

Random parts are drawn from streams keyed by ``(seed, purpose, week, inflow)``, never by the
variant, so variants are compared on common random numbers and a run is reproducible anywhere.
"""

from __future__ import annotations

import math
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.allocation import SolveOptions, allocate
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import (
    HalfYear,
    Household,
    Location,
    LocationKind,
    Municipality,
    Policy,
    Scenario,
    Status,
    Track,
)
from optimizer.quotas.apportion import largest_remainder
from optimizer.reference_data import load_municipalities
from optimizer.rules.week import DAYS, SEED
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from optimizer.whatif.documents import RunSpec, Simulation, Start, Variant
from optimizer.whatif.inflow import TRACKS, Inflow, NewHouseholds, draw_households, make_inflow

# IND decision (weeks after arrival, uniform min..max) and chance of a permit, by track.
DECISION: dict[str, tuple[int, int, float]] = {
    "kansrijk": (8, 30, 0.90),
    "unknown": (12, 36, 0.55),
    "kansarm": (4, 20, 0.15),
    "dublin": (4, 16, 0.0),
    "safe_country": (1, 6, 0.05),
}
OCCUPANCY_KINDS = ("col", "gvl", "pol", "azc", "noodopvang", "amv")
ENTRY_KINDS = frozenset({"col", "gvl"})
ARRIVAL, RESIDENT, STATUS_HOLDER, GONE = 0, 1, 2, 3
NEVER = 1 << 30
TRACK_ENUM = [Track(t) for t in TRACKS]
SOLVER_SEED = SEED


class RunError(ValueError):
    """A variant that does not fit its start scenario (message names the field path)."""


# --------------------------------------------------------------------------------------- calendar
def iso_add(week: str, n: int) -> tuple[str, int, int]:
    """ISO week ``n`` weeks after ``week``: (label, iso_year, iso_week)."""
    y, w = int(week[:4]), int(week[6:])
    d = date.fromisocalendar(y, w, 1) + timedelta(weeks=n)
    iy, iw, _ = d.isocalendar()
    return f"{iy}-W{iw:02d}", iy, iw


def half_year_of(iso_year: int, iso_week: int) -> tuple[str, int]:
    """Half-year id and weeks left in it (this one included): H1 = weeks 1-26, H2 = 27-52/53."""
    if iso_week <= 26:
        return f"{iso_year}-H1", 26 - iso_week + 1
    last = date(iso_year, 12, 28).isocalendar()[1]
    return f"{iso_year}-H2", last - iso_week + 1


# ------------------------------------------------------------------------------------- the state
class _Pop:
    """Households as numpy columns (growing); index = row."""

    COLS: dict[str, tuple[type, int | float | bool]] = {
        "size": (np.int64, 0),
        "school": (np.int64, 0),
        "amv": (np.bool_, False),
        "track": (np.int64, 0),
        "status": (np.int64, ARRIVAL),
        "loc": (np.int64, -1),
        "entry_u": (np.float64, 0.0),
        "decision_week": (np.int64, NEVER),
        "permit": (np.bool_, False),
        "decided": (np.bool_, False),
        "leave_week": (np.int64, NEVER),
        "permit_week": (np.int64, NEVER),
        "linked_gm": (np.int64, -1),
        "house_week": (np.int64, NEVER),
    }

    def __init__(self) -> None:
        self.n = 0
        self.ids: list[str] = []
        self.cols: dict[str, np.ndarray] = {
            k: np.full(1024, d, dtype=t) for k, (t, d) in self.COLS.items()
        }

    def __getattr__(self, name: str) -> np.ndarray:
        cols = self.__dict__.get("cols")
        if cols is not None and name in cols:
            return cols[name][: self.__dict__["n"]]
        raise AttributeError(name)

    def add(self, ids: list[str], **values: np.ndarray) -> np.ndarray:
        k = len(ids)
        need = self.n + k
        cap = self.cols["size"].shape[0]
        if need > cap:
            new = max(need, 2 * cap)
            for name, (t, d) in self.COLS.items():
                grown = np.full(new, d, dtype=t)
                grown[: self.n] = self.cols[name][: self.n]
                self.cols[name] = grown
        rows = np.arange(self.n, need)
        for name, v in values.items():
            self.cols[name][rows] = v
        self.ids.extend(ids)
        self.n = need
        return rows


@dataclass
class _Loc:
    """Locations of the run: the start's and the variant's sites (inactive until they open)."""

    ids: list[str]
    names: list[str]
    gm: list[str]
    kind: list[str]
    capacity: np.ndarray
    cost: np.ndarray
    families: np.ndarray
    amv: np.ndarray
    school: np.ndarray
    open_week: np.ndarray
    close_week: np.ndarray
    fixed_eur_week: np.ndarray
    res: np.ndarray
    removed: np.ndarray  # closed and empty

    def active(self, t: int) -> np.ndarray:
        return (self.open_week <= t) & ~self.removed

    def closing(self, t: int) -> np.ndarray:
        return self.active(t) & (self.close_week <= t)


@dataclass
class RunResult:
    """The weekly table of one run and where its time went."""

    weekly: pd.DataFrame
    allocate_seconds: float
    bookkeeping_seconds: float
    plans: list[Plan] = field(default_factory=list)


# ------------------------------------------------------------------------------------ the start
@lru_cache(maxsize=4)
def _generated(seed: int, scale: float, week: str, half_year: str, weeks_left: int) -> Scenario:
    return generate_scenario(
        ScenarioSpec(
            seed=seed,
            scale=scale,
            week=week,
            half_year=half_year,
            weeks_left=weeks_left,
            arrival_households=0,
        )
    )


def start_scenario(start: Start) -> Scenario:
    """The starting week (generated scenarios are cached per process: sweeps reuse them)."""
    if start.scenario is not None:
        from optimizer.documents.io import load_scenario

        return load_scenario(Path(start.scenario))
    return _generated(start.seed, start.scale, start.week, start.half_year, start.weeks_left)


def _stream(seed: int, purpose: int, week: int = 0, tag: str = "") -> np.random.Generator:
    return np.random.default_rng([seed, purpose, week, zlib.crc32(tag.encode())])


def _decision_draws(track: np.ndarray, u_dur: np.ndarray, u_out: np.ndarray, arrival_week: int):
    lo = np.array([DECISION[t][0] for t in TRACKS])[track]
    hi = np.array([DECISION[t][1] for t in TRACKS])[track]
    p = np.array([DECISION[t][2] for t in TRACKS])[track]
    dur = lo + np.floor(u_dur * (hi - lo + 1)).astype(np.int64)
    return arrival_week + dur, u_out < p


# -------------------------------------------------------------------------------- variants
@dataclass(frozen=True)
class ResolvedVariant:
    """A variant's fields resolved against its start week: everything the simulation applies
    of it, in one place (adding a variant field means resolving it here)."""

    policy: Policy
    close_week: dict[int, int]
    """Start location index -> the horizon week it closes (closures by id or name)."""
    site_weeks: list[int]
    """Horizon week each new site opens."""
    national_quota: int | None
    """The half-year's national quota, scaled to the run (None: the start week's quotas)."""


def variant_problems(start: Scenario, variant: Variant, where: str,
                     horizon: int | None = None) -> list[str]:
    """What in ``variant`` does not fit ``start`` (``where`` is the field path of the variant,
    e.g. ``variants[0]``); ``horizon`` limits ISO opening weeks to the run."""
    known = {loc.id for loc in start.locations} | {loc.name for loc in start.locations}
    problems = [
        f"{where}.closures[{j}].location: {c.location!r} is not a location of the start "
        f"scenario (give its id, e.g. 'L012', or its name)"
        for j, c in enumerate(variant.closures) if c.location not in known
    ]
    weeks = horizon_weeks_of(start, horizon or 520)
    for j, s in enumerate(variant.sites):
        if isinstance(s.opening_week, str) and s.opening_week not in weeks:
            span = (f"within the horizon ({start.week} + {horizon} weeks)" if horizon
                    else f"on or after the start week {start.week} (within ten years)")
            problems.append(f"{where}.sites[{j}].opening_week: {s.opening_week!r} is not {span}")
    return problems


def resolve_variant(start: Scenario, variant: Variant, sim: Simulation, scale: float,
                    where: str | None = None) -> ResolvedVariant:
    """The variant applied to its start week, or :class:`RunError` with every problem."""
    if problems := variant_problems(start, variant, where or f"variants[{variant.name}]"):
        raise RunError("; ".join(problems))
    by_key = {loc.id: i for i, loc in enumerate(start.locations)}
    by_key.update({loc.name: i for i, loc in enumerate(start.locations)})
    close: dict[int, int] = {}
    for c in variant.closures:
        i = by_key[c.location]
        close[i] = min(close.get(i, c.week), c.week)
    weeks = horizon_weeks_of(start, 520)
    return ResolvedVariant(
        policy=Policy(
            occupancy_min=variant.occupancy_min,
            occupancy_max=variant.occupancy_max,
            rebalance_candidates=0,
            link_candidates=sim.link_candidates,
        ),
        close_week=close,
        site_weeks=[w if isinstance(w, int) else weeks[w]
                    for w in (s.opening_week for s in variant.sites)],
        national_quota=(round(variant.national_quota * scale)
                        if variant.national_quota is not None else None),
    )


# ----------------------------------------------------------------------------------- simulation
class Simulator:
    """One run: a start scenario, a variant, an inflow and a seed, week after week."""

    def __init__(
        self,
        start: Scenario,
        variant: Variant,
        inflow: Inflow,
        seed: int,
        sim: Simulation,
        scale: float,
        validate: bool = False,
    ) -> None:
        self.start = start
        self.variant = variant
        self.inflow = inflow
        self.seed = seed
        self.sim = sim
        self.scale = scale
        self.validate = validate
        self.resolved = resolve_variant(start, variant, sim, scale)
        self.policy = self.resolved.policy
        self.opts = SolveOptions(
            time_limit_s=sim.time_limit_s, mip_rel_gap=sim.mip_rel_gap, threads=1, seed=SOLVER_SEED
        )
        self.pop = _Pop()
        self._init_locations()
        self._init_municipalities()
        self._init_households()

    # ---------------------------------------------------------------------------- initialisation
    def _init_locations(self) -> None:
        s, v = self.start, self.variant
        n0 = len(s.locations)
        sites = v.sites
        ids = [loc.id for loc in s.locations] + [f"NEW{j + 1:02d}" for j in range(len(sites))]
        close = np.full(n0 + len(sites), NEVER, dtype=np.int64)
        for i, week in self.resolved.close_week.items():
            close[i] = week
        for i, loc in enumerate(s.locations):
            if loc.closing:
                close[i] = 0
        sc = self.scale
        self.loc = _Loc(
            ids=ids,
            names=[loc.name for loc in s.locations] + [x.name for x in sites],
            gm=[loc.gm_code for loc in s.locations] + [x.gm_code for x in sites],
            kind=[loc.kind.value for loc in s.locations] + [x.kind for x in sites],
            capacity=np.array(
                [loc.capacity for loc in s.locations]
                + [max(1, round(x.capacity * sc)) for x in sites],
                dtype=np.int64,
            ),
            cost=np.array(
                [loc.cost_per_bed_day for loc in s.locations] + [x.cost_per_bed_day for x in sites]
            ),
            families=np.array(
                [loc.accepts_families for loc in s.locations] + [x.accepts_families for x in sites]
            ),
            amv=np.array([loc.accepts_amv for loc in s.locations] + [False] * len(sites)),
            school=np.array(
                [loc.school_nearby for loc in s.locations] + [x.school_nearby for x in sites]
            ),
            open_week=np.array(
                [0] * n0 + self.resolved.site_weeks, dtype=np.int64
            ),
            close_week=close,
            fixed_eur_week=np.array([0.0] * n0 + [x.fixed_eur_per_week * sc for x in sites]),
            res=np.array([loc.residents for loc in s.locations] + [0] * len(sites), dtype=np.int64),
            removed=np.zeros(n0 + len(sites), dtype=bool),
        )
        self.loc_index = {x: i for i, x in enumerate(ids)}

    def _init_municipalities(self) -> None:
        s = self.start
        self.gm_codes = [m.gm_code for m in s.municipalities]
        self.gm_index = {g: i for i, g in enumerate(self.gm_codes)}
        pop = load_municipalities().set_index("gm_code")["population"]
        self.population = pop.loc[self.gm_codes].to_numpy(dtype=float)
        self.quota = np.array([m.quota for m in s.municipalities], dtype=np.int64)
        self.housed = np.array([m.housed for m in s.municipalities], dtype=np.int64)
        self.linked = np.zeros(len(self.gm_codes), dtype=np.int64)  # from the households below
        if self.resolved.national_quota is not None:
            self.base_total = self.resolved.national_quota
            self.quota = self._apportion(self.base_total)
        else:
            self.base_total = int(self.quota.sum())
        self.half_year = s.half_year.id

    def _apportion(self, total: int) -> np.ndarray:
        return np.array(largest_remainder(total, self.population), dtype=np.int64)

    def _init_households(self) -> None:
        """The start scenario's households; arrivals among them arrive in week 0."""
        s = self.start
        rng = _stream(self.seed, 0)
        hh = s.households
        n = len(hh)
        size = np.array([h.size for h in hh], dtype=np.int64)
        track = np.array([TRACKS.index(h.track.value) for h in hh], dtype=np.int64)
        status = np.array(
            [
                {Status.arrival: ARRIVAL, Status.resident: RESIDENT}.get(h.status, STATUS_HOLDER)
                for h in hh
            ],
            dtype=np.int64,
        )
        loc = np.array([self.loc_index[h.location] for h in hh], dtype=np.int64)
        u_dur, u_out, u_house, u_entry = (rng.random(n) for _ in range(4))
        hi = np.array([DECISION[t][1] for t in TRACKS])[track]
        # residents are somewhere in their procedure: the decision is 1..max weeks away
        dec_res = 1 + np.floor(u_dur * hi).astype(np.int64)
        dec_arr, _ = _decision_draws(track, u_dur, u_out, 0)
        permit = u_out < np.array([DECISION[t][2] for t in TRACKS])[track]
        linked = np.array(
            [self.gm_index[h.linked_gm_code] if h.linked_gm_code else -1 for h in hh],
            dtype=np.int64,
        )
        is_sh = status == STATUS_HOLDER
        house_week = np.where(
            linked >= 0, 1 + np.floor(u_house * self.sim.housing_weeks).astype(np.int64), NEVER
        )
        permit_week = np.where(is_sh, -np.floor(u_house * 12).astype(np.int64), NEVER)
        is_arr = status == ARRIVAL
        rows = self.pop.add(
            [h.id for h in hh],
            size=size,
            school=np.array([h.school_age_children for h in hh], dtype=np.int64),
            amv=np.array([h.amv for h in hh]),
            track=track,
            status=status,
            loc=np.where(is_arr, -1, loc),
            entry_u=u_entry,
            decision_week=np.where(is_arr, dec_arr, np.where(is_sh, NEVER, dec_res)),
            permit=permit,
            decided=is_sh,
            permit_week=permit_week,
            linked_gm=linked,
            house_week=house_week,
        )
        np.add.at(self.linked, linked[linked >= 0], size[linked >= 0])
        self.quota = np.maximum(self.quota, self.housed + self.linked)
        # week-0 arrivals of the start: out of the counts now, back in as arrivals in week 0
        np.subtract.at(self.loc.res, loc[is_arr], size[is_arr])
        self.first_arrivals = rows[is_arr]
        self._seq = 0
        self._row: dict[str, int] = {}

    # ------------------------------------------------------------------------------- one week
    def _entry_of(self, u: np.ndarray, t: int) -> np.ndarray:
        act = self.loc.active(t) & ~self.loc.closing(t)
        entries = [i for i in np.flatnonzero(act) if self.loc.kind[i] in ENTRY_KINDS]
        if not entries:
            raise RunError("no open col/gvl entry point: arrivals cannot register")
        w = self.loc.capacity[entries].astype(float)
        cum = np.cumsum(w) / w.sum()
        return np.array(entries, dtype=np.int64)[
            np.searchsorted(cum, u, side="right").clip(0, len(entries) - 1)
        ]

    def _roll_half_year(self, t: int, hy: str) -> None:
        backlog = np.maximum(0, self.quota - self.housed)
        self.quota = self._apportion(self.base_total) + backlog
        self.housed[:] = 0
        self.half_year = hy

    def _decisions(self, t: int) -> int:
        p = self.pop
        due = np.flatnonzero(
            (p.status == RESIDENT) & (p.loc >= 0) & ~p.decided & (p.decision_week <= t)
        )
        p.decided[due] = True
        ok = due[p.permit[due]]
        p.status[ok] = STATUS_HOLDER
        p.permit_week[ok] = t
        no = due[~p.permit[due]]
        p.leave_week[no] = t + self.sim.leave_weeks
        return int(p.size[ok].sum())

    def _leave(self, t: int) -> int:
        p = self.pop
        go = np.flatnonzero((p.status == RESIDENT) & (p.loc >= 0) & (p.leave_week <= t))
        np.subtract.at(self.loc.res, p.loc[go], p.size[go])
        p.status[go] = GONE
        p.loc[go] = -1
        return int(p.size[go].sum())

    def _house(self, t: int) -> int:
        p = self.pop
        cand = np.flatnonzero(
            (p.status == STATUS_HOLDER) & (p.loc >= 0) & (p.linked_gm >= 0) & (p.house_week <= t)
        )
        if cand.size == 0:
            return 0
        order = cand[np.lexsort((cand, p.house_week[cand]))]
        cap = np.maximum(
            1, np.ceil(self.sim.housing_pace_factor * self.quota / 26.0 - 1e-9)
        ).astype(np.int64)
        used = np.zeros_like(cap)
        go = []
        for r in order:
            g = p.linked_gm[r]
            if used[g] + p.size[r] <= cap[g] or used[g] == 0:
                used[g] += p.size[r]
                go.append(r)
        rows = np.array(go, dtype=np.int64)
        gms, sizes = p.linked_gm[rows], p.size[rows]
        np.add.at(self.housed, gms, sizes)
        np.subtract.at(self.linked, gms, sizes)
        np.subtract.at(self.loc.res, p.loc[rows], sizes)
        p.status[rows] = GONE
        p.loc[rows] = -1
        return int(sizes.sum())

    def _arrive(self, t: int) -> tuple[np.ndarray, int, int]:
        """New arrivals (and the pool) registered at an entry point; returns listed rows."""
        p = self.pop
        new: NewHouseholds = draw_households(
            _stream(self.seed, 1, t, self.inflow.name),
            float(self.inflow.scaled(self.scale)[t]),
            self.inflow,
        )
        k = len(new)
        ids = [f"N{self._seq + j + 1:07d}" for j in range(k)]
        self._seq += k
        dec, permit = _decision_draws(new.track, new.u_decision, new.u_outcome, t)
        rows = p.add(
            ids,
            size=new.size,
            school=new.school,
            amv=new.amv,
            track=new.track,
            status=np.full(k, ARRIVAL),
            entry_u=new.u_entry,
            decision_week=dec,
            permit=permit,
        )
        if t == 0:
            rows = np.concatenate([self.first_arrivals, rows])
        arrived = int(p.size[rows].sum())
        pool = np.flatnonzero((p.status == ARRIVAL) & (p.loc < 0))
        listed = np.union1d(pool, rows)
        p.loc[listed] = self._entry_of(p.entry_u[listed], t)
        np.add.at(self.loc.res, p.loc[listed], p.size[listed])
        return listed, arrived, len(rows)

    def _scenario(
        self, t: int, label: str, hy: str, weeks_left: int, arrivals: np.ndarray
    ) -> Scenario:
        """This week's scenario for ``allocate``.

        Households listed: the arrivals (new and from the emergency pool), everyone at a closing
        location, and the link queue. Every other resident only counts in its location's
        ``residents``. A *full* location (no free bed) where no listed household is can receive no
        one and lose no one this week, so it is left out of the model (only constants of the
        objective change); its residents stay in the counts of the simulation.
        """
        p, L = self.pop, self.loc
        closing = L.closing(t)
        at_closing = np.flatnonzero((p.loc >= 0) & np.isin(p.loc, np.flatnonzero(closing)))
        rows = np.union1d(np.union1d(arrivals, at_closing), self._link_queue(weeks_left))
        needed = np.zeros(len(L.ids), dtype=bool)
        needed[p.loc[rows]] = True
        keep = L.active(t) & (needed | closing | (L.res < L.capacity))
        act = np.flatnonzero(keep)
        locations = [
            Location.model_construct(
                id=L.ids[i],
                name=L.names[i],
                gm_code=L.gm[i],
                kind=LocationKind(L.kind[i]),
                capacity=int(L.capacity[i]),
                residents=int(L.res[i]),
                closing=bool(closing[i]),
                accepts_families=bool(L.families[i]),
                accepts_amv=bool(L.amv[i]),
                school_nearby=bool(L.school[i]),
                cost_per_bed_day=float(L.cost[i]),
            )
            for i in act
        ]
        status_of = {ARRIVAL: Status.arrival, RESIDENT: Status.resident}
        # For an arrival only "has school-age children" matters (suitability; arrivals are no
        # moves, so their number is never priced): 0/1 gives the same plan with fewer classes.
        school = np.where(p.status == ARRIVAL, np.minimum(p.school, 1), p.school)
        households = [
            Household.model_construct(
                id=p.ids[r],
                size=int(p.size[r]),
                school_age_children=int(school[r]),
                amv=bool(p.amv[r]),
                status=status_of.get(int(p.status[r]), Status.status_holder),
                track=TRACK_ENUM[int(p.track[r])],
                location=L.ids[int(p.loc[r])],
                linked_gm_code=self.gm_codes[int(p.linked_gm[r])] if p.linked_gm[r] >= 0 else None,
            )
            for r in rows
        ]
        municipalities = [
            Municipality.model_construct(
                gm_code=g,
                quota=int(self.quota[j]),
                housed=int(self.housed[j]),
                linked=int(self.linked[j]),
            )
            for j, g in enumerate(self.gm_codes)
        ]
        kw: dict[str, Any] = dict(
            week=label,
            half_year=HalfYear.model_construct(id=hy, weeks_left=weeks_left),
            policy=self.policy,
            locations=locations,
            municipalities=municipalities,
            households=households,
            pins=[],
        )
        if self.validate:
            return Scenario.model_validate(Scenario.model_construct(**kw).model_dump())
        return Scenario.model_construct(**kw)

    def _link_queue(self, weeks_left: int) -> np.ndarray:
        """Status holders offered for a link this week: the longest waiting first (FIFO by permit
        week), about twice this week's quota pace in persons (never more than the quota left).

        Listing every waiting status holder would only grow the model: links are capped by the
        quota left, and the pace rule asks for ``remaining / weeks_left`` a week.
        """
        p = self.pop
        awaiting = np.flatnonzero((p.status == STATUS_HOLDER) & (p.loc >= 0) & (p.linked_gm < 0))
        remaining = np.maximum(0, self.quota - self.housed - self.linked)
        pace = np.ceil(remaining / weeks_left - 1e-9)
        budget = min(float(remaining.sum()), 2.0 * float(pace.sum()) + 20.0)
        if budget <= 0 or awaiting.size == 0:
            return awaiting[:0]
        order = awaiting[np.lexsort((awaiting, p.permit_week[awaiting]))]
        cum = np.cumsum(p.size[order])
        return np.sort(order[: int(np.searchsorted(cum, budget, side="left")) + 1])

    def _apply(self, t: int, plan: Plan) -> None:
        p, L = self.pop, self.loc
        row = self._row
        for pl in plan.placements:
            r = row[pl.household]
            d = self.loc_index[pl.location]
            L.res[p.loc[r]] -= p.size[r]
            L.res[d] += p.size[r]
            p.loc[r] = d
            if p.status[r] == ARRIVAL:
                p.status[r] = RESIDENT
        for u in plan.unplaced:
            r = row[u.household]
            L.res[p.loc[r]] -= p.size[r]
            p.loc[r] = -1
        still = np.flatnonzero((p.status == ARRIVAL) & (p.loc >= 0))  # stayed at the entry
        p.status[still] = RESIDENT
        for lk in plan.links:
            r = row[lk.household]
            g = self.gm_index[lk.gm_code]
            p.linked_gm[r] = g
            p.house_week[r] = t + self.sim.housing_weeks
            self.linked[g] += p.size[r]
        closing = L.closing(t)
        L.removed |= closing & (L.res == 0)

    def _refresh_rows(self) -> None:
        row = self._row
        for i in range(len(row), self.pop.n):
            row[self.pop.ids[i]] = i

    def run(self, horizon: int, keep_plans: bool = False) -> RunResult:
        """Simulate ``horizon`` weeks; one row per week."""
        t_all = time.perf_counter()
        alloc_s = 0.0
        records: list[dict[str, Any]] = []
        plans: list[Plan] = []
        L = self.loc
        res_prev = int(L.res.sum())
        pool_prev = 0
        for t in range(horizon):
            label, iy, iw = iso_add(self.start.week, t)
            if t == 0:
                hy, weeks_left = self.start.half_year.id, self.start.half_year.weeks_left
            else:
                hy, weeks_left = half_year_of(iy, iw)
                if hy != self.half_year:
                    self._roll_half_year(t, hy)
            permits = self._decisions(t)
            left = self._leave(t)
            housed = self._house(t)
            listed, arrived, arr_hh = self._arrive(t)
            self._refresh_rows()
            s = self._scenario(t, label, hy, weeks_left, listed)
            t0 = time.perf_counter()
            plan = allocate(s, self.opts)
            alloc_s += time.perf_counter() - t0
            self._apply(t, plan)
            if keep_plans:
                plans.append(plan)
            rec = self._record(t, label, plan, arrived, arr_hh, permits, left, housed)
            rec["residents_start"] = res_prev
            rec["beds_short_start"] = pool_prev
            res_prev, pool_prev = int(rec["residents"]), int(rec["beds_short"])
            records.append(rec)
        total = time.perf_counter() - t_all
        df = pd.DataFrame.from_records(records)
        df.insert(0, "seed", self.seed)
        df.insert(0, "inflow", self.inflow.name)
        df.insert(0, "variant", self.variant.name)
        return RunResult(df, alloc_s, total - alloc_s, plans)

    def _record(
        self,
        t: int,
        label: str,
        plan: Plan,
        arrived: int,
        arr_hh: int,
        permits: int,
        left: int,
        housed: int,
    ) -> dict[str, Any]:
        p, L = self.pop, self.loc
        act = L.active(t) & ~L.closing(t)
        act_any = L.active(t)
        pool = int(p.size[(p.status == ARRIVAL) & (p.loc < 0)].sum())
        residents = int(L.res.sum())
        beds = int(L.capacity[act].sum())
        sh = (p.status == STATUS_HOLDER) & (p.loc >= 0)
        late = sh & (t - p.permit_week > self.sim.waiting_target_weeks)
        bed_cost = float((L.res[act_any] * L.cost[act_any]).sum() * DAYS)
        fixed = float(L.fixed_eur_week[act_any].sum())
        emergency = pool * DAYS * self.sim.emergency_eur_per_person_day
        k = plan.kpis
        rec: dict[str, Any] = {
            "week": t,
            "iso_week": label,
            "arrivals_households": arr_hh,
            "arrivals_persons": arrived,
            "permits_persons": permits,
            "left_rejected_persons": left,
            "housed_persons": housed,
            "residents": residents,
            "beds_short": pool,
            "beds_total": beds,
            "occupancy_total": round(residents / beds, 4) if beds else math.nan,
        }
        by_kind_res: dict[str, int] = defaultdict(int)
        by_kind_cap: dict[str, int] = defaultdict(int)
        for i in np.flatnonzero(act):
            by_kind_res[L.kind[i]] += int(L.res[i])
            by_kind_cap[L.kind[i]] += int(L.capacity[i])
        for kind in OCCUPANCY_KINDS:
            cap = by_kind_cap.get(kind, 0)
            rec[f"occupancy_{kind}"] = round(by_kind_res[kind] / cap, 4) if cap else math.nan
        rec.update(
            {
                "moves_persons": k.moves_persons,
                "moves_school_age_children": k.moves_school_age_children,
                "links_persons": k.links_persons,
                "distance_person_km": k.distance_person_km,
                "link_distance_person_km": k.link_distance_person_km,
                "status_holders_waiting_persons": int(p.size[sh].sum()),
                "status_holders_over_target_persons": int(p.size[late].sum()),
                "bed_cost_eur": round(bed_cost, 2),
                "site_fixed_eur": round(fixed, 2),
                "emergency_eur": round(emergency, 2),
                "cost_eur": round(bed_cost + fixed + emergency, 2),
                "open_sites": int(sum(1 for i in np.flatnonzero(act_any) if L.ids[i][:3] == "NEW")),
                "plan_status": plan.status.value,
                "solve_seconds": plan.solve_seconds,
            }
        )
        return rec


def simulate(
    start: Scenario,
    variant: Variant,
    inflow: Inflow,
    seed: int,
    horizon: int = 26,
    sim: Simulation | None = None,
    scale: float = 1.0,
    validate: bool = False,
    keep_plans: bool = False,
) -> RunResult:
    """Run one variant under one inflow with one seed for ``horizon`` weeks."""
    sim_ = sim or Simulation()
    return Simulator(start, variant, inflow, seed, sim_, scale, validate).run(horizon, keep_plans)


def inflow_for(spec: RunSpec, name: str) -> Inflow:
    """The named inflow over the spec's horizon (profile by ISO week, or a given series)."""
    weeks = [
        iso_add(spec.start.week if spec.start.scenario is None else _start_week(spec), t)[2]
        for t in range(spec.horizon_weeks)
    ]
    series = {s.name: s.persons_per_week for s in spec.inflow_series}
    return make_inflow(name, weeks, series.get(name))


def _start_week(spec: RunSpec) -> str:
    return start_scenario(spec.start).week


def run_one(spec: RunSpec, variant: Variant, inflow: str, seed: int) -> RunResult:
    """One task of a sweep: everything it needs is in its arguments (nothing global but caches)."""
    start = start_scenario(spec.start)
    return simulate(
        start,
        variant,
        inflow_for(spec, inflow),
        seed,
        spec.horizon_weeks,
        spec.simulation,
        spec.start.scale,
    )


def check_variants(spec: RunSpec, start: Scenario) -> list[str]:
    """Problems of the variants against the start scenario (closures, ISO opening weeks): the
    one place variants are validated, by :func:`variant_problems` as the simulation applies
    them."""
    return [p for i, v in enumerate(spec.variants)
            for p in variant_problems(start, v, f"variants[{i}]", spec.horizon_weeks)]


def horizon_weeks_of(start: Scenario, horizon: int) -> dict[str, int]:
    """ISO week label -> horizon week index."""
    return {iso_add(start.week, t)[0]: t for t in range(horizon)}
