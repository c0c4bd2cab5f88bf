"""The pandera schemas of the bundled reference data (imported only to validate a data file).

Importing pandera costs about 2.6 s in a cold process (it imports dask for its typing module), so
:mod:`optimizer.reference_data` validates each data file once and remembers it by the hash of the
file and of this module (see ``reference_data.validated_once``): a change to either validates again.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from optimizer.reference_codes import GM_CODE_RE, LOCATION_KINDS, PV_CODE_RE


class MunicipalitySchema(pa.DataFrameModel):
    """One row per 2024 municipality with its RD New reference point."""

    gm_code: Series[str] = pa.Field(str_matches=GM_CODE_RE, unique=True)
    gm_name: Series[str] = pa.Field(str_length={"min_value": 1})
    pv_code: Series[str] = pa.Field(str_matches=PV_CODE_RE)
    population: Series[int] = pa.Field(gt=0)
    x_rd_m: Series[float] = pa.Field(ge=0, le=300_000)
    y_rd_m: Series[float] = pa.Field(ge=289_000, le=629_000)

    class Config:
        strict = True
        coerce = True


class ProvinceSchema(pa.DataFrameModel):
    """One row per province."""

    pv_code: Series[str] = pa.Field(str_matches=PV_CODE_RE, unique=True)
    pv_name: Series[str] = pa.Field(str_length={"min_value": 1})
    population: Series[int] = pa.Field(gt=0)

    class Config:
        strict = True
        coerce = True


class LocationSchema(pa.DataFrameModel):
    """One row per reception location (see data/locations/README.md)."""

    id: Series[str] = pa.Field(str_matches=r"^L\d{3,}$", unique=True)
    name: Series[str] = pa.Field(str_length={"min_value": 1}, unique=True)
    gm_code: Series[str] = pa.Field(str_matches=GM_CODE_RE)
    kind: Series[str] = pa.Field(isin=list(LOCATION_KINDS))
    capacity: Series[int] = pa.Field(gt=0)
    residents: Series[int] = pa.Field(ge=0)
    accepts_families: Series[bool]
    accepts_amv: Series[bool]
    school_nearby: Series[bool]
    cost_per_bed_day: Series[float] = pa.Field(gt=0)
    origin: Series[str] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True
        coerce = True


def validate_locations(df: pd.DataFrame, known_gm_codes: pd.Series) -> pd.DataFrame:
    """Validate a locations frame; gm_code must exist among ``known_gm_codes``."""
    out = LocationSchema.validate(df)
    unknown = sorted(set(out["gm_code"]) - set(known_gm_codes))
    if unknown:
        raise pa.errors.SchemaError(
            schema=LocationSchema.to_schema(),
            data=out,
            message=f"column 'gm_code': unknown municipality codes {unknown}",
        )
    return out
