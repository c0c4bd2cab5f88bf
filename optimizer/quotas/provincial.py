r"""Measure 6.3.2 (BMH 'Naar een wendbare migratieketen', 2020): a provincial taakstelling instead of a municipal one.

The province gets the sum of its municipalities' targets (quota + backlog) and distributes the
part not yet housed or linked, R_r = max(0, sum_g target_g - sum_g (housed_g + linked_g)), among
its municipalities by housing capacity and the status holders nearby. Per province a transport LP:

* ``supply``:            sum_g v_y[k,g] <= s_k            status holders at supply point k
* ``housing_capacity``:  sum_k v_y[k,g] <= max(0, floor(c_g W) - linked_g)
* ``province_total``:    sum_{k,g} v_y[k,g] <= R_r
* objective (min):       sum d_kg v_y[k,g] - M sum v_y   (house most in time, then fewest km)

Supply points: status holders waiting at places in the province (supply.waiting), plus the
province's waiting_by_province and its usable new permits (forecast x max(0, W - lead), floored),
spread over those points pro rata their stock (else pro rata status_holders_nearby, else
population). The LP is a network flow with integer data, so HiGHS' vertex solution is integral.
The part of R_r that cannot be housed in time (U_r = R_r - sum v_y) is shared pro rata weekly
capacity (largest remainder), so the provincial quotas sum to exactly max(R_r, 0) on top of what is
housed and linked: never less than the sum of the municipalities' targets.

The comparison ("pro rata") runs the same transport LP with each municipality capped at its own
remaining target. Gains: persons housed by the end of the half-year, weeks to complete (slowest
municipality: (quota - housed) / capacity) and person-km from supply point to municipality.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from optimizer.documents.plan import StoppedBy
from optimizer.quotas.apportion import largest_remainder
from optimizer.quotas.check import CheckData, prepare, supply_per_province
from optimizer.quotas.documents import (
    MunicipalityVariant,
    ProvinceVariant,
    ProvincialVariant,
    QuotaStatus,
)
from optimizer.quotas.lp import INF, LpBuilder
from optimizer.reference_data import distance_matrix_km, load_municipalities

BIG_M_KM = 10_000.0  # one more person housed in time outweighs any distance in the Netherlands


@dataclass(frozen=True)
class _Points:
    gm_codes: list[str]
    persons: np.ndarray  # integer supply per point


def supply_points(status: QuotaStatus, d: CheckData, r: int) -> _Points:
    """Supply points of province ``r`` (see module docstring)."""
    ref = load_municipalities().set_index("gm_code")
    pv = d.pv_codes[r]
    per: dict[str, int] = {}
    for w in status.supply.waiting:
        g = w.place_gm_code
        if ref.at[g, "pv_code"] == pv:
            per[g] = per.get(g, 0) + w.persons
    stock, forecast = supply_per_province(status, [pv])
    extra_stock = int(stock[0]) - sum(per.values())  # waiting_by_province
    usable = int(math.floor(forecast[0] * max(0, d.weeks_left - d.lead) + 1e-9))
    extra = extra_stock + usable
    mine = np.flatnonzero(d.pv_of == r)
    if per and sum(per.values()) > 0:
        codes, weights = list(per), np.array(list(per.values()), dtype=float)
    else:
        codes = [d.gm_codes[i] for i in mine]
        nearby = {m.gm_code: m.status_holders_nearby for m in status.municipalities}
        near = np.array([float(nearby.get(g) or 0) for g in codes])
        weights = near if near.sum() > 0 else ref.loc[codes, "population"].to_numpy(float)
    base = np.array([per.get(g, 0) for g in codes], dtype=np.int64)
    add = np.array(largest_remainder(extra, weights.tolist()), dtype=np.int64) if extra > 0 else 0
    return _Points(gm_codes=codes, persons=base + add)


@dataclass
class Clock:
    """The wall-clock limit shared by every transport LP of one call."""

    limit_s: float = 30.0
    start: float = field(default_factory=time.perf_counter)
    stopped: bool = False

    def left(self) -> float:
        return self.limit_s - (time.perf_counter() - self.start)


def transport(
    supply: np.ndarray,
    dist_km: np.ndarray,
    upper: np.ndarray,
    total: int | None,
    clock: Clock | None = None,
) -> np.ndarray:
    """Integral (K, G) flow: most persons first, then fewest person-km (within ``clock``)."""
    k, g = dist_km.shape
    y = np.zeros((k, g))
    cols_g = np.flatnonzero(upper > 0)
    pts = np.flatnonzero(supply > 0)
    if len(cols_g) == 0 or len(pts) == 0 or total == 0:
        return y
    lp = LpBuilder(maximize=False)
    rk2, rg2 = np.meshgrid(np.arange(len(pts)), np.arange(len(cols_g)), indexing="ij")
    rk, rg = rk2.ravel(), rg2.ravel()  # row within the supply / capacity family
    kk, gg = pts[rk], cols_g[rg]
    idx = lp.add_cols("v_y", dist_km[kk, gg] - BIG_M_KM, 0.0, INF)
    one = np.ones(len(idx))
    lp.add_rows("supply", np.full(len(pts), -INF), supply[pts].astype(float), rk, idx, one)
    lp.add_rows(
        "housing_capacity", np.full(len(cols_g), -INF), upper[cols_g].astype(float), rg, idx, one
    )
    if total is not None:
        lp.add_rows("province_total", np.array([-INF]), np.array([float(total)]), 0 * rk, idx, one)
    clock = clock or Clock()
    res = lp.solve(clock.left())
    clock.stopped = clock.stopped or res.stopped
    y[kk, gg] = np.round(res.x[idx])
    return y


def _weeks(need: np.ndarray, cap: np.ndarray) -> list[float | None]:
    out: list[float | None] = []
    for n, c in zip(need, cap, strict=True):
        if n <= 0:
            out.append(0.0)
        elif c <= 1e-9 or n / c > 1e6:
            out.append(None)  # never, at this capacity
        else:
            out.append(round(float(n / c), 2))
    return out


def _slowest(weeks: list[float | None]) -> float | None:
    return None if any(w is None for w in weeks) else max((w or 0.0) for w in weeks)


def provincial_variant(status: QuotaStatus, time_limit_s: float = 30.0) -> ProvincialVariant:
    """Per province: the 6.3.2 distribution, compared with today's pro rata targets.

    ``time_limit_s``: wall-clock seconds for all of it (two transport LPs per province)."""
    clock = Clock(time_limit_s)
    d = prepare(status)
    ref = load_municipalities().set_index("gm_code")
    provinces: list[ProvinceVariant] = []
    rows: list[MunicipalityVariant] = []
    for r, pv in enumerate(d.pv_codes):
        ids = np.flatnonzero(d.pv_of == r)
        codes = [d.gm_codes[i] for i in ids]
        target, housed, linked = d.target[ids], d.housed[ids], d.linked[ids]
        cap, cap_limit = d.capacity[ids], d.capacity_limit[ids]
        pts = supply_points(status, d, r)
        dist = distance_matrix_km(
            ref.loc[pts.gm_codes, ["x_rd_m", "y_rd_m"]].to_numpy(),
            ref.loc[codes, ["x_rd_m", "y_rd_m"]].to_numpy(),
        )
        pipeline = np.minimum(linked, cap_limit)
        cap_new = np.maximum(0, cap_limit - linked)
        total_target = int(target.sum())
        rest = max(0, total_target - int((housed + linked).sum()))

        # 6.3.2: by capacity and nearby status holders, within the province total
        y = transport(pts.persons, dist, cap_new, rest, clock)
        served = y.sum(axis=0).astype(np.int64)
        unservable = rest - int(served.sum())
        w_u = cap if cap.sum() > 0 else ref.loc[codes, "population"].to_numpy(float)
        u = np.array(largest_remainder(unservable, w_u.tolist()), dtype=np.int64)
        prov_quota = housed + linked + served + u

        # today's rule: each municipality capped at its own remaining target
        own_rest = np.maximum(0, target - housed - linked)
        y_pr = transport(pts.persons, dist, np.minimum(own_rest, cap_new), None, clock)
        served_pr = y_pr.sum(axis=0)

        in_time_pr = int(np.minimum(target, housed + pipeline + served_pr).sum())
        in_time_pv = min(total_target, int((housed + pipeline + served).sum()))
        weeks_pr = _weeks(np.maximum(0, target - housed), cap)
        weeks_pv = _weeks(np.maximum(0, prov_quota - housed), cap)
        km_pr, km_pv = float((dist * y_pr).sum()), float((dist * y).sum())
        n_pr, n_pv = float(y_pr.sum()), float(y.sum())
        slow_pr, slow_pv = _slowest(weeks_pr), _slowest(weeks_pv)
        diff = prov_quota - target
        for j, g in enumerate(codes):
            n_j = float(y[:, j].sum())
            rows.append(
                MunicipalityVariant(
                    gm_code=g,
                    gm_name=d.gm_names[ids[j]],
                    pv_code=pv,
                    pro_rata_quota=int(target[j]),
                    provincial_quota=int(prov_quota[j]),
                    difference=int(diff[j]),
                    housing_capacity_per_week=round(float(cap[j]), 3),
                    linked_new=int(served[j]),
                    km_per_person=round(float((dist[:, j] * y[:, j]).sum()) / n_j, 2)
                    if n_j
                    else None,
                    weeks_to_complete_pro_rata=weeks_pr[j],
                    weeks_to_complete_provincial=weeks_pv[j],
                )
            )
        provinces.append(
            ProvinceVariant(
                pv_code=pv,
                pv_name=d.pv_names[r],
                pro_rata_total=total_target,
                provincial_total=int(prov_quota.sum()),
                takes_more=[g for g, x in zip(codes, diff, strict=True) if x > 0],
                takes_less=[g for g, x in zip(codes, diff, strict=True) if x < 0],
                housed_in_time_pro_rata=in_time_pr,
                housed_in_time_provincial=in_time_pv,
                gain_persons_in_time=in_time_pv - in_time_pr,
                weeks_to_complete_pro_rata=slow_pr,
                weeks_to_complete_provincial=slow_pv,
                gain_weeks=None
                if slow_pr is None or slow_pv is None
                else round(slow_pr - slow_pv, 2),
                person_km_pro_rata=round(km_pr, 1),
                person_km_provincial=round(km_pv, 1),
                km_per_person_pro_rata=round(km_pr / n_pr, 2) if n_pr else None,
                km_per_person_provincial=round(km_pv / n_pv, 2) if n_pv else None,
            )
        )
    return ProvincialVariant(
        half_year=status.half_year.id,
        weeks_left=d.weeks_left,
        provinces=provinces,
        municipalities=rows,
        stopped_by=StoppedBy.time_limit if clock.stopped else None,
    )
