"""Queries answered by another SPARQL endpoint: aifkg's pages and /sparql in front of a server-grade store.

For graphs larger than one machine's memory the published dumps are loaded into a store built for that
(QLever, Virtuoso, Fuseki, `oxigraph serve-read-only`) and aifkg is pointed at it with
AIFKG_SPARQL_ENDPOINT. aifkg still builds, validates and serves its pages, dumps and /sparql; only the
queries travel. The guard stays here, in local parse-only workers under the time limit, so the remote
endpoint only ever sees queries aifkg would run itself. Answers come back as SPARQL JSON (solutions) or
N-Triples (graphs), are held to the same row limit, and are written in the format the client asked for.

The endpoint is the operator's choice, never a query's: requests go only to that URL, without following
redirects or proxy settings from the environment. The remote store must use the union of its named graphs
as its default graph, as aifkg does (`oxigraph serve-read-only --union-default-graph`, Fuseki's
`tdb2:unionDefaultGraph`; Virtuoso's default).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pyoxigraph as ox

from aifkg.executor import ExecutorUnavailable, QueryExecutor, QueryTimeout
from aifkg.store import QueryFailed, QueryOutcome, QueryRequest, TooManyRows, graph_outcome, serialise

SOLUTIONS_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples"
GRAPH_FORMATS = {"turtle", "ntriples", "jsonld", "rdfxml"}
MAX_ANSWER_BYTES = 1 << 30


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())


def request_body(request: QueryRequest) -> bytes:
    """The SPARQL protocol form for this request: the query and its dataset parameters."""
    fields: list[tuple[str, str]] = [("query", request.query)]
    fields += [("default-graph-uri", iri) for iri in request.default_graphs]
    fields += [("named-graph-uri", iri) for iri in request.named_graphs]
    return urllib.parse.urlencode(fields).encode("utf-8")


class RemoteExecutor:
    """The executor interface (check, run, close, restarts) over another endpoint."""

    def __init__(self, endpoint: str, parser: QueryExecutor) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in {"http", "https"}:
            raise ValueError(f"the SPARQL endpoint must be an http(s) URL, not '{endpoint[:80]}'")
        self.endpoint = endpoint
        self.parser = parser
        self._opener = _opener()

    @property
    def restarts(self) -> int:
        return self.parser.restarts

    def warm_up(self) -> None:
        self.parser.warm_up()

    def check(self, text: str, max_nesting: int, timeout: float) -> Any:
        return self.parser.check(text, max_nesting, timeout)

    def run(self, request: QueryRequest, timeout: float) -> QueryOutcome:
        """Ask the endpoint, then count and convert its answer as a local one would be."""
        graph = request.result_format in GRAPH_FORMATS
        http_request = urllib.request.Request(
            self.endpoint,
            data=request_body(request),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": GRAPH_ACCEPT if graph else SOLUTIONS_ACCEPT,
            },
        )
        body = self._fetch(http_request, timeout)
        if graph:
            lines = body.count(b"\n")
            if lines > request.max_rows:
                raise TooManyRows(request.max_rows)
            return graph_outcome(body, lines, request)
        try:
            results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise ExecutorUnavailable("the SPARQL endpoint sent an answer that is not SPARQL JSON") from error
        return serialise(results, request)

    def _fetch(self, http_request: urllib.request.Request, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        chunks: list[bytes] = []
        size = 0
        try:
            with self._opener.open(http_request, timeout=timeout) as response:
                while chunk := response.read(1 << 16):  # the time limit holds for a slow trickle too
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_ANSWER_BYTES:
                        raise TooManyRows(0)
                    if time.monotonic() > deadline:
                        raise TimeoutError
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read(300).decode("utf-8", "replace").strip().splitlines()
            if 400 <= error.code < 500:
                raise QueryFailed(detail[0] if detail else f"the endpoint answered {error.code}") from error
            raise ExecutorUnavailable(f"the SPARQL endpoint answered {error.code}") from error
        except TimeoutError as error:
            raise QueryTimeout(f"the SPARQL endpoint did not answer within {timeout:g} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise QueryTimeout(f"the SPARQL endpoint did not answer within {timeout:g} s") from error
            raise ExecutorUnavailable("the SPARQL endpoint cannot be reached") from error
        except OSError as error:
            raise ExecutorUnavailable("the SPARQL endpoint cannot be reached") from error
        return b"".join(chunks)

    def close(self) -> None:
        self.parser.close()
