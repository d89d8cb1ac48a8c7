"""The query engine: a pyoxigraph Store holding the named graphs, the union as default graph.

`execute` is the one entry point. It never sees a query the guard in `sparql.py` has not accepted, and it
bounds the size of a result by counting rows in a line-per-row serialisation (TSV for solutions,
N-Triples for graphs) before converting to the format the client asked for: the conversion is done by
pyoxigraph's own parsers and writers.
"""

from __future__ import annotations

import fcntl
import shutil
import xml.parsers.expat
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


@dataclass(frozen=True)
class QueryRequest:
    """What to run and how to return it (already checked by the guard)."""

    query: str
    result_format: str  # a key of RESULT_FORMATS or GRAPH_FORMATS
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    has_dataset_clause: bool = False
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryOutcome:
    """A serialised answer."""

    body: bytes
    result_format: str
    rows: int


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
    """An in-memory store loaded from the build's N-Quads."""
    store = ox.Store()
    store.bulk_load(path=str(dataset_path), format=ox.RdfFormat.N_QUADS)
    return store


READY_MARKER = "aifkg-store-ready"


def prepare_disk_store(dataset_path: Path, folder: Path) -> Path:
    """The on-disk store of one build at `folder`, loaded once: the first process to get here loads it (under
    a file lock) into a sibling folder and renames it into place, so a half-loaded store is never opened;
    the others wait for it. Query workers then open it read-only and share the operating system's cache
    instead of each holding the graph in memory."""
    if (folder / READY_MARKER).exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f".{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / READY_MARKER).exists():
            return folder
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        store = ox.Store(str(partial))
        store.bulk_load(path=str(dataset_path), format=ox.RdfFormat.N_QUADS)
        store.flush()
        quads = len(store)
        del store  # closes the database before it moves
        (partial / READY_MARKER).write_text(f"{quads}\n", encoding="utf-8")
        partial.rename(folder)
    return folder


def open_store_read_only(location: Path) -> ox.Store:
    """An on-disk store opened read-only: many processes can share it, none can change it."""
    return ox.Store.read_only(str(location))


def _dataset_arguments(request: QueryRequest) -> dict[str, object]:
    """The protocol's dataset (default-graph-uri, named-graph-uri) beats FROM; without either, the union."""
    arguments: dict[str, object] = {}
    if request.default_graphs:
        arguments["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
    if request.named_graphs:
        arguments["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    if not request.default_graphs and not request.has_dataset_clause:
        arguments["use_default_graph_as_union"] = True
    return arguments


def execute(store: ox.Store, request: QueryRequest) -> QueryOutcome:
    """Run one query and serialise its answer; raise QueryFailed or TooManyRows."""
    try:
        results = store.query(request.query, **_dataset_arguments(request))  # type: ignore[arg-type]
        return serialise(results, request)
    except (TooManyRows, NotRepresentable):
        raise
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        raise _failure(error) from error


def serialise(results: ox.QueryBoolean | ox.QuerySolutions | ox.QueryTriples, request: QueryRequest) -> QueryOutcome:
    """Write an answer in the requested format, stopping at the row limit (counted in TSV or N-Triples
    lines, which hold one row or triple each) before the conversion: the same path for any source of
    results, our store or another endpoint's answer parsed back."""
    try:
        if isinstance(results, ox.QueryBoolean):
            body = results.serialize(format=RESULT_FORMATS[request.result_format]) or b""
            return _checked(QueryOutcome(body=body, result_format=request.result_format, rows=1))
        sink = _LineLimitedBuffer(request.max_rows + (1 if isinstance(results, ox.QuerySolutions) else 0))
        if isinstance(results, ox.QuerySolutions):
            results.serialize(sink, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
            rows = max(sink.lines - 1, 0)
            if request.result_format == "tsv":
                return _checked(QueryOutcome(sink.getvalue(), "tsv", rows))
            parsed = ox.parse_query_results(sink.getvalue(), format=ox.QueryResultsFormat.TSV)
            body = parsed.serialize(format=RESULT_FORMATS[request.result_format]) or b""
            return _checked(QueryOutcome(body, request.result_format, rows))
        results.serialize(sink, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        return graph_outcome(sink.getvalue(), sink.lines, request)
    except (TooManyRows, NotRepresentable):
        raise
    except (OSError, SyntaxError, ValueError, RuntimeError) as error:
        raise _failure(error) from error


def graph_outcome(ntriples: bytes, triples: int, request: QueryRequest) -> QueryOutcome:
    """A graph answer, given as N-Triples already within the row limit, in the requested format."""
    if request.result_format == "ntriples":
        return _checked(QueryOutcome(ntriples, "ntriples", triples))
    parsed = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(parsed, format=GRAPH_FORMATS[request.result_format], prefixes=request.prefixes) or b""
    return _checked(QueryOutcome(body, request.result_format, triples))


def _failure(error: BaseException) -> Exception:
    """TooManyRows when the line limit stopped a serialiser (pyoxigraph wraps it in an OSError), else
    QueryFailed with the engine's first line."""
    if isinstance(error.__context__, TooManyRows) or isinstance(error.__cause__, TooManyRows):
        return TooManyRows()
    return QueryFailed(_one_line(error))


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__
