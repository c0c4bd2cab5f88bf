"""Quota computation: a half-year's national total pro rata population (largest remainder).

The parts sum exactly to the national total; a carried-over backlog (achterstand) per
municipality is added on top, so ``sum(total) == national + sum(backlog)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from optimizer.quotas.apportion import largest_remainder
from optimizer.quotas.documents import (
    QuotaComputation,
    QuotaRow,
    check_gm_code,
    check_half_year_id,
)
from optimizer.reference_data import load_municipalities


def compute_quotas(
    half_year: str, national: int, backlog: Mapping[str, int] | None = None
) -> QuotaComputation:
    """Split ``national`` over the 342 municipalities pro rata population, plus ``backlog``.

    Raises ``ValueError`` naming the value for a bad half-year id, a negative total, an unknown
    gm_code or a negative backlog.
    """
    try:
        check_half_year_id(half_year)
    except ValueError as e:
        raise ValueError(f"half_year: {e}") from None
    if isinstance(national, bool) or not isinstance(national, int) or national < 0:
        raise ValueError(f"national: must be a whole number >= 0, got {national!r}")
    backlog = dict(backlog or {})
    for gm, b in backlog.items():
        try:
            check_gm_code(gm)
        except ValueError as e:
            raise ValueError(f"backlog: {e}") from None
        if isinstance(b, bool) or not isinstance(b, int) or b < 0:
            raise ValueError(f"backlog[{gm}]: must be a whole number >= 0, got {b!r}")
    munis = load_municipalities()
    parts = largest_remainder(national, munis["population"].to_numpy(dtype=float))
    rows = [
        QuotaRow(
            gm_code=gm,
            gm_name=name,
            pv_code=pv,
            population=int(pop),
            quota=q,
            backlog=backlog.get(gm, 0),
            total=q + backlog.get(gm, 0),
        )
        for gm, name, pv, pop, q in zip(
            munis["gm_code"],
            munis["gm_name"],
            munis["pv_code"],
            munis["population"],
            parts,
            strict=True,
        )
    ]
    b_total = sum(backlog.values())
    return QuotaComputation(
        half_year=half_year,
        national=national,
        backlog_total=b_total,
        total=national + b_total,
        municipalities=rows,
    )


def quotas_frame(result: QuotaComputation) -> pd.DataFrame:
    """The per-municipality rows as a DataFrame (for CSV)."""
    return pd.DataFrame([r.model_dump() for r in result.municipalities])


def read_backlog_csv(path: Path) -> dict[str, int]:
    """Read a backlog CSV (``gm_code, backlog``); ``ValueError`` names the row and the value."""
    try:
        df = pd.read_csv(path, dtype={"gm_code": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise ValueError(f"{path}: cannot read backlog CSV ({e})") from e
    missing = {"gm_code", "backlog"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}; need gm_code, backlog")
    out: dict[str, int] = {}
    for i, (gm, b) in enumerate(zip(df["gm_code"], df["backlog"], strict=True)):
        where = f"{path} row {i + 2}"
        try:
            check_gm_code(str(gm))
        except ValueError as e:
            raise ValueError(f"{where}: gm_code: {e}") from None
        try:
            val = float(b)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: backlog: not a number: {b!r}") from None
        if not val.is_integer() or val < 0:
            raise ValueError(f"{where}: backlog: must be a whole number >= 0, got {b!r}")
        if gm in out:
            raise ValueError(f"{where}: gm_code: duplicate {gm!r}")
        out[str(gm)] = int(val)
    return out
