"""Result documents as DataFrames with the columns of their sheets, names beside every id.

One function per document (plan, sequence, explanation, fairness, quota computation, check and
6.3.2 variant); :func:`frames_of` picks by type. Columns come from the pydantic models of the
records (``model_fields``), so a field added to a document becomes a column without a change
here; the frames add the names (``location_name``, ``municipality_name``, ``province_name``) and
the household's figures a planner needs beside a pseudonymous id (persons, school-age children).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel

from optimizer.tables.fields import columns_of, item_model
from optimizer.tables.names import Names, add_names

Frames = dict[str, pd.DataFrame]

FORMATS = (
    (("occupancy", "share", "_rate"), "0.0%"),
    (("eur",), "#,##0"),
    (("_km",), "#,##0.0"),
)
"""Excel number formats by column name: shares as percentages, euros whole, km with a decimal."""


def number_formats(frames: Frames) -> dict[str, dict[str, str]]:
    """Per sheet and column, the Excel number format its name implies."""
    out: dict[str, dict[str, str]] = {}
    for sheet, df in frames.items():
        cols = {}
        for c in df.columns:
            name = str(c)
            for keys, fmt in FORMATS:
                if any(k in name for k in keys) and pd.api.types.is_numeric_dtype(df[c]):
                    cols[name] = fmt
                    break
        out[sheet] = cols
    return out


def _flat(v: Any) -> Any:
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    return v


def records(items: Iterable[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    """Records of ``model`` as a frame, one column per field (JSON names), even when empty."""
    cols = [c.name for c in columns_of(model)]
    rows = [
        [_flat(d.get(c)) for c in cols]
        for d in (x.model_dump(mode="json", by_alias=True) for x in items)
    ]
    return pd.DataFrame(rows, columns=cols)


def _list_model(doc: BaseModel, name: str) -> type[BaseModel]:
    m = item_model(type(doc).model_fields[name])
    assert m is not None, name
    return m


def scalars(doc: BaseModel, skip: Sequence[str] = ()) -> list[tuple[str, Any, str]]:
    """(field, value, description) of the scalar fields of a document (lists, dicts and nested
    documents left out)."""
    out = []
    for name, info in type(doc).model_fields.items():
        if name in skip:
            continue
        v = getattr(doc, name)
        if isinstance(v, list | dict | BaseModel):
            continue
        out.append((name, getattr(v, "value", v), (info.description or "").strip()))
    return out


# ----------------------------------------------------------------------------- plan


def _household_figures(scenario: Any) -> dict[str, tuple[int, int, str, str]]:
    if scenario is None:
        return {}
    return {
        h.id: (h.size, h.school_age_children, h.track.value, h.location) for h in scenario.households
    }


def _with_household(df: pd.DataFrame, figures: dict[str, tuple[int, int, str, str]],
                    persons: bool = True, location: bool = False) -> pd.DataFrame:
    if "household" not in df.columns or not figures:
        return df
    at = int(df.columns.get_loc("household")) + 1
    hh = df["household"].map(lambda h: figures.get(str(h)))
    extra: list[tuple[str, int]] = []
    if persons and "persons" not in df.columns:
        extra.append(("persons", 0))
    extra += [("school_age_children", 1), ("track", 2)]
    if location and "location" not in df.columns:
        extra.append(("location", 3))
    for name, k in extra:
        if name not in df.columns:
            df.insert(at, name, hh.map(lambda f, k=k: None if f is None else f[k]))
            at += 1
    return df


def band_of(row: pd.Series, lo: float, hi: float) -> str:
    """below / in band / above / not applicable (closing, no beds, or not a band kind)."""
    if not bool(row.get("in_band_scope", True)) or not row.get("capacity"):
        return "not applicable"
    occ = row.get("occupancy_end")
    if occ is None or pd.isna(occ):
        return "not applicable"
    dev = row.get("band_deviation_beds", 0.0)
    if dev < -1e-9 or occ < lo - 1e-9:
        return "below"
    if dev > 1e-9 or occ > hi + 1e-9:
        return "above"
    return "in band"


def plan_frames(plan: Any, scenario: Any = None) -> Frames:
    """Sheets of a plan: summary, placements, links, unplaced, moves, locations, municipalities,
    diagnosis, costs (and any other list the plan document holds, e.g. changes)."""
    names = Names(scenario)
    figures = _household_figures(scenario)
    k = plan.kpis
    summary_rows = scalars(plan) + scalars(k)
    summary = pd.DataFrame(
        [(f, v, d) for f, v, d in summary_rows], columns=["figure", "value", "description"]
    )
    placements = records(plan.placements, _list_model(plan, "placements"))
    arrivals = placements["reason"] == "arrival"
    out: Frames = {"summary": summary}
    out["placements"] = _with_household(placements[arrivals].reset_index(drop=True), figures)
    out["links"] = _with_household(
        records(plan.links, _list_model(plan, "links")), figures, persons=False, location=True
    )
    out["unplaced"] = _with_household(
        records(plan.unplaced, _list_model(plan, "unplaced")), figures, persons=False
    )
    out["moves"] = _with_household(placements[~arrivals].reset_index(drop=True), figures)
    locs = records(k.locations, _list_model(k, "locations")).rename(columns={"id": "location"})
    if scenario is not None:
        by_id = {x.id: x for x in scenario.locations}
        at = int(locs.columns.get_loc("location")) + 1
        locs.insert(at, "gm_code", locs["location"].map(lambda i: by_id[i].gm_code if i in by_id else ""))
        locs.insert(at + 1, "closing", locs["location"].map(lambda i: by_id[i].closing if i in by_id else False))
        lo, hi = scenario.policy.occupancy_min, scenario.policy.occupancy_max
    else:
        lo, hi = 0.85, 0.91
    band = [band_of(r, lo, hi) for _, r in locs.iterrows()]
    locs.insert(int(locs.columns.get_loc("occupancy_end")) + 1, "band", band)
    out["locations"] = locs
    munis = records(k.municipalities, _list_model(k, "municipalities"))
    if "remaining_before" in munis.columns and "linked_this_week" in munis.columns:
        munis.insert(
            int(munis.columns.get_loc("linked_this_week")) + 1,
            "remaining_after",
            (munis["remaining_before"] - munis["linked_this_week"]).clip(lower=0),
        )
    out["municipalities"] = munis
    out["diagnosis"] = records(plan.diagnosis, _list_model(plan, "diagnosis"))
    total = sum(k.objective_terms_eur.values()) or 1.0
    out["costs"] = pd.DataFrame(
        [(f, eur, eur / total if total else 0.0) for f, eur in k.objective_terms_eur.items()],
        columns=["family", "eur", "share_of_objective"],
    )
    handled = {"placements", "links", "unplaced", "diagnosis"}
    for name, info in type(plan).model_fields.items():
        m = item_model(info)
        if m is not None and name not in handled:
            out[name] = _with_household(records(getattr(plan, name), m), figures, persons=False)
    return {n: add_names(df, names) for n, df in out.items()}


# ----------------------------------------------------------------------------- sequence


def sequence_frames(seq: Any, scenario: Any = None) -> Frames:
    """Moves (day, date, trip, names), trips, occupancy by day, diagnosis, and one sheet of trips
    per day of the horizon."""
    names = Names(scenario)
    days = list(seq.days)

    def dated(df: pd.DataFrame) -> pd.DataFrame:
        df = df.rename(columns={"from": "from_location", "to": "to_location"})
        if "day" in df.columns:
            at = int(df.columns.get_loc("day")) + 1
            df.insert(at, "date", [days[d].isoformat() if d < len(days) else "" for d in df["day"]])
            df.insert(at + 1, "weekday", [f"{days[d]:%a}" if d < len(days) else "" for d in df["day"]])
        return df

    model_of = {n: _list_model(seq, n) for n in ("moves", "trips", "occupancy", "diagnosis")}
    moves = dated(records(seq.moves, model_of["moves"]))
    trips = dated(records(seq.trips, model_of["trips"]))
    occ_rows = []
    for o in seq.occupancy:
        row: dict[str, Any] = {"location": o.location, "capacity": o.capacity, "start": o.start}
        for t, d in enumerate(days):
            if t < len(o.end_of_day):
                row[f"end_{d.isoformat()}"] = o.end_of_day[t]
        row["fullest_share"] = (max([o.start, *o.end_of_day]) / o.capacity) if o.capacity else None
        occ_rows.append(row)
    occ = pd.DataFrame(
        occ_rows,
        columns=["location", "capacity", "start", *[f"end_{d.isoformat()}" for d in days],
                 "fullest_share"],
    )
    out: Frames = {
        "summary": pd.DataFrame(scalars(seq), columns=["figure", "value", "description"]),
        "moves": moves,
        "trips": trips,
        "occupancy": occ,
        "diagnosis": records(seq.diagnosis, model_of["diagnosis"]),
    }
    for t, d in enumerate(days):
        out[f"trips_day{t}_{d.isoformat()}"] = trips[trips["day"] == t].reset_index(drop=True)
    return {n: add_names(df, names) for n, df in out.items()}


# ----------------------------------------------------------------------------- explain


def explanation_frames(ex: Any, scenario: Any = None) -> Frames:
    names = Names(scenario)
    fam = _list_model(ex, "families")
    families = records(ex.families, fam).drop(columns=["top"], errors="ignore")
    item_model_ = item_model(fam.model_fields["top"])
    assert item_model_ is not None
    items = []
    for f in ex.families:
        df = records(f.top, item_model_)
        df.insert(0, "family", f.family)
        items.append(df)
    cols = ["family", *[c.name for c in columns_of(item_model_)]]
    top = pd.concat(items, ignore_index=True) if items else pd.DataFrame(columns=cols)
    out: Frames = {
        "summary": pd.DataFrame(scalars(ex), columns=["figure", "value", "description"]),
        "families": families,
        "items": top,
        "conflicts": pd.DataFrame({"conflict": list(ex.conflicts)}),
    }
    return {n: add_names(df, names) for n, df in out.items()}


def household_explanation_frames(hx: Any, scenario: Any = None) -> Frames:
    names = Names(scenario)
    opt = type(hx).model_fields["alternatives"]
    m = item_model(opt)
    assert m is not None
    options = records([*([hx.chosen] if hx.chosen else []), *hx.alternatives], m)
    options.insert(0, "rank", ["chosen" if hx.chosen and i == 0 else str(i + (0 if hx.chosen else 1))
                               for i in range(len(options))])
    out: Frames = {
        "summary": pd.DataFrame(scalars(hx), columns=["figure", "value", "description"]),
        "options": options,
        "ruled_out": records(hx.ruled_out, _list_model(hx, "ruled_out")),
        "why": pd.DataFrame({"line": list(hx.summary)}),
    }
    return {n: add_names(df, names) for n, df in out.items()}


def recommendation_frames(rec: Any, scenario: Any = None) -> Frames:
    names = Names(scenario)
    options = records(rec.options, _list_model(rec, "options"))
    options.insert(0, "rank", range(1, len(options) + 1))
    out: Frames = {
        "options": options,
        "ruled_out": pd.DataFrame(
            sorted(rec.ruled_out_counts.items(), key=lambda kv: -kv[1]), columns=["rule", "places"]
        ),
    }
    return {n: add_names(df, names) for n, df in out.items()}


def fairness_frames(rep: Any, scenario: Any = None) -> Frames:
    groups = records(rep.groups, _list_model(rep, "groups"))
    spread = pd.DataFrame(
        [(o, v, rep.worst_group.get(o, "")) for o, v in rep.spread.items()],
        columns=["outcome", "spread", "worst_group"],
    )
    return {"groups": groups, "spread": spread}


# ----------------------------------------------------------------------------- quotas


def _quota(df: pd.DataFrame, names: Names) -> pd.DataFrame:
    return add_names(df.rename(columns={"gm_name": "municipality_name", "pv_name": "province_name"}), names)


def quota_check_frames(res: Any, scenario: Any = None) -> Frames:
    names = Names(scenario)
    return {
        "provinces": _quota(records(res.provinces, _list_model(res, "provinces")), names),
        "municipalities": _quota(records(res.municipalities, _list_model(res, "municipalities")), names),
    }


def quota_variant_frames(res: Any, scenario: Any = None) -> Frames:
    return quota_check_frames(res, scenario)


def quota_computation_frames(res: Any, scenario: Any = None) -> Frames:
    names = Names(scenario)
    return {
        "municipalities": _quota(records(res.municipalities, _list_model(res, "municipalities")), names),
        "summary": pd.DataFrame(scalars(res), columns=["figure", "value", "description"]),
    }


def frames_of(doc: Any, scenario: Any = None) -> Frames:
    """The sheets of any result document (see the module docstring)."""
    from optimizer.documents.plan import Plan
    from optimizer.documents.sequence import Sequence as SequenceDoc
    from optimizer.explain.documents import (
        FairnessReport,
        HouseholdExplanation,
        PlanExplanation,
        Recommendation,
    )
    from optimizer.quotas.documents import ProvincialVariant, QuotaCheck, QuotaComputation

    table: list[tuple[type, Any]] = [
        (Plan, plan_frames),
        (SequenceDoc, sequence_frames),
        (PlanExplanation, explanation_frames),
        (HouseholdExplanation, household_explanation_frames),
        (Recommendation, recommendation_frames),
        (FairnessReport, fairness_frames),
        (QuotaCheck, quota_check_frames),
        (ProvincialVariant, quota_variant_frames),
        (QuotaComputation, quota_computation_frames),
    ]
    for cls, f in table:
        if isinstance(doc, cls):
            return f(doc, scenario)  # type: ignore[no-any-return]
    raise TypeError(f"no tables for a {type(doc).__name__}")
