"""The SPARQL 1.1 Protocol through Flask's test client: shapes of requests, formats, errors, headers."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import Graph

COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
FACTORIES = "PREFIX aif: <https://example.org/kg/ontology#> SELECT ?f WHERE { ?f a aif:AIFactory } ORDER BY ?f"


def _get(client: FlaskClient, query: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.get("/sparql?" + urlencode({"query": query}), headers=headers)


def _bindings(body: bytes) -> list[dict[str, dict[str, str]]]:
    return json.loads(body)["results"]["bindings"]  # type: ignore[no-any-return]


def test_get_post_form_and_post_body_agree(client: FlaskClient) -> None:
    by_get = _get(client, FACTORIES)
    by_form = client.post("/sparql", data={"query": FACTORIES})
    by_body = client.post("/sparql", data=FACTORIES, content_type="application/sparql-query")
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    values = [b["f"]["value"] for b in _bindings(by_get.data)]
    assert values == ["https://example.org/kg/id/factory/alpha", "https://example.org/kg/id/factory/beta"]
    assert by_get.data == by_form.data == by_body.data


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_result_formats(client: FlaskClient, accept: str, media_type: str) -> None:
    response = _get(client, FACTORIES, Accept=accept)
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert b"https://example.org/kg/id/factory/beta" in response.data


def test_csv_is_parseable(client: FlaskClient) -> None:
    rows = list(csv.reader(io.StringIO(_get(client, FACTORIES, Accept="text/csv").data.decode())))
    assert rows[0] == ["f"] and len(rows) == 3


def test_ask(client: FlaskClient) -> None:
    response = _get(client, "ASK { ?s a <https://example.org/kg/ontology#AIFactory> }")
    assert json.loads(response.data)["boolean"] is True
    xml = _get(client, "ASK { ?s a <https://example.org/nothing> }", Accept="application/sparql-results+xml")
    assert b"<boolean>false</boolean>" in xml.data


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_formats(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = _get(client, "CONSTRUCT WHERE { ?f a <https://example.org/kg/ontology#AIFactory> }", Accept=accept)
    assert response.status_code == 200 and response.mimetype == accept
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert len(graph) == 2


def test_describe(client: FlaskClient) -> None:
    response = _get(client, "DESCRIBE <https://example.org/kg/id/factory/alpha>", Accept="text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    assert len(graph) >= 5


def test_q_values_and_format_parameter(client: FlaskClient) -> None:
    response = _get(client, FACTORIES, Accept="text/csv;q=0.4, application/sparql-results+xml;q=0.9")
    assert response.mimetype == "application/sparql-results+xml"
    response = client.get(
        "/sparql?" + urlencode({"query": FACTORIES, "format": "tsv"}),
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.mimetype == "text/tab-separated-values"


def test_406_when_nothing_fits(client: FlaskClient) -> None:
    response = _get(client, FACTORIES, Accept="image/png")
    assert response.status_code == 406
    assert _get(client, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="text/csv").status_code == 406


def test_default_and_named_graph_parameters(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    graphs = app.extensions["aifkg"].settings.graph_iris
    union = int(_bindings(_get(client, COUNT).data)[0]["n"]["value"])
    only_data = client.get("/sparql?" + urlencode({"query": COUNT, "default-graph-uri": graphs["data"]}))
    only_inferred = client.get("/sparql?" + urlencode({"query": COUNT, "default-graph-uri": graphs["inferred"]}))
    data_count = int(_bindings(only_data.data)[0]["n"]["value"])
    inferred_count = int(_bindings(only_inferred.data)[0]["n"]["value"])
    assert 0 < data_count < union and 0 < inferred_count < union
    named = client.get(
        "/sparql?"
        + urlencode({"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graphs["data"]})
    )
    assert [b["g"]["value"] for b in _bindings(named.data)] == [graphs["data"]]


def test_graph_keyword_reaches_the_named_graphs(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    response = _get(client, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    assert sorted(b["g"]["value"] for b in _bindings(response.data)) == sorted(
        app.extensions["aifkg"].settings.graph_iris.values()
    )


def test_service_description(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    assert response.status_code == 200
    query = (
        "ASK { ?s a <http://www.w3.org/ns/sparql-service-description#Service> ; "
        "<http://www.w3.org/ns/sparql-service-description#endpoint> <http://localhost/sparql> }"
    )
    assert graph.query(query).askAnswer


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("post", {"data": {"update": "DROP ALL"}}, 403),
        ("post", {"data": "DROP ALL", "content_type": "application/sparql-update"}, 403),
        ("get", {"query_string": {"query": "LOAD <http://127.0.0.1:9/>"}}, 403),
        ("get", {"query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("post", {"data": "ASK {}", "content_type": "text/plain"}, 415),
        ("post", {"data": b"ASK { \xff }", "content_type": "application/sparql-query"}, 400),
        ("post", {"data": {}}, 400),
        ("get", {"query_string": {"query": "SELECT * {"}}, 400),
        ("get", {"query_string": {"query": "SELECT * { ?s ?p ?o }"}}, 400),  # over the 50-row limit
        ("get", {"query_string": {"query": "SELECT * { ?s ?p ?o } GROUP BY ?s"}}, 400),
        ("put", {}, 405),
    ],
)
def test_errors_are_one_line(client: FlaskClient, method: str, kwargs: dict, status: int) -> None:  # type: ignore[type-arg]
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert text.count("\n") == 1 and "Traceback" not in text and len(text) < 600


def test_request_size_limit(client: FlaskClient) -> None:
    response = client.post("/sparql", data="ASK {" + " " * 70_000 + "}", content_type="application/sparql-query")
    assert response.status_code == 413


def test_cors_and_preflight(client: FlaskClient) -> None:
    assert _get(client, COUNT).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql", headers={"Origin": "https://example.net", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_etag_and_304(client: FlaskClient) -> None:
    first = _get(client, FACTORIES)
    etag = first.headers["ETag"]
    again = client.get("/sparql?" + urlencode({"query": FACTORIES}), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert "max-age" in first.headers["Cache-Control"]


def test_guard_verdicts_are_bounded_in_characters() -> None:
    """Distinct 32 KB queries cannot grow the verdict memory without bound."""
    from aifkg.sparql import QueryInfo
    from aifkg.web.runtime import Verdicts

    verdicts = Verdicts(capacity=1000, max_chars=100_000)
    for i in range(50):
        text = f"ASK {{}} # {i} " + "x" * 10_000
        verdicts.put(text, QueryInfo(text=text, form="ASK", has_dataset_clause=False))
    assert verdicts.chars <= 100_000
    assert len(verdicts._entries) == 100_000 // 20_030
    last = f"ASK {{}} # {49} " + "x" * 10_000
    assert verdicts.get(last) is not None and verdicts.get("ASK {} # 0 " + "x" * 10_000) is None
