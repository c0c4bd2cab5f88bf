"""Service settings, read from environment variables prefixed ``COA_API_`` (pydantic-settings)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Role(StrEnum):
    """Who may do what: planners operate, supervisors watch one province, analysts run what-ifs."""

    planner = "planner"
    supervisor = "supervisor"
    analyst = "analyst"


class TokenEntry(BaseModel):
    """One configured API token, stored as the sha256 of the token (never the token itself)."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    role: Role
    province: Annotated[str | None, Field(pattern=r"^PV\d{2}$")] = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]

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
    data_dir: Path | None = Field(None, description="Reference data (sets COA_DATA_DIR).")

    def all_tokens(self) -> list[TokenEntry]:
        """Tokens from the environment plus those in ``tokens_file``."""
        extra: list[TokenEntry] = []
        if self.tokens_file is not None:
            raw = json.loads(self.tokens_file.read_text(encoding="utf-8"))
            extra = [TokenEntry.model_validate(t) for t in raw]
        return [*self.tokens, *extra]
