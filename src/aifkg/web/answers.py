"""Run a query through the result cache and the executor, and turn the answer into an HTTP response.

Engine outcomes become protocol errors here, in one table: a timeout is 503, a result over the row limit
or a query the engine rejects is 400, and nothing else of the engine's inner state reaches a client.
"""

from __future__ import annotations

import gzip

from flask import Response, request

from aifkg.executor import ExecutorUnavailable, QueryTimeout
from aifkg.sparql import ProtocolError, ResultFormat
from aifkg.store import NotRepresentable, QueryFailed, QueryRequest, TooManyRows
from aifkg.web.runtime import CachedAnswer, runtime

COMPRESS_FROM_BYTES = 2048
TRUSTED_MAX_ROWS = 5_000_000


def answer(
    query_text: str,
    result_format: ResultFormat,
    *,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    has_dataset_clause: bool = False,
    trusted: bool = False,
) -> CachedAnswer:
    """The serialised answer to an already-guarded query, from the cache when the build has seen it.

    `trusted` marks the server's own fixed queries (pages, /ontology): they are not held to the row limit
    meant for clients, only to the time limit.
    """
    state = runtime()
    key = (query_text, result_format.name, default_graphs, named_graphs, trusted)
    cached = state.cache.get(key)
    if cached is not None:
        return cached
    query_request = QueryRequest(
        query=query_text,
        result_format=result_format.name,
        max_rows=TRUSTED_MAX_ROWS if trusted else state.settings.max_rows,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        has_dataset_clause=has_dataset_clause,
        prefixes=state.prefixes,
    )
    try:
        outcome = state.run(query_request)
    except QueryTimeout as error:
        raise ProtocolError(503, str(error)) from error
    except ExecutorUnavailable as error:
        raise ProtocolError(503, str(error)) from error
    except TooManyRows as error:
        raise ProtocolError(
            400, f"the result has more than {state.settings.max_rows} rows; add a LIMIT or narrow the query"
        ) from error
    except NotRepresentable as error:
        raise ProtocolError(406, str(error)) from error
    except QueryFailed as error:
        raise ProtocolError(400, f"the query could not be evaluated: {error}") from error
    gzipped = gzip.compress(outcome.body, compresslevel=5) if len(outcome.body) >= COMPRESS_FROM_BYTES else None
    result = CachedAnswer(
        body=outcome.body, content_type=result_format.content_type, etag=state.etag_for(key), gzipped=gzipped
    )
    state.cache.put(key, result)
    return result


def send_answer(result: CachedAnswer, vary: str = "Accept") -> Response:
    """200 with ETag and Cache-Control, 304 when the client already holds it, gzip when it helps."""
    if request.if_none_match and request.if_none_match.contains_weak(result.etag.strip('"')):
        response = Response(status=304)
        response.headers["ETag"] = result.etag
        return _cache_headers(response, vary)
    if result.gzipped is not None and "gzip" in request.accept_encodings:
        response = Response(result.gzipped, content_type=result.content_type)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(result.body, content_type=result.content_type)
    if result.gzipped is not None:
        vary = f"{vary}, Accept-Encoding"
    response.headers["ETag"] = result.etag
    return _cache_headers(response, vary)


def _cache_headers(response: Response, vary: str) -> Response:
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = vary
    return response
