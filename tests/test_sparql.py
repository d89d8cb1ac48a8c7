"""The guard and the negotiation table, without HTTP."""

from __future__ import annotations

import pytest

from aifkg.sparql import ProtocolError, check_query, format_by_parameter, negotiate, nesting_depth


def _status(query: str, max_bytes: int = 10_000, max_nesting: int = 32) -> int:
    try:
        check_query(query, max_bytes, max_nesting)
    except ProtocolError as error:
        return error.status
    return 200


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("ASK {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://example.org/x>", "DESCRIBE"),
    ],
)
def test_query_forms(query: str, form: str) -> None:
    assert check_query(query, 1000, 32).form == form


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * { { SELECT * { SERVICE ?x { ?s ?p ?o } } } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    assert _status(query) == 400


@pytest.mark.parametrize(
    "query",
    [
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <file:///etc/passwd> INTO GRAPH <a:g>",
    ],
)
def test_updates_are_forbidden(query: str) -> None:
    assert _status(query) == 403


@pytest.mark.parametrize(
    "query",
    ["", "   ", "SELEC * {}", "SELECT * { ?s ?p }", "SELECT \x00 {}", "PREFIX : <bad iri> SELECT * {}"],
)
def test_malformed_is_400(query: str) -> None:
    assert _status(query) == 400


def test_size_and_nesting_bounds() -> None:
    assert _status("SELECT * {" + " " * 200 + "}", max_bytes=100) == 400
    deep = "SELECT * " + "{" * 40 + "}" * 40
    assert _status(deep, max_nesting=32) == 400
    assert _status("SELECT * " + "{" * 5 + "}" * 5, max_nesting=32) == 200
    assert nesting_depth("({[]})") == 3


def test_from_is_noted_not_refused() -> None:
    info = check_query("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", 1000, 32)
    assert info.has_dataset_clause
    assert not check_query("SELECT * { ?s ?p ?o }", 1000, 32).has_dataset_clause


def test_escapes_are_expanded_before_the_engine_sees_them() -> None:
    assert check_query("\\u0053ELECT * {}", 1000, 32).text == "SELECT * {}"


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
