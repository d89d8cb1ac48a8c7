"""The one least-recently-used map both answer caches keep their entries in.

cachetools' LRUCache does the recency bookkeeping and the bound in bytes (each value carries its own size);
this adds the bound in entries and a lock, since a web worker serves requests from several threads and
cachetools' caches are not thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from cachetools import LRUCache

Value = TypeVar("Value")


class _CountedLRU(LRUCache[Hashable, tuple[Value, int]]):
    """LRUCache bounded in bytes by cachetools and in entries here; values are (value, its size in bytes)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        super().__init__(maxsize=max_bytes, getsizeof=lambda entry: entry[1])
        self.max_entries = max_entries

    def __setitem__(self, key: Hashable, entry: tuple[Value, int]) -> None:
        super().__setitem__(key, entry)
        while len(self) > self.max_entries:
            self.popitem()


class BoundedLRU(Generic[Value]):
    """At most `max_entries` values and `max_bytes` bytes (as the caller sizes them); the least recently used
    go first. A value larger than `max_value_bytes` is refused, so one big answer never flushes the rest."""

    def __init__(self, max_entries: int, max_bytes: int, max_value_bytes: int | None = None) -> None:
        self.max_value_bytes = max_bytes // 8 if max_value_bytes is None else max_value_bytes
        self._entries: _CountedLRU[Value] = _CountedLRU(max(max_entries, 0), max(max_bytes, 1))
        self._enabled = max_entries > 0 and max_bytes > 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def max_bytes(self) -> int:
        return int(self._entries.maxsize)

    @property
    def total_bytes(self) -> int:
        return int(self._entries.currsize)

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[0]

    def put(self, key: Hashable, value: Value, size: int) -> bool:
        """Keep `value` under `key` (replacing what was there); False when it is not kept."""
        if not self._enabled or size > self.max_value_bytes or size > self.max_bytes:
            return False
        with self._lock:
            self._entries[key] = (value, size)
        return True

    def get_or_make(self, key: Hashable, make: Callable[[], Value], size: Callable[[Value], int]) -> Value:
        """The value kept under `key`; else `make()`'s, kept when it fits."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value, size(value))
        return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._entries


class CacheFigures:
    """How full a cache kept in a BoundedLRU (`_lru`) is, for /health, the tests and the benchmarks."""

    _lru: BoundedLRU[Any]

    @property
    def entries(self) -> int:
        return len(self._lru)

    @property
    def total_bytes(self) -> int:
        return self._lru.total_bytes

    @property
    def max_bytes(self) -> int:
        return self._lru.max_bytes
