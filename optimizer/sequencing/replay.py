"""``replay_errors``: check a returned sequence against every hard rule, day by day.

Independent of the CP-SAT model: it reads only the documents, so tests (and the API) can trust a
sequence without trusting the model. Capacity uses the rule of ``families.capacity``: with ``A`` and
``D`` the persons arrived and left by the end of day t and ``r0`` the start after the unplaced leave,
``A <= max(0, capacity - r0 + D)``, i.e. ``occ <= max(capacity, r0 - D)``.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import Sequence, SequenceOptions
from optimizer.sequencing.data import iso_monday


def replay_errors(s: Scenario, p: Plan, seq: Sequence, o: SequenceOptions) -> list[str]:
    errors: list[str] = []
    locs = s.location_index()
    hh = {h.id: h for h in s.households}
    T = o.days
    start = o.start or iso_monday(s.week)
    if seq.days and seq.days[0] != start:
        errors.append(f"days start {seq.days[0]} not {start}")
    planned = {pl.household: pl for pl in p.placements if pl.location != pl.from_location}
    seen = Counter(mv.household for mv in seq.moves)
    errors += [f"{h} moved {n} times" for h, n in seen.items() if n != 1]
    errors += [f"{h} never moved" for h in planned if h not in seen]
    trips = {tr.id: tr for tr in seq.trips}
    on_trip: dict[str, int] = defaultdict(int)
    arr: defaultdict[str, list[int]] = defaultdict(lambda: [0] * T)
    dep: defaultdict[str, list[int]] = defaultdict(lambda: [0] * T)
    n_in: defaultdict[str, list[int]] = defaultdict(lambda: [0] * T)
    n_out: defaultdict[str, list[int]] = defaultdict(lambda: [0] * T)
    for mv in seq.moves:
        pl = planned.get(mv.household)
        if pl is None:
            errors.append(f"{mv.household} is not a move of the plan")
            continue
        if (mv.from_, mv.to) != (pl.from_location, pl.location):
            errors.append(f"{mv.household} moves {mv.from_}->{mv.to}, plan says otherwise")
        if not 0 <= mv.day < T:
            errors.append(f"{mv.household} on day {mv.day} outside the horizon")
            continue
        tr = trips.get(mv.trip)
        if tr is None or (tr.from_, tr.to, tr.day) != (mv.from_, mv.to, mv.day):
            errors.append(f"{mv.household}: trip {mv.trip} missing or elsewhere")
        size = hh[mv.household].size
        on_trip[mv.trip] += size
        arr[mv.to][mv.day] += size
        dep[mv.from_][mv.day] += size
        n_in[mv.to][mv.day] += 1
        n_out[mv.from_][mv.day] += 1
    for tid, tr in trips.items():
        if on_trip[tid] != tr.persons or tr.persons > o.seats:
            errors.append(f"trip {tid}: {tr.persons} persons, {on_trip[tid]} on board")
    per_day = Counter(tr.day for tr in seq.trips)
    errors += [f"day {t}: {n} buses" for t, n in per_day.items() if n > o.buses_per_day]
    unplaced: Counter[str] = Counter()
    for u in p.unplaced:
        unplaced[hh[u.household].location] += hh[u.household].size
    for lid, loc in locs.items():
        r0 = loc.residents - unplaced[lid]
        a = d = 0
        closing = o.closing_days.get(lid, T - 1 if loc.closing else None)
        for t in range(T):
            a += arr[lid][t]
            d += dep[lid][t]
            if a > max(0, loc.capacity - r0 + d):
                errors.append(f"{lid} day {t}: {r0 - d + a} residents, {loc.capacity} beds")
            if n_in[lid][t] > o.intake_limits.get(lid, o.intake_limit):
                errors.append(f"{lid} day {t}: intake {n_in[lid][t]} households")
            if n_out[lid][t] > o.departure_limit_for(locs[lid]):
                errors.append(f"{lid} day {t}: departures {n_out[lid][t]} households")
            if closing is not None and t >= closing and r0 - d + a != 0:
                errors.append(f"{lid} day {t}: {r0 - d + a} residents after closing")
            if arr[lid][t] and t < o.opening_days.get(lid, 0):
                errors.append(f"{lid} day {t}: receives before opening")
    return errors
