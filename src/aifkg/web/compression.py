"""gzip for pages and static files, for clients that accept it.

Static files use the `.gz` copy beside them when `make assets` made one (the big editor and graph
libraries), else are compressed once and remembered per file and modification time; other files (the
dumps) are compressed once per ETag; pages are compressed as they are sent. A response that already has
a Content-Encoding (the SPARQL answers compress themselves) is left alone, so nothing is compressed twice.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from flask import Response, current_app, request

from aifkg.web.conditional import accepts_gzip
from aifkg.web.lru import BoundedLRU

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
        self._bodies: BoundedLRU[bytes] = BoundedLRU(MAX_REMEMBERED, 32 * 2**20, max_value_bytes=8 * 2**20)

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
        return self._bodies.get_or_make(key, lambda: gzip.compress(path.read_bytes(), LEVEL, mtime=0), len)


STATIC = StaticGzip()


class TaggedGzip:
    """Compressed bodies of other file responses (the dumps), keyed by their ETag, bounded in bytes."""

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self._bodies: BoundedLRU[bytes] = BoundedLRU(4096, max_bytes, max_value_bytes=max_bytes // 4)

    def body(self, etag: str, response: Response) -> bytes:
        return self._bodies.get_or_make(etag, lambda: gzip.compress(response.get_data(), LEVEL, mtime=0), len)


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
        or not accepts_gzip(request.headers.get("Accept-Encoding", ""))
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
