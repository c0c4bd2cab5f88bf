"""`coa-plan serve`: start the service with the embedded defaults and the bundled data."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Start the planning service (settings from COA_API_* environment variables)."""
    import uvicorn

    from api.main import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


if __name__ == "__main__":
    typer.run(serve)
