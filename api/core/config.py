"""Service settings, read from environment variables prefixed ``COA_API_`` (pydantic-settings)."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Role(StrEnum):
    """Who may do what: planners operate, supervisors watch one province, analysts run what-ifs,
    auditors read the audit log (and nothing else), admins are planners who may also stop other
    people's jobs."""

    planner = "planner"
    supervisor = "supervisor"
    analyst = "analyst"
    auditor = "auditor"
    admin = "admin"


class TokenEntry(BaseModel):
    """One configured API token, stored as the sha256 of the token (never the token itself)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    role: Role
    province: Annotated[str | None, Field(pattern=r"^PV[0-9]{2}$")] = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    expires_at: dt.datetime | None = Field(
        None, description="After this moment (UTC) the token is refused; minted tokens have one."
    )

    @model_validator(mode="after")
    def _province_for_supervisors(self) -> TokenEntry:
        if self.role is Role.supervisor and self.province is None:
            raise ValueError(f"token {self.name!r}: a supervisor is bound to one province")
        return self


class Settings(BaseSettings):
    """Embedded defaults: SQLite next to the working directory, one solve worker, a small queue."""

    model_config = SettingsConfigDict(env_prefix="COA_API_", extra="ignore")

    database_url: str = "sqlite:///./coa_plan.db"
    tokens: list[TokenEntry] = Field(
        default_factory=list, description="Tokens as a JSON list (env COA_API_TOKENS)."
    )
    tokens_file: Path | None = Field(
        None, description="JSON file with a list of tokens, added to `tokens`."
    )
    workers: Annotated[int, Field(ge=1, le=16)] = 1
    queue_size: Annotated[int, Field(ge=1, le=1000)] = 8
    retry_after_s: Annotated[int, Field(ge=1)] = 10
    time_limit_s: Annotated[float, Field(gt=0)] = 60.0
    max_time_limit_s: Annotated[float, Field(gt=0)] = 600.0
    mip_rel_gap: Annotated[float, Field(ge=0, le=1)] = 0.005
    max_attempts: Annotated[int, Field(ge=1, le=10)] = 2
    requeue_on_restart: bool = True
    embedded_worker: bool = Field(
        True, description="Run a worker inside the API process (the single-host default). Off "
        "when jobs are run by `coa-plan worker` processes (`coa-plan serve --workers N`).")
    lease_s: Annotated[float, Field(ge=2, le=3600)] = Field(
        30.0, description="A running job's lease: a worker that has not renewed it for this "
        "long is taken as dead, and another worker runs the job again.")
    dask_scheduler: str | None = Field(
        None, max_length=200, pattern=r"^(tcp|tls|inproc|ucx)://[A-Za-z0-9.\-_:\[\]]+$",
        description="Run what-if studies on this dask.distributed scheduler "
        "(tcp://host:8786), as `coa-plan whatif --scheduler` does; unset: in the solve process.")
    data_dir: Path | None = Field(None, description="Reference data (sets COA_DATA_DIR).")

    # -- limits before work -------------------------------------------------------------------
    max_body_bytes: Annotated[int, Field(ge=1024, le=2**31)] = Field(
        32 * 2**20,
        description="Largest request body (413 before parsing and before the token is looked "
        "at). The national reference week (`coa-plan scenario`) is about 7 MB: 4x headroom.",
    )
    body_timeout_s: Annotated[float, Field(gt=0, le=600)] = Field(
        30.0, description="A body that does not arrive within this time is answered 408.")
    header_timeout_s: Annotated[float, Field(gt=0, le=120)] = Field(
        10.0, description="A connection must send complete request headers within this time.")
    idle_timeout_s: Annotated[int, Field(ge=1, le=600)] = Field(
        5, description="An idle keep-alive connection is closed after this many seconds.")
    max_connections: Annotated[int, Field(ge=1, le=100_000)] = Field(
        500, description="Concurrent connections and requests; beyond it the server answers 503.")
    whatif_max_run_weeks: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        2_000,
        description="A what-if study may simulate at most this many weeks: variants x inflows x "
        "seeds x horizon_weeks (each week is one weekly solve).",
    )
    whatif_workers: Annotated[int, Field(ge=1, le=16)] = Field(
        1, description="Solve processes for what-if studies, beside `workers` for weekly "
        "allocations and sequences: a study never takes a weekly solve's place.")
    whatif_queue_size: Annotated[int, Field(ge=1, le=1000)] = 4
    job_wall_s: Annotated[float, Field(gt=0)] = Field(
        1800.0, description="Wall-clock cap of one allocation or sequencing job (the solver's "
        "own time limit comes first).")
    whatif_wall_s: Annotated[float, Field(gt=0)] = Field(
        7200.0, description="Wall-clock cap of one what-if job.")
    job_memory_mb: Annotated[int, Field(ge=256, le=1_000_000)] = Field(
        8192, description="Address-space cap of one solve process (MB).")

    # -- identities -------------------------------------------------------------------------
    oidc_issuer: str | None = Field(None, description="Accept JWTs of this issuer (iss).")
    oidc_audience: str | None = Field(None, description="Required audience (aud).")
    oidc_jwks_file: Path | None = Field(None, description="JWKS of the issuer, as a file.")
    oidc_jwks_url: str | None = Field(None, description="JWKS of the issuer, fetched and cached.")
    oidc_role_claim: str = Field("coa_role", description="Claim holding the role (or a list).")
    oidc_province_claim: str = Field("coa_province", description="Claim with a supervisor's pv.")
    oidc_name_claim: str = Field("sub", description="Claim naming the caller in jobs and audit.")
    oidc_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])
    revocation_refresh_s: Annotated[float, Field(gt=0, le=3600)] = Field(
        2.0, description="How often the list of revoked tokens is read from the database.")

    def all_tokens(self) -> list[TokenEntry]:
        """Tokens from the environment plus those in ``tokens_file``."""
        extra: list[TokenEntry] = []
        if self.tokens_file is not None:
            raw = json.loads(self.tokens_file.read_text(encoding="utf-8"))
            extra = [TokenEntry.model_validate(t) for t in raw]
        return [*self.tokens, *extra]

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        if self.oidc_issuer is not None and (
            self.oidc_audience is None
            or (self.oidc_jwks_file is None) == (self.oidc_jwks_url is None)
        ):
            raise ValueError("OIDC needs oidc_issuer, oidc_audience and one of oidc_jwks_file "
                             "or oidc_jwks_url")
        return self
