"""The planner's page: one static HTML page (token entered on the page), no build step."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

router = APIRouter(include_in_schema=False)
PAGE = Path(__file__).resolve().parent.parent / "static" / "index.html"


@router.get("/")
def root() -> RedirectResponse:
    """The page lives at /app."""
    return RedirectResponse("/app")


@router.get("/app")
def page() -> FileResponse:
    """The planner's page."""
    return FileResponse(PAGE, media_type="text/html")
