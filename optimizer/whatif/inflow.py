"""Inflow scenarios: weekly arrivals (persons) by ISO week, and the households that make them up.

Named profiles are calibrated on the yearly totals published by COA and the IND (yearly inflow and stock):

- ``steady``: 45,640 a year (applications 2024), flat: about 878 persons a week;
- ``2019``: 31,360 a year, a mild seasonal wave (more in late summer and autumn);
- ``2015-peak``: 59,310 a year with a peak in autumn (ISO week ~42, peak about 4x the base, as in
  October 2015) and a higher share of kansrijk arrivals and unaccompanied minors.

A profile is a 52-week shape scaled so that a full year sums exactly to the yearly total; a run
takes the values of the ISO weeks it covers. Households per week are drawn (Poisson) so that the
expected persons match the profile; sizes, school-age children, amv and track follow the mix of
:mod:`optimizer.scenario_gen` (or the profile's own track mix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.scenario_gen import SIZE_P, SIZES

YEARLY = {"steady": 45_640.0, "2019": 31_360.0, "2015-peak": 59_310.0}
TRACKS = ("kansrijk", "unknown", "kansarm", "dublin", "safe_country")
TRACK_P = {
    "steady": (0.45, 0.20, 0.15, 0.12, 0.08),
    "2019": (0.40, 0.20, 0.18, 0.13, 0.09),
    "2015-peak": (0.60, 0.15, 0.10, 0.10, 0.05),
}
AMV_SHARE = {"steady": 0.06, "2019": 0.05, "2015-peak": 0.08}
PEAK_WEEK, PEAK_WIDTH, PEAK_HEIGHT = 42.0, 5.0, 3.0
MEAN_SIZE = float((SIZES * SIZE_P).sum())


def profile_shape(name: str) -> np.ndarray:
    """Relative weekly inflow for ISO weeks 1..52 (mean 1)."""
    w = np.arange(1, 53, dtype=float)
    if name == "steady":
        shape = np.ones(52)
    elif name == "2019":
        shape = 1.0 + 0.15 * np.sin(2 * np.pi * (w - 20.0) / 52.0)
    elif name == "2015-peak":
        shape = 1.0 + PEAK_HEIGHT * np.exp(-0.5 * ((w - PEAK_WEEK) / PEAK_WIDTH) ** 2)
    else:
        raise ValueError(f"unknown inflow profile {name!r}")
    return shape / shape.mean()


def weekly_persons(name: str, iso_weeks: list[int]) -> np.ndarray:
    """National persons per week of a named profile, for the given ISO week numbers (53 -> 52)."""
    per_week = profile_shape(name) * YEARLY[name] / 52.0
    return np.array([per_week[min(w, 52) - 1] for w in iso_weeks])


@dataclass(frozen=True)
class Inflow:
    """A weekly series of national persons with its track mix and amv share."""

    name: str
    persons: np.ndarray  # national persons per horizon week
    track_p: tuple[float, ...]
    amv_share: float

    def scaled(self, scale: float) -> np.ndarray:
        return self.persons * scale


def make_inflow(name: str, iso_weeks: list[int], series: list[float] | None = None) -> Inflow:
    """The inflow of a named profile, or of a given series (its last value repeats)."""
    if series is not None:
        vals = [series[min(t, len(series) - 1)] for t in range(len(iso_weeks))]
        return Inflow(name, np.array(vals, dtype=float), TRACK_P["steady"], AMV_SHARE["steady"])
    return Inflow(name, weekly_persons(name, iso_weeks), TRACK_P[name], AMV_SHARE[name])


@dataclass(frozen=True)
class NewHouseholds:
    """Households arriving in one week, as columns."""

    size: np.ndarray
    school: np.ndarray
    amv: np.ndarray
    track: np.ndarray  # index into TRACKS
    u_entry: np.ndarray  # uniform draw choosing the entry point (common across variants)
    u_decision: np.ndarray  # uniform draw of the IND decision duration
    u_outcome: np.ndarray  # uniform draw of the IND decision (permit or not)

    def __len__(self) -> int:
        return int(self.size.shape[0])


def draw_households(rng: np.random.Generator, persons: float, inflow: Inflow) -> NewHouseholds:
    """Households for one week with expected ``persons`` persons (Poisson count)."""
    amv_share = inflow.amv_share
    mean = amv_share * 1.0 + (1 - amv_share) * MEAN_SIZE
    n = int(rng.poisson(max(0.0, persons) / mean))
    amv = rng.random(n) < amv_share
    size = np.where(amv, 1, rng.choice(SIZES, size=n, p=SIZE_P)).astype(np.int64)
    school = np.where(size >= 3, rng.binomial(np.maximum(size - 2, 0), 0.6), 0)
    school = np.where(amv, 0, school).astype(np.int64)
    track = rng.choice(len(TRACKS), size=n, p=np.array(inflow.track_p)).astype(np.int64)
    return NewHouseholds(
        size=size,
        school=school,
        amv=amv,
        track=track,
        u_entry=rng.random(n),
        u_decision=rng.random(n),
        u_outcome=rng.random(n),
    )
