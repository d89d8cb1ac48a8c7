"""The query engine: a pyoxigraph Store holding the named graphs, and their union as its default graph.

`execute` is the one entry point: it parses (pyoxigraph is the only parser on the request path), runs and
serialises one query. The union is stored as the default graph itself, rather than asked for with
`use_default_graph_as_union`, because any dataset given to pyoxigraph's `query()` replaces the query's own
FROM and FROM NAMED: stored this way, a query's dataset clause works as SPARQL says with no flag at all, and
the protocol's `default-graph-uri`/`named-graph-uri` replace it as the SPARQL 1.1 Protocol says.

The size of a result is bounded by counting rows in a line-per-row serialisation (TSV for solutions,
N-Triples for graphs) before converting to the format the client asked for, with pyoxigraph's own parsers
and writers.
"""

from __future__ import annotations

import xml.parsers.expat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class QueryFailed(Exception):
    """The engine rejected or could not evaluate the query; the message is safe to show a client."""


class NotRepresentable(Exception):
    """The answer holds what the requested format cannot carry (control characters in XML 1.0)."""


XML_FORMATS = {"xml", "rdfxml"}


def _well_formed_xml(body: bytes) -> bool:
    """pyoxigraph's XML writers emit control characters XML 1.0 forbids, and RDF/XML element names from
    predicates that are not XML names (`<http://example.org/1>`): check with expat, which never fetches
    anything (no DTDs, no external entities)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")  # namespace-aware: `ns:1` is no name
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _checked(outcome: QueryOutcome) -> QueryOutcome:
    if outcome.result_format in XML_FORMATS and not _well_formed_xml(outcome.body):
        raise NotRepresentable(
            "the answer cannot be written as well-formed XML (control characters, or predicates that are not "
            "XML names); ask for JSON, CSV or Turtle"
        )
    return outcome


class TooManyRows(Exception):
    """The result holds more rows (or triples) than the configured limit."""


class QuerySyntaxError(Exception):
    """The engine's parser refused the query: the client's mistake; the message is the parser's first line."""


class NotAcceptable(Exception):
    """The query's kind of result (solutions or a graph) has no format the client accepts."""


class EngineFailure(Exception):
    """The engine failed on a valid query (a panic inside pyoxigraph): the server's fault, not the client's."""


@dataclass(frozen=True)
class QueryRequest:
    """What to run and how to return it.

    `result_format` is the format for the kind of result it names (solutions: json, xml, csv, tsv; graphs:
    turtle, ntriples, jsonld, rdfxml); `graph_format` or `solutions_format` is the one for the other kind,
    so a server can negotiate before it knows what the query returns (None: the client accepts no format of
    that kind). A dataset given here (the protocol's default-graph-uri and named-graph-uri) replaces the
    query's FROM and FROM NAMED; graphs not listed are not visible.
    """

    query: str
    result_format: str | None
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base_iri: str | None = None
    prefixes: Mapping[str, str] = field(default_factory=dict)
    other_format: str | None = None
    bindings: tuple[tuple[str, str], ...] = ()  # (variable, IRI): values bound into the query, never spliced

    def format_for(self, kind: str) -> str | None:
        """The requested format for a result of `kind` ("results" or "graph")."""
        names = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
        if self.result_format in names:
            return self.result_format
        return self.other_format if self.other_format in names else None


@dataclass(frozen=True)
class QueryOutcome:
    """A serialised answer."""

    body: bytes
    result_format: str


class _TooLong(Exception):
    """Raised inside a serialiser's write: the answer is longer than the sink takes."""


