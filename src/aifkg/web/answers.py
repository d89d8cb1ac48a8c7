"""Run a query through the result cache and the executor, and turn the answer into an HTTP response.

Engine outcomes become protocol errors here, in one table (ENGINE_ERRORS): a malformed query is 400; a
result no accepted format can carry is 406; a valid query the server will not finish (too many rows, a
failure inside the engine) is 500, and one stopped at the time limit or refused for load is 503 with
Retry-After. Nothing else of the engine's inner state reaches a client.
"""

from __future__ import annotations

from typing import TypedDict, Unpack

from flask import Response, request

from aifkg.executor import Overloaded, QueryTimeout
from aifkg.sparql import FORMATS, ProtocolError, ResultFormat
from aifkg.store import (
    EngineFailure,
    NotAcceptable,
    NotRepresentable,
    QueryFailed,
    QueryRequest,
    QuerySyntaxError,
    TooManyRows,
)
from aifkg.web.conditional import accepts_gzip, holds
from aifkg.web.runtime import CachedAnswer, Runtime, runtime

TRUSTED_MAX_ROWS = 5_000_000
FORMAT_BY_NAME = {f.name: f for f in FORMATS}
ENGINE_ERRORS: dict[type[Exception], tuple[int, str]] = {
    QuerySyntaxError: (400, "malformed query: {}"),
    NotAcceptable: (406, "{}"),
    NotRepresentable: (406, "{}"),
    TooManyRows: (500, "the result has more than {max_rows} rows, more than this endpoint returns: add a LIMIT"),
    QueryFailed: (500, "the query engine could not evaluate the query: {}"),
    EngineFailure: (500, "{}"),
    QueryTimeout: (503, "{}"),
    Overloaded: (503, "{}"),
}


class AnswerOptions(TypedDict, total=False):
    """How to answer a query besides its text and result format (see `answer`)."""

    other_format: ResultFormat | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    bindings: dict[str, str] | None
    trusted: bool


def answer(query_text: str, result_format: ResultFormat | None, **options: Unpack[AnswerOptions]) -> CachedAnswer:
    """The serialised answer to a query, from the cache when the build has seen it.

    `result_format` is the format for the kind of result it belongs to, `other_format` the one for the other
    kind (the server negotiates both before the engine knows what the query returns). `bindings` gives IRIs
    for variables of the query (pyoxigraph substitutes them: values are never spliced into the text; a
    SELECT must project the variables it binds). `trusted` marks the server's own fixed queries (pages,
    /ontology): they are not held to the row limit meant for clients, only to the time limit.
    """
    return answer_from(runtime(), query_text, result_format, **options)


def answer_from(
    state: Runtime,
    query_text: str,
    result_format: ResultFormat | None,
    *,
    other_format: ResultFormat | None = None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    bindings: dict[str, str] | None = None,
    trusted: bool = False,
) -> CachedAnswer:
    """`answer` with the runtime given, for callers outside a Flask request (the protocol's fast path)."""
    names = (result_format.name if result_format else None, other_format.name if other_format else None)
    bound = tuple(sorted((bindings or {}).items()))
    key = (query_text, names, default_graphs, named_graphs, bound, trusted)
    cached = state.cache.get(key)
    if cached is not None:
        return cached
    query_request = QueryRequest(
        query=query_text,
        result_format=names[0],
        other_format=names[1],
        max_rows=TRUSTED_MAX_ROWS if trusted else state.settings.max_rows,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        bindings=bound,
    )
    try:
        outcome = state.executor.run(query_request, state.settings.query_timeout)
    except tuple(ENGINE_ERRORS) as error:
        status, template = ENGINE_ERRORS[type(error)]
        raise ProtocolError(status, template.format(error, max_rows=query_request.max_rows)) from error
    result = CachedAnswer(
        body=outcome.body, content_type=FORMAT_BY_NAME[outcome.result_format].content_type, etag=state.etag_for(key)
    )
    state.cache.put(key, result)
    return result


def send_answer(result: CachedAnswer, vary: str = "Accept") -> Response:
    """200 with ETag and Cache-Control, 304 when the client already holds it, gzip when it helps."""
    if holds(request.headers.get("If-None-Match", ""), result.etag):
        response = Response(status=304)
        response.headers["ETag"] = result.etag
        return _cache_headers(response, vary)
    if result.compressible and accepts_gzip(request.headers.get("Accept-Encoding", "")):
        response = Response(result.gzip_body(), content_type=result.content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(result.body, content_type=result.content_type)
    if result.compressible:
        vary = f"{vary}, Accept-Encoding"
    response.headers["ETag"] = result.etag
    return _cache_headers(response, vary)


def _cache_headers(response: Response, vary: str) -> Response:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = vary
    return response
