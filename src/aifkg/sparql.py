"""SPARQL protocol logic without Flask: the result formats, their negotiation, and the protocol's errors.

Nothing here parses a query: pyoxigraph does that in a query worker (executor.py), after the linear checks
of query_text.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ProtocolError(Exception):
    """A request the endpoint refuses; `status` is the HTTP status, the message one line for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


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
# The file extension a saved answer gets: .json and .xml for SPARQL results (rather than the registered
# .srj and .srx, which fewer programs open), the usual ones for the rest.
EXTENSIONS = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "ttl",
    "ntriples": "nt",
    "jsonld": "jsonld",
    "rdfxml": "rdf",
}


def download_name(path: str, content_type: str) -> str | None:
    """The file name a saved description gets ("litai.nt" for /id/factory/litai as N-Triples, "void.ttl"):
    the last segment of the URL path and the extension of the format the content type names. None for
    /sparql: the pages' download links name their answers themselves ("02-rounds.csv"), and a name sent by
    the server would override theirs."""
    media_type = content_type.split(";")[0].strip().lower()
    stem = path.rstrip("/").rsplit("/", 1)[-1].lstrip(".")
    if stem == "sparql":
        return None
    chosen = next((f for f in FORMATS if f.media_type == media_type), None)
    if chosen is None or not stem or not stem.replace("-", "").replace("_", "").isalnum():
        return None
    return f"{stem}.{EXTENSIONS[chosen.name]}"


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
