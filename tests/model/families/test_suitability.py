"""Family suitability: who may go where (unit rules and the model never breaking them)."""

import pytest

from optimizer.documents.scenario import Location, Status, Track
from optimizer.rules.suitability import Group, Profile, group_of, unsuitable_reason
from tests.builders import UTRECHT, WESTERWOLDE, ZWOLLE, dest, hh, loc, scenario, solve


def L(kind: str, **kw: object) -> Location:
    return Location.model_validate(loc("X", ZWOLLE, kind, 100, 50, **kw))


SINGLE_REGULAR = Profile(Group.regular, family=False, school=False)


@pytest.mark.parametrize(
    ("profile", "location", "reason"),
    [
        (Profile(Group.amv, False, False), L("azc"), "not an amv location"),
        (SINGLE_REGULAR, L("amv", accepts_amv=True), "amv location (unaccompanied minors only)"),
        (
            Profile(Group.regular, True, False),
            L("azc", accepts_families=False),
            "takes no families",
        ),
        (Profile(Group.regular, True, True), L("azc", school_nearby=False), "no school nearby"),
        (SINGLE_REGULAR, L("col"), "col is not for status holders and kansrijk or unknown tracks"),
        (
            Profile(Group.process, False, False),
            L("azc"),
            "azc is not for dublin, safe-country and kansarm tracks",
        ),
        (SINGLE_REGULAR, L("azc", closing=True), "closing"),
    ],
)
def test_rules_name_the_reason(profile: Profile, location: Location, reason: str) -> None:
    assert unsuitable_reason(profile, location) == reason


@pytest.mark.parametrize("kind", ["azc", "pol", "noodopvang"])
def test_status_holders_and_kansrijk_go_to_regular_kinds(kind: str) -> None:
    assert unsuitable_reason(SINGLE_REGULAR, L(kind)) is None


@pytest.mark.parametrize("kind", ["col", "gvl", "pol", "vbl"])
def test_process_tracks_go_to_process_kinds(kind: str) -> None:
    assert unsuitable_reason(Profile(Group.process, False, False), L(kind)) is None


def test_groups() -> None:
    assert group_of(Status.status_holder, Track.kansarm, False) is Group.regular
    assert group_of(Status.arrival, Track.dublin, False) is Group.process
    assert group_of(Status.arrival, Track.unknown, False) is Group.regular
    assert group_of(Status.arrival, Track.kansrijk, True) is Group.amv


def test_model_skips_the_cheaper_unsuitable_location() -> None:
    # A family with school children: the cheap azc next door has no school, the far one has.
    s = scenario(
        [
            loc("TA", WESTERWOLDE, "gvl", 10, 4),
            loc("NEAR", WESTERWOLDE, "azc", 20, 17, school_nearby=False, cost_per_bed_day=40),
            loc("FAR", UTRECHT, "azc", 20, 12, cost_per_bed_day=90),
        ],
        [hh("F", "TA", size=4, school_age_children=2)],
    )
    assert dest(solve(s)) == {"F": "FAR"}


def test_process_arrival_may_stay_at_its_gvl() -> None:
    s = scenario(
        [loc("TA", WESTERWOLDE, "gvl", 10, 9), loc("Z", ZWOLLE, "azc", 20, 10)],
        [hh("D", "TA", track="dublin")],
    )
    plan = solve(s)
    assert dest(plan) == {}  # stays: the azc does not suit a dublin track
    assert plan.kpis.arrivals_staying_persons == 1
