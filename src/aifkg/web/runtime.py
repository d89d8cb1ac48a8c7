"""What the web layer shares across requests: settings, the build, the query executor, the result cache."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app

from aifkg.build import Build
from aifkg.config import Settings
from aifkg.executor import ExecutorUnavailable, QueryExecutor, QueryTimeout, Refused
from aifkg.remote import RemoteExecutor
from aifkg.sparql import ProtocolError, QueryInfo, precheck
from aifkg.store import QueryOutcome, QueryRequest


@dataclass(frozen=True)
class CachedAnswer:
    """A serialised answer ready to send, with the validator clients revalidate against."""

    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None  # compressed once, when worth it, not per request


class ResultCache:
    """LRU of answers; safe because the data only changes with a new build (a new build, a new cache).

    Bounded in entries and in bytes (the answers' bodies, their gzipped copies and the texts of the keys,
    as a query can be 32 KB); an answer over an eighth of the byte budget is not kept, so one big answer
    never flushes the rest.
    """

    def __init__(self, capacity: int, max_bytes: int = 64 * 2**20) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8
        self._entries: OrderedDict[tuple[object, ...], tuple[CachedAnswer, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.total_bytes = 0
        self.hits = 0
        self.misses = 0

    @property
    def entries(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[object, ...]) -> CachedAnswer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: tuple[object, ...], answer: CachedAnswer) -> None:
        size = self.size_of(key, answer)
        if self.capacity <= 0 or size > self.max_entry_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self.total_bytes -= previous[1]
            self._entries[key] = (answer, size)
            self.total_bytes += size
            while len(self._entries) > self.capacity or self.total_bytes > self.max_bytes:
                _, (_, evicted_size) = self._entries.popitem(last=False)
                self.total_bytes -= evicted_size

    @classmethod
    def size_of(cls, key: object, answer: CachedAnswer | None = None) -> int:
        """Bytes an entry holds, roughly: its bodies and the strings of its key (through nested tuples)."""
        if answer is not None:
            gzipped = len(answer.gzipped) if answer.gzipped is not None else 0
            return len(answer.body) + gzipped + len(answer.content_type) + len(answer.etag) + cls.size_of(key)
        if isinstance(key, str | bytes):
            return len(key)
        if isinstance(key, tuple):
            return sum(cls.size_of(item) for item in key)
        return 8


class Verdicts:
    """The guard's verdicts (a QueryInfo or the refusal) on recent query texts, so repeats skip the parse;
    bounded in entries and in the characters of the texts it keeps (queries may be 32 KB each)."""

    def __init__(self, capacity: int, max_chars: int = 8 << 20) -> None:
        self.capacity = capacity
        self.max_chars = max_chars
        self.chars = 0
        self._entries: OrderedDict[str, QueryInfo | ProtocolError] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> QueryInfo | ProtocolError | None:
        with self._lock:
            verdict = self._entries.get(text)
            if verdict is not None:
                self._entries.move_to_end(text)
            return verdict

    def put(self, text: str, verdict: QueryInfo | ProtocolError) -> None:
        if len(text) * 2 > self.max_chars:  # the text and its expanded form
            return
        with self._lock:
            if text in self._entries:
                self._entries.move_to_end(text)
                return
            self._entries[text] = verdict
            self.chars += _size(text, verdict)
            while len(self._entries) > self.capacity or self.chars > self.max_chars:
                old_text, old_verdict = self._entries.popitem(last=False)
                self.chars -= _size(old_text, old_verdict)


def _size(text: str, verdict: QueryInfo | ProtocolError) -> int:
    return len(text) + (len(verdict.text) if isinstance(verdict, QueryInfo) else len(verdict.message))


@dataclass
class Runtime:
    """Everything a request handler needs; kept in app.extensions["aifkg"]."""

    settings: Settings
    build: Build
    executor: QueryExecutor | RemoteExecutor
    cache: ResultCache
    prefixes: dict[str, str] = field(default_factory=dict)
    verdicts: Verdicts = field(default_factory=lambda: Verdicts(4096))

    def etag_for(self, key: tuple[object, ...]) -> str:
        """Same key and build, same tag: every worker process agrees without sharing state."""
        digest = hashlib.sha256(repr((self.build.key, key)).encode()).hexdigest()[:20]
        return f'"{digest}"'

    def check(self, text: str) -> QueryInfo:
        """The guard's verdict: cheap checks here, the parse in a query worker under the time limit (a long
        flat expression can keep rdflib's parser busy for seconds); verdicts are remembered per text."""
        known = self.verdicts.get(text)
        if known is None:
            try:
                expanded = precheck(text, self.settings.max_query_bytes, self.settings.max_nesting)
                known = self.executor.check(expanded, self.settings.max_nesting, self.settings.query_timeout)
            except Refused as error:
                known = ProtocolError(error.status, error.message)
            except ProtocolError as error:
                known = error
            except QueryTimeout as error:
                limit = self.settings.query_timeout
                raise ProtocolError(503, f"the query took longer than {limit:g} s to parse and was stopped") from error
            except ExecutorUnavailable as error:
                raise ProtocolError(503, str(error)) from error
            self.verdicts.put(text, known)
        if isinstance(known, ProtocolError):
            raise ProtocolError(known.status, known.message)
        return known

    def run(self, request: QueryRequest) -> QueryOutcome:
        """Run in a query worker under the time limit (the guard's parse had a limit of its own)."""
        try:
            return self.executor.run(request, self.settings.query_timeout)
        except QueryTimeout as error:  # name the configured limit, not what was left of it
            limit = self.settings.query_timeout
            raise QueryTimeout(f"the query ran longer than {limit:g} s and was stopped") from error


def runtime() -> Runtime:
    state: Runtime = current_app.extensions["aifkg"]
    return state
