"""gzip for pages and static files, for clients that accept it.

Static files use the `.gz` copy beside them when `make assets` made one (the big editor and graph
libraries), else are compressed once and remembered per file and modification time; other files (the
dumps) are compressed once per ETag; pages are compressed as they are sent. A response that already has
a Content-Encoding (the SPARQL answers compress themselves) is left alone, so nothing is compressed twice.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections import OrderedDict
from pathlib import Path

from flask import Response, current_app, request

COMPRESSIBLE = {
    "text/html", "text/css", "text/plain", "text/csv", "text/turtle", "application/javascript",
    "text/javascript", "application/json", "application/ld+json", "image/svg+xml", "application/n-triples",
}  # fmt: skip
MIN_BYTES = 1024
LEVEL = 6
MAX_REMEMBERED = 64


class StaticGzip:
    """Compressed bodies of static files, keyed by path, size and modification time."""

    def __init__(self) -> None:
        self._bodies: dict[tuple[str, int, int], bytes] = {}
        self._lock = threading.Lock()

    def body(self, path: Path) -> bytes | None:
        try:
            status = path.stat()
        except OSError:
            return None
        precompressed = path.with_name(path.name + ".gz")
        try:
            if precompressed.stat().st_mtime_ns >= status.st_mtime_ns:
                return precompressed.read_bytes()
        except OSError:
            pass
        key = (str(path), status.st_size, status.st_mtime_ns)
        with self._lock:
            known = self._bodies.get(key)
        if known is None:
            known = gzip.compress(path.read_bytes(), LEVEL, mtime=0)
            with self._lock:
                if len(self._bodies) >= MAX_REMEMBERED:
                    self._bodies.clear()
                self._bodies[key] = known
        return known


STATIC = StaticGzip()


class TaggedGzip:
    """Compressed bodies of other file responses (the dumps), keyed by their ETag, bounded in bytes."""

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def body(self, etag: str, response: Response) -> bytes:
        with self._lock:
            known = self._bodies.get(etag)
            if known is not None:
                self._bodies.move_to_end(etag)
                return known
        compressed = gzip.compress(response.get_data(), LEVEL, mtime=0)
        if len(compressed) <= self.max_bytes // 4:
            with self._lock:
                if etag not in self._bodies:
                    self._bodies[etag] = compressed
                    self._bytes += len(compressed)
                while self._bytes > self.max_bytes:
                    _, evicted = self._bodies.popitem(last=False)
                    self._bytes -= len(evicted)
        return compressed


TAGGED = TaggedGzip()


def _static_path() -> Path | None:
    """The file behind a request for a static file, if it is inside the static folder."""
    folder = current_app.static_folder
    name = (request.view_args or {}).get("filename")
    if request.endpoint != "static" or not folder or not name:
        return None
    path = Path(os.path.normpath(Path(folder) / name))
    return path if path.is_relative_to(Path(folder)) and path.is_file() else None


def compress(response: Response) -> Response:
    """After a request: gzip the body when the client accepts it and it is worth it."""
    if response.mimetype not in COMPRESSIBLE or request.method not in ("GET", "HEAD"):
        return response
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or "gzip" not in request.accept_encodings
        or (response.content_length is not None and response.content_length < MIN_BYTES)
    ):
        return response
    static = _static_path()
    etag, weak = response.get_etag()
    original = response.response
    if static is not None:
        body = STATIC.body(static)
        if body is None:
            return response
    elif response.direct_passthrough:  # a file sent as it is (a dump): compressed once per ETag, or not at all
        if not etag or weak:
            return response
        response.direct_passthrough = False  # so the body can be read here
        body = TAGGED.body(etag, response)
    else:
        body = gzip.compress(response.get_data(), LEVEL, mtime=0)
    response.direct_passthrough = False
    response.set_data(body)
    close = getattr(original, "close", None)
    if close is not None and original is not response.response:  # the file the body would have come from
        close()
    response.headers["Content-Encoding"] = "gzip"
    if etag and static is not None:  # weak: still matches the file's tag, so revalidation gives 304
        response.set_etag(etag, weak=True)
    elif etag:
        response.set_etag(etag + "-gzip", weak=bool(weak))
    return response
