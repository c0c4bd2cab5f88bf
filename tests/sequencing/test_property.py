"""Property: any returned sequence, replayed day by day, never overfills a location and keeps
every hard rule (each move once, households whole, buses, limits, deadlines)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.sequencing import SequenceOptions, sequence
from optimizer.sequencing.replay import replay_errors
from tests.sequencing.seq_helpers import location, plan_of, scenario_of

GMS = ["GM1950", "GM0193", "GM0344", "GM0363", "GM0014"]


@st.composite
def instances(draw: st.DrawFn) -> tuple:
    n_loc = draw(st.integers(2, 5))
    n_hh = draw(st.integers(1, 14))
    sizes = [draw(st.integers(1, 6)) for _ in range(n_hh)]
    at = [draw(st.integers(0, n_loc - 1)) for _ in range(n_hh)]
    dest = [(a + draw(st.integers(1, n_loc - 1))) % n_loc for a in at]  # somewhere else
    moved = [True] + [draw(st.booleans()) for _ in range(n_hh - 1)]
    ids = [f"L{i}" for i in range(n_loc)]
    start = [sum(s for s, a in zip(sizes, at, strict=True) if a == i) for i in range(n_loc)]
    end = list(start)
    for s, a, d, m in zip(sizes, at, dest, moved, strict=True):
        if m:
            end[a] -= s
            end[d] += s
    slack = [draw(st.integers(0, 3)) for _ in range(n_loc)]
    locs = [
        location(ids[i], max(start[i], end[i]) + slack[i], start[i], GMS[i % 5])
        for i in range(n_loc)
    ]
    hh = [
        (f"H{j:02d}", sizes[j], draw(st.integers(0, max(0, sizes[j] - 2))), "resident", ids[at[j]])
        for j in range(n_hh)
    ]
    s = scenario_of(locs, hh)
    p = plan_of(s, [(f"H{j:02d}", ids[dest[j]]) for j in range(n_hh) if moved[j]])
    opts = SequenceOptions(
        days=draw(st.integers(1, 5)),
        seats=draw(st.integers(6, 12)),
        intake_limit=draw(st.integers(1, 5)),
        departure_limit=draw(st.integers(1, 5)),
        buses_per_day=draw(st.integers(1, 6)),
        time_limit_s=2.0,
    )
    return s, p, opts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_replayed_sequence_never_exceeds_capacity(inst: tuple) -> None:
    s, p, opts = inst
    seq = sequence(s, p, opts)
    if seq.status.value in ("optimal", "feasible"):
        assert replay_errors(s, p, seq, opts) == []
        assert len(seq.trips) >= seq.bound_trips
    else:
        assert seq.status.value == "infeasible" and seq.diagnosis and seq.moves == []
