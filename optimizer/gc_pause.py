"""Python's cyclic garbage collector paused while a week is read, built and solved.

Building a national week creates millions of small Python objects that live until the week is
solved (Pyomo variables, expressions and constraints; pydantic models of 33,000 households). With
CPython's default thresholds every 700 new objects start a collection, and the older
generations, which hold all of them, are scanned again and again while they grow: with the
collector on, the Pyomo model of a national week took 1.15 s to build, with it paused 0.40 s
(2026-12-03, same process, same week). Reference counting still frees whatever is dropped on the
way; only reference cycles wait, and the collector's next run after the pause takes them.

The pause nests and is shared between threads: the collector is switched back on (if it was on)
when the last user leaves. It never switches on a collector that someone else switched off.

A command that is the last thing its process does (``coa-plan allocate`` run as a program) ends
the pause with ``gc.freeze()`` first: what it built is garbage in reference cycles (a national
week's Pyomo model: 625,000 objects), and the collector's first run after the pause would spend
0.23 s walking them just before the process exits and the operating system takes the memory
anyway. ``one_shot_process()`` is called by the ``coa-plan`` program only, so the same command
run inside a longer process (a test's CLI runner, the service) still has its garbage collected.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_one_shot = False


def one_shot_process() -> None:
    """This process ends when its command does (the ``coa-plan`` program; see the docstring)."""
    global _one_shot
    _one_shot = True


@contextmanager
def paused_gc(*, ends_process: bool = False) -> Iterator[None]:
    """Run the block with the cyclic collector paused (see the module docstring).
    ``ends_process``: the block is its process's last work if :func:`one_shot_process` was
    called; its objects are then frozen, not scanned, when the collector is switched back on."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                if ends_process and _one_shot:
                    gc.freeze()
                gc.enable()
