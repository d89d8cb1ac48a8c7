"""The SPARQL Protocol's common requests, answered without Flask's per-request machinery.

A program's query is the hot path of a public endpoint: a GET with `?query=`, or a POST of an
`application/sparql-query` body or of a form, with a Content-Length. Flask's request and response objects
(context locals, header objects, after-request hooks) cost more CPU than the rest of that path together:
measured on one query, the whole WSGI app took 665 us of the web worker's CPU, two thirds of them in
werkzeug's Headers and Flask's request handling. This layer answers those requests itself, with the same
parts the Flask route uses (`parameters`, `formats_for` and `answer_query` of sparql_routes.py, the answer
cache, the query workers), and sends the same headers (headers.py). Everything else (a browser's page, the
Service Description, OPTIONS, chunked bodies, updates) goes on to Flask, unchanged.
"""

from __future__ import annotations

import http
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header

from aifkg.sparql import ProtocolError
from aifkg.web.conditional import accepts_gzip, holds
from aifkg.web.headers import CORS_HEADERS, SECURITY_HEADERS
from aifkg.web.runtime import CachedAnswer, Runtime
from aifkg.web.sparql_routes import FORM_TYPE, QUERY_TYPE, answer_query, formats_for, parameters

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
COMMON = (*SECURITY_HEADERS, *CORS_HEADERS)
CACHE_CONTROL = ("Cache-Control", "public, max-age=300")


class _Elsewhere(Exception):
    """Not a request for this layer: Flask answers it."""


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"the '{name}' parameter may be given only once")
    return values[0] if values else None


def _read_body(environ: dict[str, Any], limit: int) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise _Elsewhere from None
    if length > limit:
        raise ProtocolError(413, "the request is too large")
    stream = environ["wsgi.input"]
    received = bytearray()
    while len(received) < length:
        piece = stream.read(length - len(received))
        if not piece:
            break
        received += piece
    return bytes(received)


def read_query(environ: dict[str, Any], limit: int) -> tuple[str, tuple[str, ...], tuple[str, ...], str | None]:
    """(query, default graphs, named graphs, format) of a request this layer answers; raise _Elsewhere for
    any other request (before its body is read), ProtocolError for a malformed one."""
    method = environ.get("REQUEST_METHOD")
    if "text/html" in environ.get("HTTP_ACCEPT", "") or method not in {"GET", "POST"}:
        raise _Elsewhere
    args = parameters(environ.get("QUERY_STRING", "").encode("latin-1"), "query string")
    values: MultiDict[str, str] = args
    if "update" in args:
        raise _Elsewhere
    if method == "GET":
        query = _single(args.getlist("query"), "query")
    else:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() or not environ.get("CONTENT_LENGTH"):
            raise _Elsewhere
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        charset = options.get("charset", "utf-8").strip().lower().replace("_", "-")
        if mimetype not in {QUERY_TYPE, FORM_TYPE} or charset not in {"utf-8", "utf8"} or "query" in args:
            raise _Elsewhere  # the route says what is wrong (415, 400)
        body = _read_body(environ, limit)
        if mimetype == QUERY_TYPE:
            try:
                query = body.decode("utf-8")
            except UnicodeError as error:
                raise ProtocolError(400, "the query body is not valid UTF-8") from error
        else:
            values = parameters(body, "form body")
            if "update" in values:
                raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is refused")
            query = _single(values.getlist("query"), "query")
    if query is None and method == "POST":
        raise ProtocolError(400, "no query given: send a 'query' parameter or a query body")
    if query is None:
        raise _Elsewhere  # the Service Description

    def both(name: str) -> list[str]:
        return args.getlist(name) + (values.getlist(name) if values is not args else [])

    return query, tuple(both("default-graph-uri")), tuple(both("named-graph-uri")), _single(both("format"), "format")


def _status(code: int) -> str:
    return f"{code} {http.HTTPStatus(code).phrase}"


def answer_response(result: CachedAnswer, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """200 with ETag and Cache-Control, 304 when the client holds it, gzip when asked and worth it."""
    vary = "Accept, Accept-Encoding" if result.compressible else "Accept"
    if holds(environ.get("HTTP_IF_NONE_MATCH", ""), result.etag):
        return _status(304), [("ETag", result.etag), CACHE_CONTROL, ("Vary", vary), *COMMON], b""
    headers = [("Content-Type", result.content_type), ("ETag", result.etag), CACHE_CONTROL, ("Vary", vary)]
    body = result.body
    if result.compressible and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
        body = result.gzip_body()
        headers.append(("Content-Encoding", "gzip"))
    headers += [*COMMON, ("Content-Length", str(len(body)))]
    return _status(200), headers, body


def error_response(error: ProtocolError) -> tuple[str, list[tuple[str, str]], bytes]:
    """The one-line plain-text error Flask's handler sends, with the same headers."""
    body = (error.message.strip().splitlines()[0][:500] + "\n").encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]
    if error.status == 503:
        headers.append(("Retry-After", "2"))
    headers += [*COMMON, ("Content-Length", str(len(body)))]
    return _status(error.status), headers, body


class ProtocolFastPath:
    """WSGI layer in front of Flask: answers programs' queries at /sparql, passes on everything else."""

    def __init__(self, app: WSGIApp, state: Runtime) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        try:
            query, default_graphs, named_graphs, format_parameter = read_query(
                environ, self.state.settings.max_request_bytes
            )
            formats = formats_for(format_parameter, environ.get("HTTP_ACCEPT", ""))
            result = answer_query(self.state, query, default_graphs, named_graphs, formats)
            status, headers, body = answer_response(result, environ)
        except _Elsewhere:
            return self.app(environ, start_response)
        except ProtocolError as error:
            status, headers, body = error_response(error)
        start_response(status, headers)
        return [body]
