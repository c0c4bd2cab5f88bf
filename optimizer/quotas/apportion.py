"""Largest-remainder apportionment: split a total pro rata weights so the parts sum exactly.

The taakstelling is by law (Huisvestingswet 2014 art. 28-29) the national total distributed over all
municipalities in proportion to their population (BMH 'Naar een wendbare migratieketen', 2020).

Properties (tested in tests/quotas/test_apportion.py): the parts sum exactly to the total,
each part is the floor or the ceiling of its exact share, and a larger weight never gets a smaller
part. Like every quota-respecting method it is not monotone in the total (the Alabama paradox:
10 over [6, 6, 2] gives [4, 4, 2], 11 gives [5, 5, 1]).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Integer parts proportional to ``weights`` summing exactly to ``total`` (Hamilton method).

    Ties in the remainders go to the earlier index, so the result is deterministic.
    """
    if total < 0:
        raise ValueError(f"total must be >= 0, got {total}")
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        if total:
            raise ValueError("cannot apportion a positive total over no weights")
        return []
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and >= 0")
    s = w.sum()
    if s <= 0:
        raise ValueError("weights must not all be zero")
    exact = total * w / s
    base = np.floor(exact).astype(np.int64)
    left = int(total - base.sum())
    order = np.lexsort((np.arange(w.size), -(exact - base)))
    base[order[:left]] += 1
    return [int(x) for x in base]
