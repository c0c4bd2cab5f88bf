"""Annotated dependencies: database session, current principal, role checks."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.core.config import Role, Settings
from api.jobs import JobManager
from api.services import Services
from api.tokens import Principal

bearer = HTTPBearer(auto_error=False, description="API token (python -m api.tokens new ...)")


async def get_services(request: Request) -> Services:
    """The app's parts (built once by :func:`api.main.create_app`)."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    """The settings the app was created with."""
    return services.settings


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One session per request."""
    with services.sessions() as session:
        yield session


async def get_jobs(services: ServicesDep) -> JobManager:
    """The app's job manager."""
    return services.jobs


async def get_principal(
    request: Request,
    services: ServicesDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller from the bearer token: 401 without a valid one (expired, revoked, unknown).
    The audit middleware has resolved the token already (``scope['state']['coa_auth']``)."""
    principal: Principal | None = None
    why: str | None = "missing bearer token"
    if creds is not None and creds.scheme.lower() == "bearer":
        seen = request.scope.get("state", {}).get("coa_auth")
        if seen is not None and seen[0] == creds.credentials:
            principal, why = seen[1], seen[2]
        else:
            principal, why = await services.tokens.resolve(creds.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=f"missing or unusable bearer token ({why or 'unknown token'})",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets only these roles through (403 for the others)."""

    async def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {principal.role.value!r} may not do this "
                f"(allowed: {', '.join(r.value for r in roles)})",
            )
        return principal

    return check


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""Closed as soon as the route has returned and its answer is serialized, not after the answer
is sent: sending waits for the audit row's commit, and a session still open then would hold its
pooled connection through that wait (50 readers of uncached routes emptied the pool)."""
JobsDep = Annotated[JobManager, Depends(get_jobs)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AnyUser = Annotated[Principal, Depends(get_principal)]
Planner = Annotated[Principal, Depends(require(Role.planner, Role.admin))]
PlanReader = Annotated[
    Principal, Depends(require(Role.planner, Role.admin, Role.supervisor, Role.analyst))
]
QuotaReader = Annotated[Principal, Depends(require(Role.planner, Role.admin, Role.supervisor))]
Analyst = Annotated[Principal, Depends(require(Role.planner, Role.admin, Role.analyst))]
Auditor = Annotated[Principal, Depends(require(Role.auditor))]


def may_stop(principal: Principal, owner: str) -> None:
    """Only a job's owner or an admin may stop it (403 for anyone else)."""
    if principal.role is not Role.admin and principal.name != owner:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail="only the job's owner or an admin may stop it",
        )


Province = Annotated[
    str | None, Query(pattern=r"^PV[0-9]{2}$", description="limit lists to a pv_code")
]
"""The ``province`` query parameter of every route a supervisor reads (see ``scope_province``)."""


def scope_province(principal: Principal, asked: str | None) -> str | None:
    """The province the answer is limited to: a supervisor's own (403 if they ask for another)."""
    if principal.role is Role.supervisor:
        if asked is not None and asked != principal.province:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"supervisor of {principal.province} may not read {asked}",
            )
        return principal.province
    return asked


_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def shown(value: str, limit: int = 80) -> str:
    """A client-sent id as it may appear in a message: repr, cut."""
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 4] + "...'"


def not_found(what: str, key: str) -> HTTPException:
    """The one 404 for an unknown object and for one outside the caller's scope."""
    return HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no {what} {shown(key)}")


def row_id(what: str, key: str) -> str:
    """``key`` if it can be a stored id (a UUID); anything else is unknown (404) without asking
    the database, which may refuse the value (a NUL byte on PostgreSQL)."""
    if not _UUID.match(key):
        raise not_found(what, key)
    return key


Row = TypeVar("Row")


def stored(s: Session, model: type[Row], what: str, key: str, *options: Any) -> Row:
    """The stored row ``key`` of ``model``, or the one 404 (also for a key that cannot be an
    id); ``what`` names the object in the message; ``options`` are loader options (e.g. a
    deferred body)."""
    row = s.get(model, row_id(what, key), options=list(options))
    if row is None:
        raise not_found(what, key)
    return row