class _ByteLimitedBuffer:
    """A binary sink that refuses more than `limit` bytes: stops a serialiser early."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _TooLong
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        return None

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


class _LineLimitedBuffer:
    """A binary sink that refuses more than `limit` lines: stops a serialiser early, not after the fact."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines = 0
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise TooManyRows
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        return None

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def open_store(dataset_path: Path) -> ox.Store:
    """An in-memory store loaded from the build's N-Quads: the named graphs, and their union (without
    duplicates) as the default graph."""
    store = ox.Store()
    store.bulk_load(path=str(dataset_path), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def _query_arguments(request: QueryRequest) -> dict[str, object]:
    """The protocol's dataset, when the request gives one: it replaces the query's whole dataset, so a graph
    list the request leaves out is empty (SPARQL 1.1 Protocol, 2.1.4); and the values bound to variables."""
    arguments: dict[str, object] = {}
    if request.default_graphs or request.named_graphs:
        arguments["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        arguments["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    if request.bindings:
        arguments["substitutions"] = {ox.Variable(name): ox.NamedNode(iri) for name, iri in request.bindings}
    return arguments


def execute(store: ox.Store, request: QueryRequest) -> QueryOutcome:
    """Parse, run and serialise one query; raise QuerySyntaxError, NotAcceptable, TooManyRows,
    NotRepresentable, QueryFailed or EngineFailure."""
    prefixes = dict(request.prefixes) or None
    try:
        dataset = _query_arguments(request)
        results = store.query(request.query, base_iri=request.base_iri, prefixes=prefixes, **dataset)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise QuerySyntaxError(_one_line(error)) from error
    except ValueError as error:  # an IRI in the request's dataset that pyoxigraph refuses
        raise QuerySyntaxError(_one_line(error)) from error
    except (OSError, RuntimeError) as error:
        raise _failure(error) from error
    except BaseException as error:  # pyo3 turns a Rust panic into PanicException, a BaseException
        raise _panic(error) from None

    def rerun() -> ox.QuerySolutions:
        again = store.query(request.query, base_iri=request.base_iri, prefixes=prefixes, **dataset)  # type: ignore[arg-type]
        assert isinstance(again, ox.QuerySolutions)
        return again

    try:
        return serialise(results, request, rerun)
    except (TooManyRows, NotRepresentable, NotAcceptable, QueryFailed):
        raise
    except BaseException as error:
        raise _panic(error) from None


TOTAL_ORDER_PANIC = "total order"  # pyoxigraph 0.5.13 sorting terms its comparison cannot order


def _panic(error: BaseException) -> BaseException:
    if isinstance(error, KeyboardInterrupt | SystemExit | MemoryError):
        return error
    if TOTAL_ORDER_PANIC in str(error):
        return EngineFailure(
            "the query engine cannot sort these values (a known pyoxigraph 0.5 defect with ORDER BY over "
            "values of mixed types): order by STR(...) or by values of one type"
        )
    return EngineFailure(f"the query engine failed on this query ({_one_line(error)})")


# The fewest bytes one solution takes in each results format (`{},` in JSON, `<result></result>` in XML, a
# line end in CSV and TSV): an answer no longer than FLOOR x max_rows bytes cannot hold more than max_rows
# solutions, so most answers are written once, straight into the format asked for. A longer one is counted
# exactly, by running the query again into TSV (one line per solution).
ROW_BYTES_FLOOR = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


def serialise(
    results: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples,
    request: QueryRequest,
    rerun: Callable[[], ox.QuerySolutions] | None = None,
) -> QueryOutcome:
    """Write an answer in the format requested for its kind, within the row limit: solutions straight
    into their format when the answer is small enough to be surely within it (else counted in TSV lines,
    `rerun` giving the solutions again), graphs counted in N-Triples lines before the conversion."""
    kind = "graph" if isinstance(results, ox.QueryTriples) else "results"
    chosen = request.format_for(kind)
    if chosen is None:
        what = "an RDF graph" if kind == "graph" else "query results"
        raise NotAcceptable(f"the query returns {what}, and none of the accepted media types fits")
    try:
        if isinstance(results, ox.QueryBoolean):
            body = results.serialize(format=RESULT_FORMATS[chosen]) or b""
            return _checked(QueryOutcome(body=body, result_format=chosen))
        if isinstance(results, ox.QuerySolutions):
            direct = _ByteLimitedBuffer(ROW_BYTES_FLOOR[chosen] * request.max_rows)
            try:
                results.serialize(direct, format=RESULT_FORMATS[chosen])  # type: ignore[arg-type]
                return _checked(QueryOutcome(direct.getvalue(), chosen))
            except (_TooLong, OSError) as error:  # pyoxigraph may pass the sink's error on wrapped
                cause = error if isinstance(error, _TooLong) else error.__context__ or error.__cause__
                if not isinstance(cause, _TooLong) or rerun is None:
                    raise
            return _counted_solutions(rerun(), chosen, request.max_rows)
        sink = _LineLimitedBuffer(request.max_rows)
        results.serialize(sink, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        return graph_outcome(sink.getvalue(), chosen, request.prefixes)
    except (TooManyRows, NotRepresentable):
        raise
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        raise _failure(error) from error


def _counted_solutions(results: ox.QuerySolutions, chosen: str, max_rows: int) -> QueryOutcome:
    sink = _LineLimitedBuffer(max_rows + 1)  # the header line, then one line per solution
    results.serialize(sink, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    if chosen == "tsv":
        return _checked(QueryOutcome(sink.getvalue(), "tsv"))
    parsed = ox.parse_query_results(sink.getvalue(), format=ox.QueryResultsFormat.TSV)
    return _checked(QueryOutcome(parsed.serialize(format=RESULT_FORMATS[chosen]) or b"", chosen))


def graph_outcome(ntriples: bytes, chosen: str, prefixes: Mapping[str, str]) -> QueryOutcome:
    """A graph answer, given as N-Triples already within the row limit, in the `chosen` format."""
    if chosen == "ntriples":
        return _checked(QueryOutcome(ntriples, "ntriples"))
    parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(parsed, format=GRAPH_FORMATS[chosen], prefixes=dict(prefixes)) or b""
    return _checked(QueryOutcome(body, chosen))


def _failure(error: BaseException) -> Exception:
    """TooManyRows when the line limit stopped a serialiser (pyoxigraph wraps it in an OSError), else
    QueryFailed with the engine's first line."""
    if isinstance(error.__context__, TooManyRows) or isinstance(error.__cause__, TooManyRows):
        return TooManyRows()
    return QueryFailed(_one_line(error))


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
