"""The app factory: settings -> database (migrated) -> tokens -> job manager -> routers."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from api.audit import AuditMiddleware, AuditWriter
from api.cache import LRU, ResponseCache
from api.core.config import Settings
from api.db.session import Checkpointer, make_engine, make_sessionmaker, upgrade
from api.deps import JobsDep, SessionDep
from api.errors import validation_handler
from api.jobs import JobManager
from api.routes import (
    audit,
    explain,
    jobs,
    pages,
    plans,
    quotas,
    reference,
    sequences,
    uploads,
    whatif,
)
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
    checkpointer = Checkpointer(engine)
    responses, plan_responses = ResponseCache(), ResponseCache()
    manager.on_change(responses.invalidate)
    manager.on_change(plan_responses.invalidate, plans_only=True)

    def new_submit_pool() -> ThreadPoolExecutor:
        """Submissions (hash, store, enqueue) get their own 2 threads, not the readers' pool."""
        return ThreadPoolExecutor(max_workers=2, thread_name_prefix="submit")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        checkpointer.start()
        audit_writer.start()
        manager.start()
        try:
            yield
        finally:
            manager.stop()
            app.state.submit_pool.shutdown(wait=True)
            app.state.submit_pool = new_submit_pool()  # threads start lazily; an app may restart
            audit_writer.stop()
            checkpointer.stop()
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
    app.state.responses = responses
    app.state.plan_responses = plan_responses
    app.state.submit_pool = new_submit_pool()
    app.state.contexts = LRU(maxsize=8)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_middleware(AuditMiddleware, writer=audit_writer, tokens=tokens)
    app.state.audit = audit_writer
    for r in (
        jobs.router, plans.router, sequences.router, explain.router, quotas.router,
        reference.router, whatif.router, audit.router, pages.router, uploads.router,
    ):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/v1/health", response_model=Health, tags=["health"])
    def health(s: SessionDep, manager: JobsDep) -> Health:
        """Liveness without a token: database reachable, jobs waiting."""
        s.execute(text("SELECT 1"))
        return Health(status="ok", queued=manager.queued(), database=engine.dialect.name)

    return app
