"""What the web layer shares across requests: settings, the build, the query executor, the result cache."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field

from flask import current_app

from aifkg.build import Build
from aifkg.config import Settings
from aifkg.executor import QueryExecutor
from aifkg.web.lru import BoundedLRU

COMPRESS_FROM_BYTES = 2048


@dataclass
class CachedAnswer:
    """A serialised answer ready to send, with the validator clients revalidate against."""

    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # compressed once, when a client first asks for gzip, not per request

    @property
    def compressible(self) -> bool:
        return len(self.body) >= COMPRESS_FROM_BYTES

    def gzip_body(self) -> bytes:
        if self.gzipped is None:
            self.gzipped = gzip.compress(self.body, compresslevel=5)
        return self.gzipped


class ResultCache:
    """LRU of answers; safe because the data only changes with a new build (a new build, a new cache).

    Bounded in entries and in bytes (the answers' bodies, their gzipped copies and the texts of the keys,
    as a query can be 32 KB); an answer over an eighth of the byte budget is not kept, so one big answer
    never flushes the rest.
    """

    def __init__(self, capacity: int, max_bytes: int = 64 * 2**20) -> None:
        self._lru: BoundedLRU[CachedAnswer] = BoundedLRU(capacity, max_bytes)
        self.hits = 0
        self.misses = 0

    @property
    def entries(self) -> int:
        return len(self._lru)

    @property
    def total_bytes(self) -> int:
        return self._lru.total_bytes

    @property
    def max_bytes(self) -> int:
        return self._lru.max_bytes

    @property
    def max_entry_bytes(self) -> int:
        return self._lru.max_value_bytes

    def get(self, key: tuple[object, ...]) -> CachedAnswer | None:
        answer = self._lru.get(key)
        if answer is None:
            self.misses += 1
        else:
            self.hits += 1
        return answer

    def put(self, key: tuple[object, ...], answer: CachedAnswer) -> None:
        self._lru.put(key, answer, self.size_of(key, answer))

    @staticmethod
    def size_of(key: tuple[object, ...], answer: CachedAnswer) -> int:
        """Bytes an entry holds, roughly: the body, room for its gzipped copy (never larger than the body
        where it is made), and the key's strings (the query text first of all; graph lists are short)."""
        body = len(answer.body) * (2 if answer.compressible else 1)
        return body + len(answer.content_type) + len(answer.etag) + len(repr(key))


@dataclass
class Runtime:
    """Everything a request handler needs; kept in app.extensions["aifkg"]."""

    settings: Settings
    build: Build
    executor: QueryExecutor
    cache: ResultCache
    prefixes: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> IRI -> label (lookup.py)

    def etag_for(self, key: tuple[object, ...]) -> str:
        """Same key and build, same tag: every worker process agrees without sharing state."""
        digest = hashlib.sha256(repr((self.build.key, key)).encode()).hexdigest()[:20]
        return f'"{digest}"'


def runtime() -> Runtime:
    state: Runtime = current_app.extensions["aifkg"]
    return state
