"""The progress callback of a sequencing run (shared by the engine and its callers)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, int, float], None]
"""Called on every improving solution with (seconds since start, trips, objective)."""
