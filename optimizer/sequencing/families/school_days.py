"""Soft family *school_days*: school-age children are not moved on school days.

A school day is a weekday that is not in ``holidays``. Only when the horizon has a day without
school is there a choice, so the term is empty otherwise:

    penalty = w_school * sum_{g, t school day} kids_g * x[g][t]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.sequencing.linear import expr

if TYPE_CHECKING:
    from optimizer.sequencing.model import SeqModel

FAMILY = "school_days"


def add_school_days(m: SeqModel) -> None:
    d = m.data
    if all(d.school_day):
        m.penalties[FAMILY] = expr([])
        return
    w = d.opts.weights.school_day
    school = [t for t in d.horizon if d.school_day[t]]
    m.penalties[FAMILY] = expr(
        (m.x[gi][t], w * g.kids) for gi, g in enumerate(d.groups) if g.kids for t in school
    )
