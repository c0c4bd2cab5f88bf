r"""Feasibility check of the half-year taakstelling per municipality and per province (an LP).

Indices: municipality g in province r(g), week t = 1..W (W = weeks left). Figures (persons):

* need_g = max(0, target_g - housed_g) with target = quota + backlog;
* capacity_limit_g = floor(c_g W), c_g the weekly housing capacity (given, or from history);
* pipeline_g = min(linked_g, need_g, capacity_limit_g): linked persons need no new supply;
* room_g = min(need_g, capacity_limit_g) - pipeline_g: what g could still take from new links;
* arrivals_{r,t} = S_r [t = 1] + F_r [t > lead]: status holders waiting now S_r, plus new permits
  F_r per week that can be housed ``lead`` weeks after the permit.

Variables: v_x[g,t] new status holders housed in g in week t (<= c_g), v_p[g] pipeline housed,
v_stock[r,t] status holders of r still unlinked after week t, v_fill[r] in [0, 1].

Families (rows):

* ``quota_remaining``:   v_p[g] + sum_t v_x[g,t] <= need_g
* ``housing_capacity``:  v_p[g] + sum_t v_x[g,t] <= capacity_limit_g
* ``regional_supply``:   v_stock[r,t] - v_stock[r,t-1] + sum_{g in r} v_x[g,t] = arrivals_{r,t}
* ``fair_share``:        sum_t v_x[g,t] >= v_fill[r] room_g  (scarce supply shared pro rata room)

Objective (max): persons housed towards the quotas (weight 1), then the fair-share floor
(0.1 per province), then tiny preferences for the pipeline and for early weeks (1e-5).

The cause of a shortfall is then checkable by hand from the reported figures:
shortfall_capacity = need - min(need, capacity_limit) and shortfall_supply = the rest. Capacity
shortfalls are ``time_left`` when c_g x 26 >= target (the pace would have sufficed over a whole
half-year) and ``housing_capacity`` otherwise; supply shortfalls are ``regional_supply``.

Why highspy directly and not Pyomo: see ``optimizer.quotas.lp`` (speed target of 1 s nationally).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from optimizer.documents.plan import StoppedBy
from optimizer.quotas.documents import (
    HALF_YEAR_WEEKS,
    BindingCause,
    CapacitySource,
    LadderStage,
    LadderThresholds,
    MunicipalityCheck,
    ProvinceCheck,
    QuotaCheck,
    QuotaStatus,
    SolverInfo,
)
from optimizer.quotas.lp import INF, LpBuilder
from optimizer.reference_data import load_municipalities, load_provinces

W_HOUSED = 1.0
W_FILL = 0.1
W_PIPELINE = 2e-5
W_EARLY = 1e-5
EPS = 1e-5  # above HiGHS' feasibility tolerance, below any whole person


@dataclass(frozen=True)
class CheckData:
    """Clean arrays for the LP, one entry per municipality (g) or province (r)."""

    gm_codes: list[str]
    gm_names: list[str]
    pv_of: np.ndarray  # province index per municipality
    pv_codes: list[str]
    pv_names: list[str]
    quota: np.ndarray
    backlog: np.ndarray
    target: np.ndarray
    housed: np.ndarray
    linked: np.ndarray
    capacity: np.ndarray  # persons per week
    capacity_source: list[CapacitySource]
    need: np.ndarray
    capacity_limit: np.ndarray
    pipeline: np.ndarray
    room: np.ndarray
    stock: np.ndarray  # per province: waiting now
    forecast: np.ndarray  # per province: new permits per week
    weeks_left: int
    lead: int

    def arrivals(self) -> np.ndarray:
        """(R, W) status holders becoming available for housing in week t."""
        w = self.weeks_left
        a = np.zeros((len(self.pv_codes), w))
        a[:, 0] += self.stock
        if self.lead < w:
            a[:, self.lead :] += self.forecast[:, None]
        return a

    def usable_new_permits(self) -> np.ndarray:
        return self.forecast * max(0, self.weeks_left - self.lead)


def select_province(status: QuotaStatus, pv_code: str) -> QuotaStatus:
    """The status restricted to one province's municipalities; ``ValueError`` if none."""
    pv = dict(zip(*_ref_columns("gm_code", "pv_code"), strict=True))
    keep = [m for m in status.municipalities if pv[m.gm_code] == pv_code]
    if not keep:
        known = sorted({pv[m.gm_code] for m in status.municipalities})
        raise ValueError(
            f"--province: no municipalities of {pv_code!r} in the status (has {known})"
        )
    return status.model_copy(update={"municipalities": keep})


