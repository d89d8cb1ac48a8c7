"""The linear checks of a query's text: bounds, and clear messages for SERVICE and updates."""

from __future__ import annotations

import pytest

from aifkg.query_text import (
    QueryTextError,
    TextLimits,
    check_text,
    expand_escapes,
    keywords,
    nesting_depth,
    result_kind,
)

LIMITS = TextLimits(max_bytes=10_000, max_nesting=32)


def _kind(query: str, limits: TextLimits = LIMITS) -> str:
    try:
        check_text(query, limits)
    except QueryTextError as error:
        return error.kind
    return "ok"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { \\U00000053ervice <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o FILTER EXISTS { service <http://127.0.0.1:9/> { ?s ?p ?o } } }",
        "SELECT * { { SELECT * { SERVICE ?x { ?s ?p ?o } } } }",
        "PREFIX s: <http://x/> SELECT * {#c\nSERVICE s:e { ?s ?p ?o } }",
    ],
)
def test_service_is_named(query: str) -> None:
    assert _kind(query) == "service"


@pytest.mark.parametrize(
    "query",
    [
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "PREFIX a: <http://a/> DELETE WHERE { ?s ?p ?o }",
        "BASE <http://a/> drop all",
        "CLEAR DEFAULT",
        "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "\\u004cOAD <file:///etc/passwd> INTO GRAPH <a:g>",
    ],
)
def test_updates_are_named(query: str) -> None:
    assert _kind(query) == "update"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE" }',
        "SELECT * { ?s ?p '''LOAD <x> SERVICE''' }",
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE ?o . ?s ex:insert ?service }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> { }",
        "SELECT ?delete { ?delete ?load ?service }",
        "ASK { FILTER(1 < 2 && 3 > 2) }",
    ],
    ids=["string", "long string", "iri", "prefixed names", "comment", "variables", "comparisons"],
)
def test_words_in_strings_iris_comments_and_names_are_not_keywords(query: str) -> None:
    assert _kind(query) == "ok"


@pytest.mark.parametrize(
    ("query", "limits", "kind"),
    [
        ("", LIMITS, "empty"),
        ("   \n", LIMITS, "empty"),
        ("SELECT \x00 {}", LIMITS, "nul"),
        ("SELECT * {" + " " * 200 + "}", TextLimits(100, 32), "size"),
        ("SELECT * " + "{" * 40 + "}" * 40, LIMITS, "nesting"),
        ("SELECT * " + "\\u007B" * 40, LIMITS, "nesting"),  # escapes count as what they stand for
        ("SELECT * " + "{" * 5 + "}" * 5, LIMITS, "ok"),
        ("ASK {} # \\U00110000", LIMITS, "escape"),
        ('ASK { ?s ?p "\\uDC00" }', LIMITS, "escape"),
    ],
)
def test_bounds(query: str, limits: TextLimits, kind: str) -> None:
    assert _kind(query, limits) == kind


def test_escapes_are_expanded_only_for_the_scan() -> None:
    assert expand_escapes("\\u0053ELECT \\U0001F600") == "SELECT \U0001f600"
    assert expand_escapes("\\uD800 \\U00110000") == "\\uD800 \\U00110000"  # invalid: left as they are
    assert keywords("PREFIX a: <http://x/SELECT> SELECT ?x { a:b ?y 'ASK' }") == ["PREFIX", "SELECT"]
    assert nesting_depth("({[]})") == 3


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("PREFIX ex: <http://example.org/>\nSELECT * { ?s ?p ?o }", "results"),
        ("# CONSTRUCT in a comment\nASK { ?s ?p ?o }", "results"),
        ("BASE <http://example.org/construct/> describe <x>", "graph"),
        ('CONSTRUCT { ?s ?p "SELECT" } WHERE { { SELECT ?s ?p { ?s ?p ?o } } }', "graph"),  # a subquery later
        ("PREFIX select: <http://example.org/> CONSTRUCT WHERE { ?s select:p ?o }", "graph"),  # a prefix name
        ("{ ?s ?p ?o }", None),
    ],
)
def test_result_kind_from_the_query_form(text: str, kind: str | None) -> None:
    assert result_kind(text) == kind
