"""The negotiation table, without HTTP."""

from __future__ import annotations

import pytest

from aifkg.sparql import ProtocolError, format_by_parameter, negotiate


@pytest.mark.parametrize(
    ("kind", "accept", "expected"),
    [
        ("results", [("*/*", 1.0)], "json"),
        ("results", [("text/csv", 1.0)], "csv"),
        ("results", [("application/sparql-results+xml", 0.5), ("text/tab-separated-values", 0.9)], "tsv"),
        ("results", [("application/json", 1.0)], "json"),
        ("results", [("text/*", 1.0)], "csv"),
        ("results", [("text/html", 1.0), ("*/*", 0.1)], "json"),
        ("graph", [("*/*", 1.0)], "turtle"),
        ("graph", [("application/ld+json", 1.0), ("text/turtle", 0.5)], "jsonld"),
        ("graph", [("application/rdf+xml", 1.0)], "rdfxml"),
        ("graph", [("text/plain", 1.0)], "ntriples"),
        ("graph", [("text/turtle", 0.0), ("*/*", 0.5)], "ntriples"),
    ],
)
def test_negotiate(kind: str, accept: list[tuple[str, float]], expected: str) -> None:
    chosen = negotiate(kind, accept)
    assert chosen is not None and chosen.name == expected


def test_negotiate_nothing_acceptable() -> None:
    assert negotiate("graph", [("text/csv", 1.0)]) is None
    assert negotiate("results", [("image/png", 1.0)]) is None


def test_format_parameter() -> None:
    assert format_by_parameter("csv", "results").name == "csv"
    assert format_by_parameter("text/turtle", "graph").name == "turtle"
    with pytest.raises(ProtocolError):
        format_by_parameter("csv", "graph")
