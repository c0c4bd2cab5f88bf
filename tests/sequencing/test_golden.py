"""Golden values on the reference week: generate (seed 1, scale 0.1) -> allocate -> sequence."""

from optimizer.allocation import SolveOptions, allocate
from optimizer.scenario_gen import ScenarioSpec, generate_scenario
from optimizer.sequencing import SequenceOptions, sequence
from optimizer.sequencing.replay import replay_errors


def test_reference_week_sequence() -> None:
    s = generate_scenario(ScenarioSpec(seed=1, scale=0.1))
    p = allocate(s, SolveOptions())
    o = SequenceOptions(time_limit_s=10.0)
    seq = sequence(s, p, o)
    assert seq.status.value in ("optimal", "feasible")
    assert len(seq.moves) == len(p.placements)
    assert replay_errors(s, p, seq, o) == []
    assert len(seq.trips) >= seq.bound_trips
    # 336 moves on 21 origin-destination pairs (222 from the two closing noodopvang)
    # 2026-12-02: 343 -> 336 moves, 24 -> 23 bound, 30 -> 27 trips: no school children moved to
    #             rebalance the band, no band on col/gvl (decisions issue)
    assert seq.bound_trips == 23
    # 27: above the bound because L180 -> L050 has 92 households and an intake limit of 25 a day
    # (four days, so four buses), and other pairs split over days for the same reason
    assert len(seq.trips) == 27
