"""Same input, same options (seed, workers, work limit): the same sequence."""

from optimizer.sequencing import SequenceOptions, sequence
from tests.sequencing.seq_helpers import GM, location, plan_of, scenario_of, singles


def test_same_input_same_sequence() -> None:
    locs = [
        location("TA", 2000, 80, GM["westerwolde"], kind="gvl"),
        location("ZW", 60, 40, GM["zwolle"]),
        location("UT", 60, 55, GM["utrecht"]),
        location("AM", 80, 30, GM["amsterdam"]),
    ]
    hh = [*singles("A", 60, "TA", "arrival")]
    hh += [(f"F{i}", 4, 2, "resident", "UT") for i in range(5)]
    s = scenario_of(locs, hh)
    moves = [(f"A{i:02d}", ["ZW", "UT", "AM"][i % 3]) for i in range(60)]
    p = plan_of(s, moves + [(f"F{i}", "AM") for i in range(5)])
    # reproducible by the work limit (deterministic work units), whatever the machine load; the
    # wall-clock limit is only the safety net
    o = SequenceOptions(time_limit_s=30.0, work_limit=0.5, workers=2, departure_limits={"TA": 100})
    a, b = sequence(s, p, o), sequence(s, p, o)
    assert a.status.value in ("optimal", "feasible")
    drop = {"solve_seconds"}
    assert a.model_dump(exclude=drop) == b.model_dump(exclude=drop)
