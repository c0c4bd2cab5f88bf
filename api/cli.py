"""`coa-plan serve` (the service with its limits) and `coa-plan audit verify`."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import typer
from uvicorn.protocols.http.h11_impl import H11Protocol

audit_app = typer.Typer(help="The service's audit log.", no_args_is_help=True)


class GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a header timeout: a connection that has not sent a
    complete request head within ``header_timeout_s`` (a slow client holding a slot) is closed.
    Idle keep-alive connections are closed by uvicorn's own ``timeout_keep_alive``."""

    header_timeout_s = 10.0

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = self.loop.call_later(
            self.header_timeout_s, self._head_timeout)

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self._waiting_for_head():
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timeout)
        super().data_received(data)
        if self._head_timer is not None and not self._waiting_for_head():
            self._head_timer.cancel()
            self._head_timer = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self._waiting_for_head() and not self.transport.is_closing():
            self.transport.close()


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Start the planning service (settings from COA_API_* environment variables): header and
    idle timeouts and a connection cap from the settings."""
    import uvicorn

    from api.core.config import Settings
    from api.logs import install_redaction
    from api.main import create_app

    settings = Settings()
    GuardedH11.header_timeout_s = settings.header_timeout_s
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_level=log_level, http=GuardedH11,
        timeout_keep_alive=settings.idle_timeout_s, limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=64 * 1024,
    )
    install_redaction()  # uvicorn's logging is configured by now
    uvicorn.Server(config).run()


@audit_app.command("verify")
def verify(
    database_url: Annotated[
        str | None, typer.Option(help="Default: COA_API_DATABASE_URL or the embedded SQLite.")
    ] = None,
) -> None:
    """Walk the audit hash chain: exit 0 if no row was removed or altered, 1 otherwise."""
    from api.audit import verify_chain
    from api.core.config import Settings
    from api.db.session import make_engine, make_sessionmaker, upgrade

    engine = make_engine(database_url or Settings().database_url)
    upgrade(engine)
    with make_sessionmaker(engine)() as s:
        report = verify_chain(s)
    engine.dispose()
    for p in report.problems:
        typer.echo(p, err=True)
    if report.problems:
        typer.echo(f"audit chain BROKEN: {len(report.problems)} problem(s) in {report.rows} rows",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"audit chain intact: {report.rows} rows; head {report.head} "
               "(note it elsewhere to detect rows cut from the end)")


if __name__ == "__main__":
    typer.run(serve)
