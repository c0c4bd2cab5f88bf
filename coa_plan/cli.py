"""``coa-plan``: the optimizer's commands (:mod:`optimizer.cli`) plus the service's (``serve``,
``worker``, ``audit``, from :mod:`api.cli`). This module sits above both, so ``optimizer`` never imports
``api``."""

from __future__ import annotations

from api.cli import audit_app, serve, worker
from optimizer.cli import app

app.command("serve")(serve)
app.command("worker")(worker)
app.add_typer(audit_app, name="audit")

__all__ = ["app"]
