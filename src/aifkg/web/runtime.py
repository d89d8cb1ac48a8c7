"""What the web layer shares across requests: settings, the build, the query executor, the result cache."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app

from aifkg.build import Build
from aifkg.config import Settings
from aifkg.executor import QueryExecutor
from aifkg.store import QueryOutcome, QueryRequest


@dataclass(frozen=True)
class CachedAnswer:
    """A serialised answer ready to send, with the validator clients revalidate against."""

    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # compressed once, when worth it, not per request


class ResultCache:
    """LRU of answers; safe because the data only changes with a new build (a new build, a new cache)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[object, ...], CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[object, ...]) -> CachedAnswer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    def put(self, key: tuple[object, ...], answer: CachedAnswer) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._entries[key] = answer
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


@dataclass
class Runtime:
    """Everything a request handler needs; kept in app.extensions["aifkg"]."""

    settings: Settings
    build: Build
    executor: QueryExecutor
    cache: ResultCache
    prefixes: dict[str, str] = field(default_factory=dict)

    def etag_for(self, key: tuple[object, ...]) -> str:
        """Same key and build, same tag: every worker process agrees without sharing state."""
        digest = hashlib.sha256(repr((self.build.key, key)).encode()).hexdigest()[:20]
        return f'"{digest}"'

    def run(self, request: QueryRequest) -> QueryOutcome:
        return self.executor.run(request, self.settings.query_timeout)


def runtime() -> Runtime:
    state: Runtime = current_app.extensions["aifkg"]
    return state
