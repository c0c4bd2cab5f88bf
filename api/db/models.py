"""Tables: scenarios (by content hash), plans, sequences, jobs, what-if results and the audit log."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> dt.datetime:
    """Timezone-aware now, the only clock the service uses."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps always come back timezone-aware in UTC (SQLite stores them without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """Declarative base of the service tables."""


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


class ScenarioRow(Base):
    """A scenario document, stored once per content hash."""

    __tablename__ = "scenarios"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    week: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PlanRow(Base):
    """A plan document produced by a job."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scenario_hash: Mapped[str] = mapped_column(ForeignKey("scenarios.hash"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    week: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )


class SequenceRow(Base):
    """A sequence (day-by-day order of a plan's moves) for one plan."""

    __tablename__ = "sequences"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobRow(Base):
    """A solve job and its life: queued -> running -> done / failed / cancelled.

    The table is the queue: a worker claims the oldest queued job of its lanes (on PostgreSQL
    ``FOR UPDATE SKIP LOCKED``), holds a lease (``lease_owner``, ``lease_until``) that it renews
    while the job runs, and stores the result only while the lease is still its own. A job whose
    lease ran out is queued again (or failed after ``max_attempts``) by any worker. Cancelling a
    running job sets ``cancel_requested``; the worker holding it stops the solver."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "status", "lane", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    owner: Mapped[str] = mapped_column(String(64))
    scenario_hash: Mapped[str | None] = mapped_column(
        ForeignKey("scenarios.hash"), nullable=True
    )  # None for a what-if job: its RunSpec is in ``options``
    options: Mapped[str] = mapped_column(Text, default="{}")
    plan_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lane: Mapped[str] = mapped_column(String(16), default="weekly")
    lease_owner: Mapped[str | None] = mapped_column(String(128), nullable=True)
    """The worker that holds (or last held) the job: ``host:pid:id``."""
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    """Bumped by every change of the job: API processes watch it to drop cached answers."""


class WhatIfResultRow(Base):
    """The comparison table of a finished what-if job (JSON), stored under the job's id."""

    __tablename__ = "whatif_results"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditRow(Base):
    """Who asked what, when, with which input hash, and what they got; one link of a hash chain.

    Every client-sent value is stored escaped and cut to its column (:func:`api.audit.safe_text`),
    so the database never refuses a row for what a client sent. ``row_hash`` is the sha256 of the
    row's fields and ``prev_hash`` (the previous row's ``row_hash``): removing or altering a row
    breaks the chain (``coa-plan audit verify``)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    request_id: Mapped[str] = mapped_column(String(32), index=True, default="")
    who: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(512))
    input_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    objects: Mapped[str] = mapped_column(String(512), default="")
    reason: Mapped[str] = mapped_column(String(256), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class RevokedTokenRow(Base):
    """A static token that may no longer be used (``python -m api.tokens revoke``), by its hash."""

    __tablename__ = "revoked_tokens"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
