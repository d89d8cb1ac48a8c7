"""Content negotiation against the current request, over the pure tables in aifkg.sparql."""

from __future__ import annotations

from functools import lru_cache

from flask import Response, request
from rdflib import Graph
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from aifkg.sparql import ProtocolError, ResultFormat, format_by_parameter, negotiate

RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
NO_ACCEPT = [("*/*", 1.0)]


def accept_pairs() -> list[tuple[str, float]]:
    pairs = [(value, quality) for value, quality in request.accept_mimetypes]
    return pairs or NO_ACCEPT


@lru_cache(maxsize=512)
def negotiated(kind: str, accept_header: str) -> ResultFormat | None:
    """The best format of `kind` for an Accept header (None: nothing fits). Clients send a handful of
    distinct Accept headers: each is parsed and matched once."""
    accept_header = accept_header[:1024]
    pairs = [(value, quality) for value, quality in parse_accept_header(accept_header, MIMEAccept)]
    return negotiate(kind, pairs or NO_ACCEPT)


def wants_html() -> bool:
    """A browser: it ranks text/html above every RDF type we offer (curl's */* does not)."""
    html = request.accept_mimetypes["text/html"]
    if not html or request.accept_mimetypes.provided is False:
        return False
    best_rdf = max(
        (
            request.accept_mimetypes[t]
            for t in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
        ),
        default=0,
    )
    explicit_html = any(value == "text/html" for value, _ in request.accept_mimetypes)
    return explicit_html and html >= best_rdf


def graph_format() -> ResultFormat:
    """The RDF format for a graph response: `format=` parameter first, then Accept; 406 if none fits."""
    parameter = request.args.get("format")
    if parameter:
        return format_by_parameter(parameter, "graph")
    chosen = negotiate("graph", accept_pairs())
    if chosen is None:
        raise ProtocolError(406, "none of the accepted media types is an RDF format this server writes")
    return chosen


def graph_response(graph: Graph, vary: str = "Accept") -> Response:
    """Serialise a small rdflib graph in the negotiated RDF format."""
    chosen = graph_format()
    body = graph.serialize(format=RDFLIB_NAMES[chosen.name], encoding="utf-8")
    response = Response(body, content_type=chosen.content_type)
    response.headers["Vary"] = vary
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