def _ref_columns(*cols: str) -> list[list[str]]:
    df = load_municipalities()
    return [df[c].tolist() for c in cols]


def supply_per_province(status: QuotaStatus, pv_codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(stock now, new permits per week) per province in ``pv_codes``.

    A national forecast is split pro rata province population (the taakstelling is pro rata
    population, and COA links new permit holders pro rata the taakstelling).
    """
    gm_pv = dict(zip(*_ref_columns("gm_code", "pv_code"), strict=True))
    idx = {p: i for i, p in enumerate(pv_codes)}
    stock = np.zeros(len(pv_codes))
    for w in status.supply.waiting:
        r = idx.get(gm_pv[w.place_gm_code])
        if r is not None:
            stock[r] += w.persons
    for p, n in status.supply.waiting_by_province.items():
        if p in idx:
            stock[idx[p]] += n
    f = status.supply.forecast_new_permits_per_week
    if isinstance(f, dict):
        forecast = np.array([float(f.get(p, 0.0)) for p in pv_codes])
    else:
        prov = load_provinces().set_index("pv_code")["population"]
        forecast = np.array([f * prov[p] / prov.sum() for p in pv_codes])
    return stock, forecast


def prepare(status: QuotaStatus) -> CheckData:
    """Turn the validated status into arrays (capacity defaults, need, room, supply)."""
    ref = load_municipalities().set_index("gm_code")
    provs = load_provinces().set_index("pv_code")["pv_name"]
    ms = sorted(status.municipalities, key=lambda m: m.gm_code)
    gm_codes = [m.gm_code for m in ms]
    pv_of_code = [str(ref.at[g, "pv_code"]) for g in gm_codes]
    pv_codes = sorted(set(pv_of_code))
    pv_idx = {p: i for i, p in enumerate(pv_codes)}
    w = status.half_year.weeks_left
    elapsed = status.half_year.weeks_elapsed
    quota = np.array([m.quota for m in ms], dtype=np.int64)
    backlog = np.array([m.backlog for m in ms], dtype=np.int64)
    target = quota + backlog
    housed = np.array([m.housed for m in ms], dtype=np.int64)
    linked = np.array([m.linked for m in ms], dtype=np.int64)
    cap = np.zeros(len(ms))
    src: list[CapacitySource] = []
    for i, m in enumerate(ms):
        if m.housing_capacity_per_week is not None:
            cap[i], s = m.housing_capacity_per_week, CapacitySource.given
        elif elapsed >= status.capacity_history_min_weeks:
            cap[i], s = m.housed / elapsed, CapacitySource.history
        else:
            cap[i], s = m.target / HALF_YEAR_WEEKS, CapacitySource.quota_pace
        src.append(s)
    need = np.maximum(0, target - housed)
    cap_limit = np.floor(cap * w + EPS).astype(np.int64)
    reach_cap = np.minimum(need, cap_limit)
    pipeline = np.minimum(linked, reach_cap)
    stock, forecast = supply_per_province(status, pv_codes)
    return CheckData(
        gm_codes=gm_codes,
        gm_names=[str(ref.at[g, "gm_name"]) for g in gm_codes],
        pv_of=np.array([pv_idx[p] for p in pv_of_code], dtype=np.int64),
        pv_codes=pv_codes,
        pv_names=[str(provs[p]) for p in pv_codes],
        quota=quota,
        backlog=backlog,
        target=target,
        housed=housed,
        linked=linked,
        capacity=cap,
        capacity_source=src,
        need=need,
        capacity_limit=cap_limit,
        pipeline=pipeline,
        room=reach_cap - pipeline,
        stock=stock,
        forecast=forecast,
        weeks_left=w,
        lead=status.supply.lead_time_weeks,
    )


# ----------------------------------------------------------------------------- the LP


@dataclass(frozen=True)
class _Cols:
    x: np.ndarray  # (G, W) column index, -1 where g has no room
    p: np.ndarray  # (G,)
    stock: np.ndarray  # (R, W)
    fill: np.ndarray  # (R,)
    gx: np.ndarray  # municipalities with room > 0


def add_variables(lp: LpBuilder, d: CheckData) -> _Cols:
    n_g, n_r, w = len(d.gm_codes), len(d.pv_codes), d.weeks_left
    gx = np.flatnonzero(d.room > 0)
    early = W_HOUSED + W_EARLY * (w - np.arange(1, w + 1)) / w
    x = np.full((n_g, w), -1, dtype=np.int64)
    if len(gx):
        cols = lp.add_cols(
            "v_x",
            np.tile(early, len(gx)),
            0.0,
            np.repeat(d.capacity[gx], w),
        )
        x[gx] = cols.reshape(len(gx), w)
    p = lp.add_cols("v_p", np.full(n_g, W_HOUSED + W_PIPELINE), 0.0, d.pipeline.astype(float))
    stock = lp.add_cols("v_stock", np.zeros(n_r * w), 0.0, INF).reshape(n_r, w)
    fill = lp.add_cols("v_fill", np.full(n_r, W_FILL), 0.0, 1.0)
    return _Cols(x=x, p=p, stock=stock, fill=fill, gx=gx)


def _housed_rows(d: CheckData, c: _Cols) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Triplets of v_p[g] + sum_t v_x[g,t], one row per municipality."""
    n_g, w = len(d.gm_codes), d.weeks_left
    rows = [np.arange(n_g), np.repeat(c.gx, w)]
    cols = [c.p, c.x[c.gx].ravel()]
    return np.concatenate(rows), np.concatenate(cols), np.ones(n_g + len(c.gx) * w)


def add_quota_remaining(lp: LpBuilder, d: CheckData, c: _Cols) -> None:
    """v_p[g] + sum_t v_x[g,t] <= need_g: nothing counts beyond the target."""
    r, k, v = _housed_rows(d, c)
    lp.add_rows("quota_remaining", np.full(len(d.need), -INF), d.need.astype(float), r, k, v)


def add_housing_capacity(lp: LpBuilder, d: CheckData, c: _Cols) -> None:
    """v_p[g] + sum_t v_x[g,t] <= floor(c_g W): the municipality's homes in the weeks left."""
    r, k, v = _housed_rows(d, c)
    ub = d.capacity_limit.astype(float)
    lp.add_rows("housing_capacity", np.full(len(ub), -INF), ub, r, k, v)


def add_regional_supply(lp: LpBuilder, d: CheckData, c: _Cols) -> None:
    """v_stock[r,t] - v_stock[r,t-1] + sum_{g in r} v_x[g,t] = arrivals_{r,t}."""
    n_r, w = len(d.pv_codes), d.weeks_left
    row_of = np.arange(n_r * w).reshape(n_r, w)
    rows = [row_of.ravel(), row_of[:, 1:].ravel()]
    cols = [c.stock.ravel(), c.stock[:, :-1].ravel()]
    vals = [np.ones(n_r * w), -np.ones(n_r * (w - 1))]
    if len(c.gx):
        rows.append(row_of[d.pv_of[c.gx]].ravel())
        cols.append(c.x[c.gx].ravel())
        vals.append(np.ones(len(c.gx) * w))
    rhs = d.arrivals().ravel()
    lp.add_rows(
        "regional_supply",
        rhs,
        rhs,
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(vals),
    )


def add_fair_share(lp: LpBuilder, d: CheckData, c: _Cols) -> None:
    """sum_t v_x[g,t] - v_fill[r] room_g >= 0: scarce supply is shared pro rata room."""
    n, w = len(c.gx), d.weeks_left
    if n == 0:
        return
    rows = np.concatenate([np.repeat(np.arange(n), w), np.arange(n)])
    cols = np.concatenate([c.x[c.gx].ravel(), c.fill[d.pv_of[c.gx]]])
    vals = np.concatenate([np.ones(n * w), -d.room[c.gx].astype(float)])
    lp.add_rows("fair_share", np.zeros(n), INF, rows, cols, vals)


def create_lp(d: CheckData) -> tuple[LpBuilder, _Cols]:
    """The check LP as a flat list of constraint families."""
    lp = LpBuilder(maximize=True)
    c = add_variables(lp, d)
    # hard
    add_quota_remaining(lp, d, c)
    add_housing_capacity(lp, d, c)
    add_regional_supply(lp, d, c)
    # sharing rule
    add_fair_share(lp, d, c)
    return lp, c


# ----------------------------------------------------------------------------- results


def ladder_stage(pace: float | None, ladder: LadderThresholds) -> LadderStage:
    """Stage on the intervention ladder that the pace suggests (no pace yet: on track)."""
    if pace is None or pace >= ladder.on_track_min:
        return LadderStage.on_track
    if pace >= ladder.behind_min:
        return LadderStage.behind
    return LadderStage.far_behind


def pace_of(target: int, housed: int, linked: int, weeks_left: int) -> float | None:
    """(housed + linked) / (target x elapsed / 26); None when nothing was expected yet."""
    expected = target * (HALF_YEAR_WEEKS - weeks_left) / HALF_YEAR_WEEKS
    return None if expected <= 0 else (housed + linked) / expected


def _explain(
    cause: BindingCause, i: int, d: CheckData, got: int, fill: float, short_cap: int
) -> str:
    w, c = d.weeks_left, float(d.capacity[i])
    need, lim, tgt = int(d.need[i]), int(d.capacity_limit[i]), int(d.target[i])
    pv = d.pv_codes[d.pv_of[i]]
    r = d.pv_of[i]
    if cause is BindingCause.none:
        return f"reaches {tgt}: needs {need} more, can house {lim} in {w} weeks at {c:.1f}/week"
    if cause is BindingCause.regional_supply:
        return (
            f"could take {int(d.room[i])} new status holders but gets {got}: {pv} has "
            f"{int(d.stock[r])} waiting + {d.usable_new_permits()[r]:.0f} usable new permits, "
            f"{fill:.0%} of what its municipalities can take"
            + (f"; also {short_cap} short on capacity" if short_cap else "")
        )
    full = c * HALF_YEAR_WEEKS
    if cause is BindingCause.time_left:
        return (
            f"needs {need} more but can house only {lim} in {w} weeks at {c:.1f}/week; "
            f"that pace over a whole half-year ({full:.0f}) would reach the target {tgt}"
        )
    return (
        f"needs {need} more but can house only {lim} in {w} weeks at {c:.1f}/week; "
        f"even 26 weeks at that pace ({full:.0f}) stay below the target {tgt}"
    )


def check_quotas(status: QuotaStatus, time_limit_s: float = 30.0) -> QuotaCheck:
    """Solve the check LP and report per municipality and province (never raises on shortfall).

    ``time_limit_s``: wall-clock seconds from this call to the LP's answer (preparation included);
    ``stopped_by`` in the result says whether the limit ended the LP."""
    t0 = time.perf_counter()
    d = prepare(status)
    lp, c = create_lp(d)
    res = lp.solve(time_limit_s - (time.perf_counter() - t0))
    n_g, w = len(d.gm_codes), d.weeks_left
    xs = np.zeros((n_g, w))
    if len(c.gx):
        xs[c.gx] = res.x[c.x[c.gx]]
    p_val = res.x[c.p]
    fill = res.x[c.fill]
    ladder = status.ladder

    rows: list[MunicipalityCheck] = []
    for i in range(n_g):
        p_i = int(math.floor(p_val[i] + EPS))
        total_new = int(math.floor(p_val[i] + xs[i].sum() + EPS))
        got = max(0, total_new - p_i)
        reach = int(d.housed[i]) + p_i + got
        short = max(0, int(d.target[i]) - reach)
        short_cap = int(d.need[i] - min(d.need[i], d.capacity_limit[i]))
        short_sup = max(0, short - short_cap)
        if short == 0:
            cause = BindingCause.none
        elif short_sup > short_cap:
            cause = BindingCause.regional_supply
        elif d.capacity[i] * HALF_YEAR_WEEKS + EPS >= d.target[i]:
            cause = BindingCause.time_left
        else:
            cause = BindingCause.housing_capacity
        pace = pace_of(int(d.target[i]), int(d.housed[i]), int(d.linked[i]), w)
        rows.append(
            MunicipalityCheck(
                gm_code=d.gm_codes[i],
                gm_name=d.gm_names[i],
                pv_code=d.pv_codes[d.pv_of[i]],
                quota=int(d.quota[i]),
                backlog=int(d.backlog[i]),
                target=int(d.target[i]),
                housed=int(d.housed[i]),
                linked=int(d.linked[i]),
                pace=None if pace is None else round(pace, 4),
                ladder_stage=ladder_stage(pace, ladder),
                housing_capacity_per_week=round(float(d.capacity[i]), 3),
                capacity_source=d.capacity_source[i],
                capacity_limit=int(d.capacity_limit[i]),
                need=int(d.need[i]),
                housed_from_pipeline=p_i,
                housed_from_supply=got,
                best_reachable=reach,
                shortfall=short,
                shortfall_capacity=short_cap,
                shortfall_supply=short_sup,
                binding_cause=cause,
                explanation=_explain(cause, i, d, got, float(fill[d.pv_of[i]]), short_cap),
            )
        )
    return QuotaCheck(
        half_year=status.half_year.id,
        weeks_left=w,
        lead_time_weeks=d.lead,
        ladder=ladder,
        solver=SolverInfo(
            solver="HiGHS (highspy)",
            status=res.status,
            seconds=round(res.seconds, 4),
            columns=res.columns,
            rows=res.rows,
            objective=round(res.objective, 4),
        ),
        stopped_by=StoppedBy.time_limit if res.stopped else None,
        provinces=_province_rows(d, rows, xs, fill),
        municipalities=rows,
    )


def _province_rows(
    d: CheckData, rows: list[MunicipalityCheck], xs: np.ndarray, fill: np.ndarray
) -> list[ProvinceCheck]:
    out: list[ProvinceCheck] = []
    usable = d.usable_new_permits()
    for r, pv in enumerate(d.pv_codes):
        ids = np.flatnonzero(d.pv_of == r)
        mine = [rows[i] for i in ids]
        on_time = d.capacity[ids] * HALF_YEAR_WEEKS + EPS >= d.target[ids]
        short_cap = np.array([m.shortfall_capacity for m in mine])
        by_cause = {
            BindingCause.regional_supply: sum(m.shortfall_supply for m in mine),
            BindingCause.time_left: int(short_cap[on_time].sum()),
            BindingCause.housing_capacity: int(short_cap[~on_time].sum()),
        }
        worst = max(by_cause, key=lambda k: by_cause[k])
        stages = [m.ladder_stage for m in mine]
        weekly = xs[d.pv_of == r].sum(axis=0)
        room_r = int(d.room[d.pv_of == r].sum())
        out.append(
            ProvinceCheck(
                pv_code=pv,
                pv_name=d.pv_names[r],
                municipalities=len(mine),
                target=sum(m.target for m in mine),
                housed=sum(m.housed for m in mine),
                linked=sum(m.linked for m in mine),
                best_reachable=sum(m.best_reachable for m in mine),
                shortfall=sum(m.shortfall for m in mine),
                on_track=stages.count(LadderStage.on_track),
                behind=stages.count(LadderStage.behind),
                far_behind=stages.count(LadderStage.far_behind),
                missing_quota=sum(1 for m in mine if m.shortfall > 0),
                supply_waiting_now=int(d.stock[r]),
                supply_new_permits_usable=round(float(usable[r]), 2),
                supply_used=round(float(weekly.sum()), 2),
                supply_fill_share=round(float(fill[r]) if room_r else 1.0, 4),
                binding_cause=worst if by_cause[worst] > 0 else BindingCause.none,
                weekly_housed_from_supply=[round(float(v), 2) for v in weekly],
            )
        )
    return out
