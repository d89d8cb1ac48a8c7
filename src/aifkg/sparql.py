"""SPARQL protocol logic without Flask: guard a query, pick a result format, name the outcome.

The guard parses every query with rdflib's SPARQL parser before the engine sees it, and refuses what a
public read-only endpoint must never do: updates (LOAD included) and SERVICE, which pyoxigraph would
execute by opening an HTTP connection. FROM and FROM NAMED are allowed: the engine resolves them against
its own named graphs only and never dereferences them. Size and nesting are bounded before any parser
runs (`precheck`), because pyoxigraph crashes the process on very deep nesting and rdflib recurses. The
parse itself can take seconds on a long flat expression, so the server runs it in a query worker under the
time limit (executor.py); nothing here knows about processes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_parser_lock = threading.Lock()  # pyparsing grammars are not safe to share between threads


class ProtocolError(Exception):
    """A request the endpoint refuses; `status` is the HTTP status, the message one line for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryInfo:
    """A query that passed the guard: its text with escapes expanded, its form, whether it names a dataset."""

    text: str
    form: str
    has_dataset_clause: bool


@dataclass(frozen=True)
class ResultFormat:
    """One serialisation the endpoint offers."""

    name: str
    media_type: str
    kind: str  # "results" (SELECT, ASK) or "graph" (CONSTRUCT, DESCRIBE)
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "json"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


# Order matters: the first of a kind is the default when the client accepts anything.
FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json", "results", ("application/json", "text/json")),
    ResultFormat("xml", "application/sparql-results+xml", "results", ("application/xml", "text/xml")),
    ResultFormat("csv", "text/csv", "results"),
    ResultFormat("tsv", "text/tab-separated-values", "results"),
    ResultFormat("turtle", "text/turtle", "graph", ("application/x-turtle",)),
    ResultFormat("ntriples", "application/n-triples", "graph", ("text/plain",)),
    ResultFormat("jsonld", "application/ld+json", "graph", ("application/json",)),
    ResultFormat("rdfxml", "application/rdf+xml", "graph", ("application/xml", "text/xml")),
)
FORMAT_PARAMETER_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "rdf/xml": "rdfxml",
}


def form_kind(form: str) -> str:
    return "results" if form in {"SELECT", "ASK"} else "graph"


def formats_of(kind: str) -> list[ResultFormat]:
    return [f for f in FORMATS if f.kind == kind]


def media_types_of(kind: str) -> list[tuple[str, ResultFormat]]:
    """(media type, format) pairs in preference order, canonical types before aliases."""
    pairs = [(f.media_type, f) for f in formats_of(kind)]
    pairs += [(alias, f) for f in formats_of(kind) for alias in f.aliases]
    return pairs


def format_by_parameter(value: str, kind: str) -> ResultFormat:
    """The format a `format=` parameter names (a short name or a media type) for this kind of result."""
    wanted = value.strip().lower()
    name = FORMAT_PARAMETER_NAMES.get(wanted)
    for media_type, result_format in media_types_of(kind):
        if name == result_format.name or wanted == media_type:
            return result_format
    offered = ", ".join(f.name for f in formats_of(kind))
    raise ProtocolError(400, f"format '{value[:40]}' does not fit this query; use one of: {offered}")


def negotiate(kind: str, accept: Iterable[tuple[str, float]]) -> ResultFormat | None:
    """Best format for an Accept header given as (media range, quality) pairs; None if nothing fits.

    The highest quality wins; among equals, the more specific range, then our preference order.
    """
    accept = list(accept)
    refused = refused_types(accept)
    candidates = [(media_type, f) for media_type, f in media_types_of(kind) if f.media_type not in refused]
    best: tuple[float, int, int] | None = None
    chosen: ResultFormat | None = None
    for media_range, quality in accept:
        if quality <= 0:
            continue
        media_range = media_range.split(";")[0].strip().lower()
        for order, (media_type, result_format) in enumerate(candidates):
            specificity = _matches(media_range, media_type)
            if specificity < 0:
                continue
            score = (quality, specificity, -order)
            if best is None or score > best:
                best, chosen = score, result_format
    return chosen


def refused_types(accept: Iterable[tuple[str, float]]) -> set[str]:
    """Media types the client explicitly refuses with q=0."""
    return {media_range.split(";")[0].strip().lower() for media_range, quality in accept if quality <= 0}


def _matches(media_range: str, media_type: str) -> int:
    if media_range in {"*/*", "*"}:
        return 0
    major, _, minor = media_range.partition("/")
    if minor == "*":
        return 1 if media_type.startswith(major + "/") else -1
    return 2 if media_range == media_type else -1


def nesting_depth(text: str) -> int:
    """Deepest nesting of braces, brackets and parentheses; counted on raw text, so strings count too."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return deepest


def _walk(node: object) -> Iterable[Any]:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple):
            stack.extend(current)
        elif hasattr(current, "asList") and not isinstance(current, str):
            stack.extend(list(current))  # type: ignore[call-overload]


def _parse_reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200] if text else type(error).__name__


def check_query(text: str, max_bytes: int, max_nesting: int) -> QueryInfo:
    """Accept a read-only query or raise ProtocolError (400 malformed or refused, 403 update)."""
    return _parse_checked(precheck(text, max_bytes, max_nesting))


def precheck(text: str, max_bytes: int, max_nesting: int) -> str:
    """The checks that take linear time, done before any parser runs; returns the text, escapes expanded.

    The parse itself (`check_query`) can take seconds on long flat expressions, so the server runs it in a
    query worker, under the time limit; this part is safe to run anywhere.
    """
    if not text.strip():
        raise ProtocolError(400, "the query is empty")
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise ProtocolError(400, f"the query is longer than {max_bytes} bytes")
    if "\x00" in text:
        raise ProtocolError(400, "the query contains a NUL character")
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        expanded: str = expandUnicodeEscapes(text)
    except (ValueError, OverflowError) as error:
        raise ProtocolError(400, "the query has a \\u or \\U escape outside Unicode") from error
    if nesting_depth(expanded) > max_nesting:
        raise ProtocolError(400, f"the query nests deeper than {max_nesting} levels")
    return expanded


@lru_cache(maxsize=4096)
def _parse_checked(expanded: str) -> QueryInfo:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _parser_lock:
            parsed = parseQuery(expanded)
    except RecursionError as error:
        raise ProtocolError(400, "the query is too long or nests too deeply for the parser") from error
    except ParseBaseException as error:
        if _is_update(expanded):
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update (including LOAD) is refused") from error
        raise ProtocolError(400, f"malformed query: {_parse_reason(error)}") from error
    except Exception as error:  # rdflib raises assorted errors on odd input (bad IRIs, prefixes)
        raise ProtocolError(400, f"malformed query: {_parse_reason(error)}") from error
    query = parsed[1]
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            raise ProtocolError(400, "SERVICE is not allowed: this endpoint never contacts other services")
    return QueryInfo(text=expanded, form=QUERY_FORMS[query.name], has_dataset_clause="datasetClause" in query)


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        with _parser_lock:
            parseUpdate(text)
    except Exception:
        return False
    return True
