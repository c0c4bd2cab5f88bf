"""What the routes use, as one typed object behind an ``Annotated`` dependency.

:func:`api.main.create_app` builds one :class:`Services` and keeps it in ``app.state.services``;
routes ask for :data:`api.deps.ServicesDep` (or the narrower ``SettingsDep``, ``JobsDep``,
``SessionDep``) and never read ``app.state`` themselves."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.audit import AuditWriter
from api.cache import LRU, ResponseCache
from api.core.config import Settings
from api.jobs import JobManager
from api.tokens import TokenStore
from optimizer.explain.options import PlanContext


def new_submit_pool() -> ThreadPoolExecutor:
    """Submissions (parse, hash, store, enqueue) get their own 2 threads, not the readers'."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="submit")


@dataclass
class Services:
    """The service's parts: settings, database, identities, jobs, caches, pools."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    tokens: TokenStore
    jobs: JobManager
    audit: AuditWriter
    responses: ResponseCache = field(default_factory=ResponseCache)
    """Answers that change with any job (the job list)."""
    plan_responses: ResponseCache = field(default_factory=ResponseCache)
    """Answers that change only when a job stores a plan (the latest plan)."""
    contexts: LRU[str, PlanContext] = field(default_factory=lambda: LRU(maxsize=8))
    """Explanation contexts per plan id (plans never change)."""
    submit_pool: ThreadPoolExecutor = field(default_factory=new_submit_pool)
