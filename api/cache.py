"""In-memory caches of the request path (one service process: the job manager lives here too).

``ResponseCache`` keeps rendered JSON bodies of the hot list routes (jobs, latest plan) and is
cleared whenever a job changes; a generation counter keeps a body computed before a change from
being stored after it. ``LRU`` holds values that never change for their key (parsed scenarios,
plan contexts for recommendations).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small thread-safe least-recently-used map; ``get_or_build`` builds outside the lock."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._d: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.maxsize:
                self._d.popitem(last=False)

    def get_or_build(self, key: K, build: Callable[[], V]) -> V:
        v = self.get(key)
        if v is None:
            v = build()
            self.put(key, v)
        return v

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def __len__(self) -> int:
        return len(self._d)


class ResponseCache:
    """Rendered bodies by key, all dropped by :meth:`invalidate` (called on every job change).

    :meth:`render` is single-flight: when 50 readers miss at once after a change, one renders the
    body and the others await the same result (no thundering herd on the database)."""

    def __init__(self, maxsize: int = 256) -> None:
        self._lru: LRU[tuple[object, ...], bytes] = LRU(maxsize)
        self._gen = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[object, ...], asyncio.Future[bytes | None]] = {}

    async def render(
        self, key: tuple[object, ...], build: Callable[[], Awaitable[bytes | None]]
    ) -> bytes | None:
        """The cached body, or one shared ``await build()`` (None: nothing to show, not cached)."""
        body = self._lru.get(key)
        if body is not None:
            return body
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        fut: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = fut
        try:
            gen = self._gen
            body = await build()
            if body is not None:
                self.put(key, gen, body)
            fut.set_result(body)
            return body
        except BaseException as e:
            fut.set_exception(e)
            fut.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._inflight.pop(key, None)

    @property
    def generation(self) -> int:
        return self._gen

    def get(self, key: tuple[object, ...]) -> bytes | None:
        return self._lru.get(key)

    def put(self, key: tuple[object, ...], generation: int, body: bytes) -> None:
        """Store ``body`` unless something changed since ``generation`` was read."""
        with self._lock:
            if generation == self._gen:
                self._lru.put(key, body)

    def invalidate(self, *_: object) -> None:
        with self._lock:
            self._gen += 1
            self._lru.clear()
