"""The app factory: settings -> database (migrated) -> tokens -> job manager -> routers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from api.audit import AuditMiddleware, AuditWriter
from api.core.config import Settings
from api.db.session import make_engine, make_sessionmaker, upgrade
from api.deps import JobsDep, SessionDep
from api.errors import validation_handler
from api.jobs import JobManager
from api.routes import audit, jobs, pages, plans, quotas, reference
from api.schemas import Health
from api.tokens import TokenStore

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. The database is migrated to head before the first request."""
    settings = settings or Settings()
    if settings.data_dir is not None:
        os.environ["COA_DATA_DIR"] = str(settings.data_dir)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    tokens = TokenStore(settings.all_tokens())
    manager = JobManager(
        sessions, workers=settings.workers, queue_size=settings.queue_size,
        max_attempts=settings.max_attempts, requeue_on_restart=settings.requeue_on_restart,
    )

    audit_writer = AuditWriter(sessions)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        audit_writer.start()
        manager.start()
        try:
            yield
        finally:
            manager.stop()
            audit_writer.stop()
            engine.dispose()

    app = FastAPI(
        title="COA reception planning service",
        version="1.0.0",
        description="Weekly allocation jobs, plans, reference data and the audit log of the "
        "COA reception-capacity planner. Every /v1 route needs a bearer token.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.tokens = tokens
    app.state.jobs = manager
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_middleware(AuditMiddleware, writer=audit_writer, tokens=tokens)
    app.state.audit = audit_writer
    for r in (
        jobs.router, plans.router, quotas.router, reference.router, audit.router, pages.router
    ):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/v1/health", response_model=Health, tags=["health"])
    def health(s: SessionDep, manager: JobsDep) -> Health:
        """Liveness without a token: database reachable, jobs waiting."""
        s.execute(text("SELECT 1"))
        return Health(status="ok", queued=manager.queued(), database=engine.dialect.name)

    return app
