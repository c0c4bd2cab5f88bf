"""The codes of the bundled reference data: location kinds, CBS/Kadaster code patterns, the CRS.

Plain constants, shared by the loaders (:mod:`optimizer.reference_data`) and the pandera schemas
(:mod:`optimizer.reference_schemas`) without either importing the other at module level.
"""

from __future__ import annotations

from optimizer.documents.kinds import LocationKind

LOCATION_KINDS: tuple[str, ...] = tuple(k.value for k in LocationKind)
"""The COA location kinds, as in the scenario contract (one list: ``documents.kinds``)."""
RD_NEW = "EPSG:28992"
"""Amersfoort / RD New, the Dutch national grid (metres)."""
GM_CODE_RE = r"^GM\d{4}$"
"""A CBS municipality code (gemeentecode)."""
PV_CODE_RE = r"^PV(2\d|3[01])$"
"""A CBS province code (provinciecode)."""
