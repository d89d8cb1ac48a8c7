"""A WSGI layer that replays finished GET responses for repeated requests, before Flask does any work.

Safe because a build never changes while it is served: the same URL with the same negotiation headers
gets the same bytes. Only successful, publicly cacheable answers are stored, keyed by everything that
shaped them (path, query string, Accept, Accept-Language, whether gzip was accepted), and conditional
requests are answered with 304 from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aifkg.web.lru import BoundedLRU

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
        self.max_body = max_bytes // 8 if max_body is None else max_body
        self._lru: BoundedLRU[StoredResponse] = BoundedLRU(max_entries, max_bytes, max_value_bytes=max_bytes)

    @property
    def entries(self) -> int:
        return len(self._lru)

    @property
    def total_bytes(self) -> int:
        return self._lru.total_bytes

    @property
    def max_bytes(self) -> int:
        return self._lru.max_bytes

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
        stored = self._lru.get(key)
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
        if len(body) > self.max_body or key in self._lru:
            return
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        self._lru.put(key, StoredResponse(status, list(headers), body, etag), size)
