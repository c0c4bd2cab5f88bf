"""The greedy baseline a planner would do by hand, to measure the model against.

- Arrivals (and residents of closing locations) go, one household at a time in id order, to the
  nearest suitable location with room at the end of the week; a suitable col/gvl arrival stays if
  its location has room.
- Status holders are linked, in id order, to the nearest municipality with quota left.
No rebalancing moves. The plan is priced with the model's own cost expressions (``evaluate``).
"""

from __future__ import annotations

import numpy as np

from optimizer.documents.plan import Link, Placement, Unplaced
from optimizer.documents.scenario import Scenario, Status
from optimizer.model.instance import Instance
from optimizer.rules.suitability import profile_of, unsuitable_reason


def greedy_plan(inst: Instance) -> tuple[list[Placement], list[Link], list[Unplaced]]:
    s: Scenario = inst.scenario
    locs = inst.locations
    load = np.array([loc.residents for loc in locs], dtype=float)
    cap = np.array([loc.capacity for loc in locs], dtype=float)
    placements: list[Placement] = []
    unplaced: list[Unplaced] = []
    movers = [
        h
        for h in sorted(s.households, key=lambda h: h.id)
        if h.status is Status.arrival or locs[inst.loc_index[h.location]].closing
    ]
    # every mover is undecided: take them off their origin, then put each back where it lands
    for h in movers:
        load[inst.loc_index[h.location]] -= h.size
    for h in movers:
        o = inst.loc_index[h.location]
        prof = profile_of(h)
        moving = h.status is not Status.arrival
        if (
            h.status is Status.arrival
            and unsuitable_reason(prof, locs[o]) is None
            and load[o] + h.size <= cap[o]
        ):
            load[o] += h.size
            continue
        order = np.argsort(inst.dist_loc_loc[o], kind="stable")
        for d in order:
            d = int(d)
            if (
                d == o
                or load[d] + h.size > cap[d]
                or unsuitable_reason(prof, locs[d], moving) is not None
            ):
                continue
            load[d] += h.size
            placements.append(
                Placement(
                    household=h.id,
                    location=locs[d].id,
                    from_location=locs[o].id,
                    reason="arrival" if h.status is Status.arrival else "closing",
                    distance_km=round(float(inst.dist_loc_loc[o, d]), 1),
                )
            )
            break
        else:
            if h.status is Status.arrival:
                unplaced.append(Unplaced(household=h.id, persons=h.size, reason="no room (greedy)"))
            else:  # a closing resident with nowhere to go stays (a capacity/closing violation)
                load[o] += h.size

    remaining = inst.link_cap.copy()  # quota left, within a stated weekly intake
    links: list[Link] = []
    for h in sorted(s.households, key=lambda h: h.id):
        if h.status is not Status.status_holder or h.linked_gm_code is not None:
            continue
        o = inst.loc_index[h.location]
        for g in np.argsort(inst.dist_loc_gm[o], kind="stable"):
            g = int(g)
            if remaining[g] >= h.size:
                remaining[g] -= h.size
                links.append(
                    Link(
                        household=h.id,
                        gm_code=inst.gm_codes[g],
                        persons=h.size,
                        distance_km=round(float(inst.dist_loc_gm[o, g]), 1),
                    )
                )
                break
    return placements, links, unplaced
