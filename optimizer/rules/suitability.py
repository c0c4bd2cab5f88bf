"""Suitability: which locations may receive which household, and *why* a location does not
(for unplaced reasons, pins and explanations). Pure rules, no solver: the documents (pin checks),
the model (the sparse arc set of family *suitability*), the explanations, the KPIs, the independent
pricing and the greedy baseline all read this one module.

Rules:
- amv households only in amv locations, and amv locations take no one else;
- households of more than one person only where ``accepts_families``;
- school-age children only where ``school_nearby``;
- status holders go to azc, pol or noodopvang;
- otherwise dublin, safe_country and kansarm go to col/gvl/pol/vbl; kansrijk and unknown to
  azc, pol or noodopvang;
- a closing location receives no one;
- residents are never moved into a registration centre (col/gvl): its free beds are the buffer
  for arrivals (``moving_resident``).

Waiting at registration (:func:`may_wait_at_registration`): an arrival whose track belongs
elsewhere may stay in a free bed of its own col/gvl this week rather than have no bed; the kind and
school rules are relaxed for that wait, the amv separation and the family rule are not. The wait is
priced by the soft family *registration_wait* (``optimizer.model.families.costs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from optimizer.documents.kinds import LocationKind, Status, Track

if TYPE_CHECKING:
    from optimizer.documents.scenario import Household, Location

PROCESS_KINDS = frozenset({LocationKind.col, LocationKind.gvl, LocationKind.pol, LocationKind.vbl})
REGULAR_KINDS = frozenset({LocationKind.azc, LocationKind.pol, LocationKind.noodopvang})
PROCESS_TRACKS = frozenset({Track.dublin, Track.safe_country, Track.kansarm})
REGISTRATION_KINDS = frozenset({LocationKind.col, LocationKind.gvl})


class Group(StrEnum):
    """Which kinds of location a household may go to, by status and track."""

    process = "process"  # dublin, safe_country, kansarm: col/gvl/pol/vbl
    regular = "regular"  # status holders, kansrijk, unknown: azc/pol/noodopvang
    amv = "amv"  # unaccompanied minors: amv locations only


GROUP_KINDS: dict[Group, frozenset[LocationKind]] = {
    Group.process: PROCESS_KINDS,
    Group.regular: REGULAR_KINDS,
    Group.amv: frozenset({LocationKind.amv}),
}
GROUP_WORDS = {
    Group.process: "dublin, safe-country and kansarm tracks",
    Group.regular: "status holders and kansrijk or unknown tracks",
    Group.amv: "unaccompanied minors",
}


def group_of(status: Status, track: Track, amv: bool) -> Group:
    if amv:
        return Group.amv
    if status is Status.status_holder:
        return Group.regular
    return Group.process if track in PROCESS_TRACKS else Group.regular


@dataclass(frozen=True, slots=True)
class Profile:
    """All that suitability looks at in a household (never anything personal beyond this)."""

    group: Group
    family: bool
    school: bool


def profile_of(h: Household) -> Profile:
    """The suitability profile of a household (all the rules look at)."""
    return Profile(group_of(h.status, h.track, h.amv), h.size > 1, h.school_age_children > 0)


def _separation_reason(p: Profile, loc: Location) -> str | None:
    if loc.closing:
        return "closing"
    if p.group is Group.amv and not loc.is_amv_location:
        return "not an amv location"
    if p.group is not Group.amv and loc.is_amv_location:
        return "amv location (unaccompanied minors only)"
    return None


def unsuitable_reason(p: Profile, loc: Location, moving_resident: bool = False) -> str | None:
    """None when ``loc`` suits ``p``, else a short planner-readable reason. ``moving_resident``:
    a resident that would move there (residents are not moved into registration centres)."""
    sep = _separation_reason(p, loc)
    if sep is not None:
        return sep
    if loc.kind not in GROUP_KINDS[p.group]:
        return f"{loc.kind.value} is not for {GROUP_WORDS[p.group]}"
    if moving_resident and loc.kind in REGISTRATION_KINDS:
        return f"{loc.kind.value} beds are kept for arrivals (residents are not moved there)"
    if p.family and not loc.accepts_families:
        return "takes no families"
    if p.school and not loc.school_nearby:
        return "no school nearby"
    if loc.capacity <= 0:
        return "no beds"
    return None


def may_wait_at_registration(p: Profile, loc: Location) -> bool:
    """May an arrival whose track belongs elsewhere wait in a free bed of its own col/gvl?

    Only at a registration centre, and only where the amv separation and the family rule hold:
    the track and school rules are what the wait relaxes (a wait of days, not a stay)."""
    if loc.kind not in REGISTRATION_KINDS or loc.capacity <= 0:
        return False
    if _separation_reason(p, loc) is not None:
        return False
    return not (p.family and not loc.accepts_families)
