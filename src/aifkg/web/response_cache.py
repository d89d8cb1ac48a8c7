"""A WSGI layer that replays finished GET responses for repeated requests, before Flask does any work.

Safe because a build never changes while it is served: the same URL with the same negotiation headers
gets the same bytes. Only successful, publicly cacheable answers are stored, keyed by everything that
shaped them (path, query string, Accept, Accept-Language, whether gzip was accepted), and conditional
requests are answered with 304 from here too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CACHED_PREFIXES = ("/sparql", "/id/", "/ontology")


@dataclass(frozen=True)
class StoredResponse:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None


class ResponseCache:
    """LRU of whole responses, bounded in entries and in bytes (bodies, headers and keys); a response over
    `max_body` (an eighth of `max_bytes` unless given) is passed through and not kept."""

    def __init__(
        self, app: WSGIApp, max_entries: int = 4096, max_bytes: int = 64 * 2**20, max_body: int | None = None
    ) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_body = max_bytes // 8 if max_body is None else max_body
        self._entries: OrderedDict[tuple[str, ...], tuple[StoredResponse, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def entries(self) -> int:
        return len(self._entries)

    @property
    def total_bytes(self) -> int:
        return self._bytes

    @staticmethod
    def _key(environ: dict[str, Any]) -> tuple[str, ...] | None:
        if environ.get("REQUEST_METHOD") != "GET" or not environ.get("PATH_INFO", "").startswith(CACHED_PREFIXES):
            return None
        gzip = "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        return (
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
            "gzip" if gzip else "",
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        with self._lock:
            entry = self._entries.get(key)
            stored = None
            if entry is not None:
                stored = entry[0]
                self._entries.move_to_end(key)
        if stored is not None:
            if stored.etag and stored.etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                start_response(
                    "304 Not Modified",
                    [
                        h
                        for h in stored.headers
                        if h[0].lower() in {"etag", "cache-control", "vary", "access-control-allow-origin"}
                    ],
                )
                return [b""]
            start_response(stored.status, stored.headers)
            return [stored.body]
        if environ.get("HTTP_IF_NONE_MATCH"):
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        self._maybe_store(key, captured, body)
        return [body]

    def _maybe_store(self, key: tuple[str, ...], captured: dict[str, Any], body: bytes) -> None:
        status = captured.get("status", "")
        headers = captured.get("headers", [])
        cache_control = next((v for k, v in headers if k.lower() == "cache-control"), "")
        if not status.startswith("200") or "public" not in cache_control:
            return
        size = len(body) + sum(len(name) + len(value) for name, value in headers) + sum(len(part) for part in key)
        if len(body) > self.max_body or size > self.max_bytes or self.max_entries <= 0:
            return
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (StoredResponse(status, list(headers), body, etag), size)
            self._bytes += size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                _, (_, evicted_size) = self._entries.popitem(last=False)
                self._bytes -= evicted_size
