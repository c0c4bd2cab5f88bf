"""Random small weekly scenarios for property tests (Hypothesis): a gvl, 2-5 locations of random
kinds, sizes and closures, arrivals, residents and status holders of random tracks and sizes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from optimizer.documents.scenario import Scenario

GMS = ["GM1950", "GM0193", "GM0344", "GM0363", "GM0014", "GM0935"]
KINDS = ["azc", "azc", "noodopvang", "pol", "amv", "vbl"]
TRACKS = ["kansrijk", "kansarm", "dublin", "safe_country", "unknown"]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_loc = draw(st.integers(2, 5))
    locations: list[dict[str, Any]] = [
        {
            "id": "TA",
            "name": "GVL",
            "gm_code": "GM1950",
            "kind": "gvl",
            "capacity": draw(st.integers(0, 12)),
            "residents": 0,
            "cost_per_bed_day": 80.0,
        }
    ]
    for i in range(n_loc):
        kind = draw(st.sampled_from(KINDS))
        locations.append(
            {
                "id": f"L{i}",
                "name": f"L{i}",
                "gm_code": draw(st.sampled_from(GMS)),
                "kind": kind,
                "capacity": draw(st.integers(0, 15)),
                "residents": 0,
                "closing": draw(st.booleans()) if i == 0 else False,
                "accepts_families": draw(st.booleans()),
                "accepts_amv": kind == "amv",
                "school_nearby": draw(st.booleans()),
                "cost_per_bed_day": float(draw(st.integers(40, 140))),
            }
        )
    households: list[dict[str, Any]] = []
    for j in range(draw(st.integers(1, 10))):
        at = draw(st.sampled_from(locations))
        status = (
            "arrival"
            if at["kind"] == "gvl"
            else draw(st.sampled_from(["resident", "status_holder"]))
        )
        amv = at["kind"] == "amv"
        size = 1 if amv else draw(st.integers(1, 5))
        households.append(
            {
                "id": f"H{j}",
                "size": size,
                "status": status,
                "location": at["id"],
                "amv": amv,
                "school_age_children": draw(st.integers(0, max(0, size - 1))),
                "track": draw(st.sampled_from(TRACKS)),
            }
        )
        if status == "status_holder" and draw(st.booleans()):
            waited = draw(st.integers(0, 60))
            households[-1]["permit_date"] = (
                dt.date(2026, 11, 23) - dt.timedelta(days=waited)
            ).isoformat()
        at["residents"] += size
    for loc in locations:  # some unlisted residents at open locations
        if not loc.get("closing"):
            loc["residents"] += draw(st.integers(0, 6))
    munis = [
        {
            "gm_code": gm,
            "quota": draw(st.integers(0, 12)),
            "housed": draw(st.integers(0, 3)),
            "linked": draw(st.integers(0, 3)),
            "max_links_per_week": draw(st.one_of(st.none(), st.integers(0, 6))),
        }
        for gm in draw(st.lists(st.sampled_from(GMS), min_size=0, max_size=3, unique=True))
    ]
    return Scenario.model_validate(
        {
            "week": "2026-W48",
            "half_year": {"id": "2026-H2", "weeks_left": draw(st.integers(1, 6))},
            "locations": locations,
            "municipalities": munis,
            "households": households,
        }
    )
