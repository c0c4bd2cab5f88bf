"""The app factory: settings -> database (migrated) -> tokens -> job manager -> routers.

Layers around the routes, outermost first: security headers, the audit (a row committed before
each /v1 answer leaves), body limits (413/408 before routing, so before the token or the JSON
cost anything), then FastAPI with its error handlers (stable codes, no internals)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import AuditMiddleware, AuditWriter
from api.body import add_document_schemas
from api.core.config import Settings
from api.db.session import Checkpointer, make_engine, make_sessionmaker, upgrade
from api.deps import ServicesDep, SessionDep
from api.errors import http_error_handler, internal_error_handler, validation_handler
from api.jobs import JobManager, Lane
from api.logs import install_redaction
from api.middleware import BodyLimits, SecurityHeaders
from api.oidc import OidcVerifier
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
from api.services import Services, new_submit_pool
from api.tokens import TokenStore

STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. The database is migrated to head before the first request."""
    settings = settings or Settings()
    install_redaction()
    if settings.data_dir is not None:
        os.environ["COA_DATA_DIR"] = str(settings.data_dir)
    # As many connections as threads that can hold one (anyio's 40 route threads, the 2
    # submission threads, the dispatchers), kept open: overflow connections were opened and
    # closed (pragmas, on PostgreSQL a backend start) per request under 50 readers.
    engine = make_engine(settings.database_url, pool_size=40, max_overflow=10)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    tokens = TokenStore(settings.all_tokens(), oidc=OidcVerifier.from_settings(settings),
                        sessions=sessions, refresh_s=settings.revocation_refresh_s)
    manager = JobManager(
        sessions, workers=settings.workers, queue_size=settings.queue_size,
        max_attempts=settings.max_attempts, requeue_on_restart=settings.requeue_on_restart,
        study=Lane(settings.whatif_workers, settings.whatif_queue_size, settings.whatif_wall_s),
        wall_s=settings.job_wall_s, memory_mb=settings.job_memory_mb,
        embedded=settings.embedded_worker, lease_s=settings.lease_s,
        context={"dask_scheduler": settings.dask_scheduler},
    )

    # The audit writer has its own connections: requests wait for it while holding theirs, so
    # sharing one pool would let 40 waiting requests starve the writer they wait for.
    audit_engine = make_engine(settings.database_url, pool_size=2, max_overflow=0)
    audit_writer = AuditWriter(make_sessionmaker(audit_engine))
    checkpointer = Checkpointer(engine)
    services = Services(settings=settings, engine=engine, sessions=sessions, tokens=tokens,
                        jobs=manager, audit=audit_writer)
    manager.on_change(services.responses.invalidate)
    manager.on_change(services.plan_responses.invalidate, plans_only=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        checkpointer.start()
        audit_writer.start()
        tokens.start()
        manager.start()
        try:
            yield
        finally:
            manager.stop()
            tokens.stop()
            services.submit_pool.shutdown(wait=True)
            services.submit_pool = new_submit_pool()  # threads start lazily; an app may restart
            audit_writer.stop()
            checkpointer.stop()
            engine.dispose()
            audit_engine.dispose()

    app = FastAPI(
        title="COA reception planning service",
        version="1.0.0",
        description="Weekly allocation jobs, plans, reference data and the audit log of the "
        "COA reception-capacity planner. Every /v1 route needs a bearer token.",
        lifespan=lifespan, docs_url=None, redoc_url=None,
    )
    app.state.services = services
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, internal_error_handler)
    app.add_middleware(BodyLimits, max_bytes=settings.max_body_bytes,
                       timeout_s=settings.body_timeout_s)
    app.add_middleware(AuditMiddleware, writer=audit_writer, tokens=tokens)
    app.add_middleware(SecurityHeaders)
    for r in (
        jobs.router, plans.router, sequences.router, explain.router, quotas.router,
        reference.router, whatif.router, audit.router, pages.router, uploads.router,
    ):
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> FileResponse:
        """Swagger UI from the service's own files (api/static/docs)."""
        return FileResponse(STATIC / "docs" / "swagger.html", media_type="text/html")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> FileResponse:
        """ReDoc from the service's own files."""
        return FileResponse(STATIC / "docs" / "redoc.html", media_type="text/html")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_document_schemas(get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/v1/health", response_model=Health, tags=["health"])
    def health(s: SessionDep, services: ServicesDep) -> Health:
        """Liveness without a token: database reachable, jobs waiting."""
        s.execute(text("SELECT 1"))
        return Health(status="ok", queued=services.jobs.queued(), database=engine.dialect.name)

    return app
