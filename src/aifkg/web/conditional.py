"""Two questions about a request's headers, answered alike on both request paths (Flask's and the WSGI fast
path): does the client accept gzip, and does it already hold a response with this ETag?

werkzeug parses the headers; the answers are cached per header text, as clients send few distinct ones.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import parse_accept_header, parse_etags, unquote_etag


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Accept-Encoding allows gzip: named with q > 0, or not named and `*` has q > 0 (RFC 9110, 12.5.3)."""
    qualities = {value.lower(): quality for value, quality in parse_accept_header(accept_encoding[:1024])}
    for name in ("gzip", "x-gzip", "*"):
        if name in qualities:
            return qualities[name] > 0
    return False


@lru_cache(maxsize=1024)
def holds(if_none_match: str, etag: str) -> bool:
    """If-None-Match names `etag` (the weak comparison the header calls for) or is `*` (RFC 9110, 13.1.2)."""
    if not if_none_match:
        return False
    tag, _ = unquote_etag(etag)
    return bool(tag) and parse_etags(if_none_match[:4096]).contains_weak(tag)
