"""Engine, sessions and the programmatic ``alembic upgrade head`` run at startup."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for memory databases and other backends)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def private_files(db: Path) -> None:
    """The database file and its WAL/SHM files readable by the service's user only (0600)."""
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(db, os.O_CREAT | os.O_WRONLY, 0o600))
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(p, 0o600)


def make_engine(url: str, pool_size: int = 20, max_overflow: int = 20) -> Engine:
    """An engine; SQLite gets WAL with ``synchronous=FULL`` (a committed audit row survives a
    power cut, not only a crash), a busy timeout, cross-thread use and files only the service's
    user can read."""
    if url.startswith("sqlite"):
        db = sqlite_path(url)
        if db is not None:
            private_files(db)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size,
            max_overflow=max_overflow,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()
            if db is not None:
                private_files(db)

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow,
                         pool_pre_ping=True)


class Checkpointer:
    """SQLite only: copies the write-ahead log back into the database file from its own thread.

    With SQLite's automatic checkpoint, whichever commit happens to cross 1,000 WAL pages copies
    them and fsyncs the database file before it returns: under a stream of audit rows that was
    now and then a job submission, stalled for up to a second. Here every connection has
    ``wal_autocheckpoint=0`` and this thread runs a PASSIVE checkpoint (it never blocks readers
    or writers) every ``interval_s``."""

    def __init__(self, engine: Engine, interval_s: float = 1.0) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.engine.dialect.name != "sqlite" or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(10)
            self._thread = None
        if self.engine.dialect.name == "sqlite":
            self.checkpoint()

    def checkpoint(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("WAL checkpoint failed")

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.checkpoint()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (rows are read after the request commits)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at ``api/migrations``; with an engine, migrations use it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """``alembic upgrade head`` on this engine, one process at a time: N API processes and the
    workers start together against one database (PostgreSQL: a transaction advisory lock;
    SQLite: an exclusive transaction holds the database's write lock)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7263001)"))
        elif engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN EXCLUSIVE")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
