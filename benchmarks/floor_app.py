"""The floor: a bare WSGI function answering SPARQL with pyoxigraph in-process, for comparison only.

No guard, no query worker, no time limit, no cache: what the Python stack alone costs on top of the engine.
`make bench` runs it on granian with two workers (`granian --interface wsgi benchmarks.floor_app:app`) on the
same N-Quads as aifkg (path in FLOOR_DATASET, union default graph), so aifkg's safety machinery can be
measured against it. Never serve it to anyone: any query runs to the end.
"""

from __future__ import annotations

import functools
import os
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store

DATASET_VARIABLE = "FLOOR_DATASET"
RESULTS_JSON = "application/sparql-results+json"


def load_store(path: str) -> Store:
    store = Store()
    store.bulk_load(path=path, format=RdfFormat.N_QUADS)
    return store


def query_text(environ: dict[str, Any]) -> str:
    """The query of a GET (?query=) or of a POST (application/sparql-query body or form field)."""
    if environ.get("REQUEST_METHOD") == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8")
        if environ.get("CONTENT_TYPE", "").startswith("application/sparql-query"):
            return body
        return urllib.parse.parse_qs(body).get("query", [""])[0]
    return urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("query", [""])[0]


def answer(store: Store, text: str) -> tuple[str, bytes]:
    """Content type and body: SPARQL JSON for SELECT and ASK, N-Triples for CONSTRUCT and DESCRIBE."""
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, QueryTriples):
        return "application/n-triples", result.serialize(format=RdfFormat.N_TRIPLES) or b""
    return RESULTS_JSON, result.serialize(format=QueryResultsFormat.JSON) or b""


def make_app(load: Callable[[], Store]) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The WSGI function answering with the store `load` returns (loaded once per process)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            content_type, body = answer(load(), query_text(environ))
            status = "200 OK"
        except (SyntaxError, ValueError, UnicodeDecodeError) as error:
            content_type, body, status = "text/plain", f"{error}\n".encode(), "400 Bad Request"
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]

    return app


@functools.cache
def _store_from_environment() -> Store:
    return load_store(os.environ[DATASET_VARIABLE])


app = make_app(_store_from_environment)
if DATASET_VARIABLE in os.environ:  # a granian worker: load now, not in the first measured request
    _store_from_environment()
