"""The linking policy: what a status holder awaiting a link costs when left unlinked this week."""

from __future__ import annotations

import datetime as dt

import numpy as np

from optimizer.documents.scenario import Household, Policy, Scenario, wait_days


def wait_class(p: Policy, h: Household, week_start: dt.date) -> tuple[int, bool]:
    """(whole weeks waited since the permit, past the link target?) at the start of the week."""
    waited = wait_days(h, week_start)
    return waited // 7, h.permit_date is not None and waited > p.link_target_days


def unlinked_price(p: Policy, wait_weeks: int, late: bool) -> float:
    """Euros per person left unlinked this week: a week more in reception, more past the link
    target, and a little more for every week already waited (the longest waiting go first)."""
    return (
        p.unlinked_eur_per_person_week
        + (p.late_link_eur_per_person_week if late else 0.0)
        + p.wait_priority_eur_per_person_week_waited * wait_weeks
    )


def link_caps(s: Scenario) -> np.ndarray:
    """Persons each municipality may be linked this week: its remaining quota, or less where it
    states a weekly intake (``max_links_per_week``)."""
    return np.array(
        [
            min(m.remaining, m.max_links_per_week)
            if m.max_links_per_week is not None
            else m.remaining
            for m in s.municipalities
        ],
        dtype=float,
    )


def pace_targets(s: Scenario) -> np.ndarray:
    """The week's share of each municipality's remaining quota, in whole persons (rounded up, so
    the pace is never planned below the quota) and never above what it may be linked this week."""
    remaining = np.array([m.remaining for m in s.municipalities], dtype=float)
    return np.minimum(np.ceil(remaining / s.half_year.weeks_left - 1e-9), link_caps(s))
