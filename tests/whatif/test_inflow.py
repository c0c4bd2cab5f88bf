"""Inflow profiles: calibrated to the yearly figures of domain.md, peak in autumn."""

from __future__ import annotations

import numpy as np
import pytest

from optimizer.whatif.inflow import YEARLY, draw_households, make_inflow, weekly_persons


@pytest.mark.parametrize(
    ("name", "year"), [("steady", 45_640), ("2019", 31_360), ("2015-peak", 59_310)]
)
def test_a_year_sums_to_the_yearly_figure(name: str, year: int) -> None:
    assert weekly_persons(name, list(range(1, 53))).sum() == pytest.approx(year)
    assert YEARLY[name] == year


def test_2015_peak_is_in_autumn() -> None:
    w = weekly_persons("2015-peak", list(range(1, 53)))
    assert 38 <= int(np.argmax(w)) + 1 <= 46
    assert w.max() > 3 * w.min()


def test_households_match_the_persons_on_average() -> None:
    inflow = make_inflow("steady", [30] * 40)
    rng = np.random.default_rng(0)
    persons = [int(draw_households(rng, 2000.0, inflow).size.sum()) for _ in range(40)]
    assert np.mean(persons) == pytest.approx(2000, rel=0.05)


def test_series_repeats_its_last_value() -> None:
    inflow = make_inflow("custom", [27, 28, 29, 30], [100.0, 200.0])
    assert inflow.persons.tolist() == [100.0, 200.0, 200.0, 200.0]
