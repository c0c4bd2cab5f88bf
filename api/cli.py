"""`coa-plan serve` (the service with its limits), `coa-plan worker` (solve jobs from the
database, on any machine) and `coa-plan audit verify`."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer

audit_app = typer.Typer(help="The service's audit log.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64,
        help="API processes. With more than one, jobs run in a separate `coa-plan worker` "
        "started beside them (see --worker); use PostgreSQL for several machines.")] = 1,
    worker: Annotated[bool, typer.Option(
        "--worker/--no-worker",
        help="Run jobs on this machine too (embedded in the one API process, or one "
        "`coa-plan worker` beside N). --no-worker: workers run elsewhere.")] = True,
) -> None:
    """Start the planning service (settings from COA_API_* environment variables): header and
    idle timeouts and a connection cap from the settings."""
    import os
    import subprocess
    import sys

    import uvicorn

    from api.core.config import Settings
    from api.http_guard import GuardedH11
    from api.logs import install_redaction

    settings = Settings()
    GuardedH11.header_timeout_s = settings.header_timeout_s
    common: dict[str, Any] = dict(
        host=host, port=port, log_level=log_level, http=GuardedH11,
        timeout_keep_alive=settings.idle_timeout_s, limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=64 * 1024,
    )
    if workers == 1:
        from api.main import create_app

        if not worker:
            settings = settings.model_copy(update={"embedded_worker": False})
        config = uvicorn.Config(create_app(settings), **common)
        install_redaction()  # uvicorn's logging is configured by now
        uvicorn.Server(config).run()
        return
    # N API processes share the socket (uvicorn's supervisor); none runs jobs itself.
    os.environ["COA_API_EMBEDDED_WORKER"] = "false"
    side = None
    if worker:
        side = subprocess.Popen([sys.executable, "-m", "api.cli", "worker"])
    try:
        install_redaction()
        uvicorn.run("api.asgi:app", workers=workers, **common)
    finally:
        if side is not None:
            side.terminate()
            try:
                side.wait(30)
            except subprocess.TimeoutExpired:
                side.kill()


def worker(
    kinds: Annotated[str, typer.Option(
        help="Job kinds this worker runs, comma-separated (allocate, sequence, whatif).")
    ] = "allocate,sequence,whatif",
    concurrency: Annotated[int | None, typer.Option(
        min=1, max=64, help="Weekly solves (allocations, sequences) at a time. "
        "Default: COA_API_WORKERS.")] = None,
    study_concurrency: Annotated[int | None, typer.Option(
        min=1, max=64, help="What-if studies at a time, in slots of their own. "
        "Default: COA_API_WHATIF_WORKERS.")] = None,
) -> None:
    """Run solve jobs from the service's database (COA_API_DATABASE_URL) on this machine: claim
    a job with a lease, solve it in a child process, store the result; another worker takes a
    job over if this one dies. Stop with Ctrl-C or SIGTERM (running jobs go back to the queue)."""
    import signal
    import threading

    from api.core.config import Settings
    from api.db.session import make_engine, make_sessionmaker, upgrade
    from api.logs import install_redaction
    from api.queue import JobQueue, Lane
    from api.worker import Worker

    settings = Settings()
    install_redaction()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    if settings.data_dir is not None:
        import os

        os.environ["COA_DATA_DIR"] = str(settings.data_dir)
    wanted = [k.strip() for k in kinds.split(",") if k.strip()]
    engine = make_engine(settings.database_url, pool_size=4, max_overflow=8)
    upgrade(engine)
    lanes = {
        "weekly": Lane(concurrency or settings.workers, settings.queue_size, settings.job_wall_s),
        "study": Lane(study_concurrency or settings.whatif_workers, settings.whatif_queue_size,
                      settings.whatif_wall_s),
    }
    queue = JobQueue(make_sessionmaker(engine), lanes, max_attempts=settings.max_attempts,
                     lease_s=settings.lease_s)
    try:
        w = Worker(queue, {ln: lane.workers for ln, lane in lanes.items()},
                   {ln: lane.wall_s for ln, lane in lanes.items()}, kinds=wanted,
                   memory_mb=settings.job_memory_mb,
                   requeue_on_restart=settings.requeue_on_restart,
                   context={"dask_scheduler": settings.dask_scheduler})
    except ValueError as e:
        typer.echo(f"--kinds: {e}", err=True)
        raise typer.Exit(2) from None
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    w.start()
    slots = ", ".join(f"{n} {ln}" for ln, n in w.slots.items())
    typer.echo(f"worker {w.id}: {', '.join(w.kinds)} ({slots} slots) on "
               f"{engine.url.render_as_string(hide_password=True)}", err=True)
    done.wait()
    w.stop()
    engine.dispose()


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


if __name__ == "__main__":  # `python -m api.cli [worker] ...`
    import sys

    if sys.argv[1:2] == ["worker"]:
        del sys.argv[1]
        typer.run(worker)
    else:
        typer.run(serve)
