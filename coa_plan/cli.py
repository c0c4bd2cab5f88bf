"""``coa-plan``: the optimizer's commands (:mod:`optimizer.cli`) plus the service's (``serve``,
``worker``, ``audit``, from :mod:`api.cli`). This module sits above both, so ``optimizer`` never imports
``api``."""

from __future__ import annotations

from api.cli import audit_app, serve, worker
from optimizer.cli import app
from optimizer.gc_pause import one_shot_process

app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(audit_app, name="audit")


def main() -> None:
    """The ``coa-plan`` program: one command, then the process ends."""
    one_shot_process()
    app()


__all__ = ["app", "main"]
