"""The enumerations of the contract: location kinds, household statuses and procedure tracks."""

from __future__ import annotations

from enum import StrEnum


class LocationKind(StrEnum):
    """COA reception modalities (BMH 'Naar een wendbare migratieketen', 2020, on the eleven reception modalities)."""

    col = "col"  # central registration location (aanmeldcentrum)
    gvl = "gvl"  # gemeenschappelijke vreemdelingenlocatie: all chain partners under one roof
    pol = "pol"  # process location near an IND office
    azc = "azc"  # regular asylum seekers' centre
    gezinslocatie = "gezinslocatie"  # families without right to stay
    vbl = "vbl"  # restricted-freedom location
    amv = "amv"  # unaccompanied minors (alleenstaande minderjarige vreemdelingen)
    htl = "htl"  # nuisance location (handhaving- en toezichtlocatie)
    ebtl = "ebtl"  # extra begeleiding en toezicht
    noodopvang = "noodopvang"  # emergency reception: temporary and expensive


DEFAULT_BAND_KINDS: tuple[LocationKind, ...] = tuple(
    k for k in LocationKind if k not in (LocationKind.col, LocationKind.gvl)
)
"""The occupancy band applies to every kind but the registration centres (the arrivals' buffer)."""


class Status(StrEnum):
    arrival = "arrival"  # newly registered this week, at a col/gvl
    resident = "resident"  # asylum seeker in a location, procedure running
    status_holder = "status_holder"  # vergunninghouder: has a permit, awaits a municipality


class Track(StrEnum):
    """Procedure track (spoor) and chance of a permit."""

    kansrijk = "kansrijk"
    kansarm = "kansarm"
    dublin = "dublin"
    safe_country = "safe_country"
    unknown = "unknown"
