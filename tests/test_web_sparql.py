"""The SPARQL 1.1 Protocol through Flask's test client: shapes of requests, formats, errors, headers."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from werkzeug.test import Client

from aifkg.web.sparql_fast import ProtocolFastPath

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
        "<http://www.w3.org/ns/sparql-service-description#endpoint> <http://127.0.0.1:8000/sparql> }"
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
        ("get", {"query_string": {"query": "SELECT * { ?s ?p ?o }"}}, 500),  # over the 50-row limit
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


@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void", "/sparql?format=json-ld"])
def test_no_answer_depends_on_the_host_header(client: FlaskClient, path: str) -> None:
    """The poisoning sequence: a request with a forged Host first, then an honest one. The public URL comes
    from the settings, so neither answer names the forged host (and the cached answer is the right one)."""
    forged = client.get(path, headers={"Host": "attacker.example", "Accept": "text/turtle"})
    honest = client.get(path, headers={"Accept": "text/turtle"})
    assert forged.status_code == honest.status_code == 200
    assert b"attacker.example" not in forged.data and b"attacker.example" not in honest.data
    assert forged.data == honest.data
    assert b"http://127.0.0.1:8000/sparql" in honest.data


@pytest.mark.parametrize("path", ["/id/factory/alpha", "/dumps/aifkg.jsonld"])
def test_json_ld_names_its_context_at_the_public_url_whatever_the_host_header(client: FlaskClient, path: str) -> None:
    forged = client.get(path, headers={"Host": "attacker.example", "Accept": "application/ld+json"})
    body = forged.get_data()
    forged.close()  # a dump is sent as a file
    assert forged.status_code == 200
    link = forged.headers.get("Link", "")
    assert "attacker.example" not in link and b"attacker.example" not in body
    if path.startswith("/id/"):  # a resource's document links its context; the dump carries it inline
        assert link.startswith("<http://127.0.0.1:8000/context.jsonld>")


def test_relative_iris_resolve_against_the_endpoint_and_prefixes_are_predefined(client: FlaskClient) -> None:
    query = "SELECT ?x ?c { BIND(<id/x> AS ?x) BIND(aif:AIFactory AS ?c) }"
    response = client.post(
        "/sparql", data=query, content_type="application/sparql-query", headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200, response.data
    assert response.data.splitlines()[1] == b"http://127.0.0.1:8000/id/x,https://example.org/kg/ontology#AIFactory"


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 415),
        ("application/sparql-query; charset=iso-8859-1", b"ASK {}", 415),
        ("application/sparql-query; charset=UTF-8", b"ASK {}", 200),
        ("application/x-www-form-urlencoded; charset=utf-16", b"query=ASK%7B%7D", 415),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D%FF", 400),
        ("application/x-www-form-urlencoded", b"query=ASK%7B%7D", 200),
    ],
)
def test_bodies_are_utf8(client: FlaskClient, content_type: str, body: bytes, status: int) -> None:
    """W3C protocol test bad_query_non_utf8: a body in another charset is refused; invalid UTF-8 in a form is
    refused too, never replaced with U+FFFD and run."""
    response = client.post("/sparql", data=body, content_type=content_type)
    assert response.status_code == status, response.data


def test_invalid_utf8_in_the_query_string_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D%FF")
    assert response.status_code == 400 and b"UTF-8" in response.data


def test_request_dataset_replaces_the_query_dataset(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    """SPARQL 1.1 Protocol: named-graph-uri alone leaves the default graph empty; default-graph-uri alone
    leaves no named graphs; either replaces the query's FROM."""
    graphs = app.extensions["aifkg"].settings.graph_iris

    def ask(query: str, **dataset: str) -> bool:
        response = client.get("/sparql", query_string={"query": query, **dataset})
        assert response.status_code == 200, response.data
        return bool(json.loads(response.data)["boolean"])

    assert ask("ASK { ?s ?p ?o }")
    assert not ask("ASK { ?s ?p ?o }", **{"named-graph-uri": graphs["data"]})
    assert ask("ASK { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": graphs["data"]})
    assert not ask("ASK { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": graphs["data"]})
    query = f"ASK FROM <{graphs['data']}> {{ ?s a <http://www.w3.org/2002/07/owl#Class> }}"
    assert not ask(query)  # classes are in the ontology graph, not the data graph
    assert ask(query, **{"default-graph-uri": graphs["ontology"]})


def test_valid_queries_the_server_will_not_finish_are_5xx(client: FlaskClient) -> None:
    """400 means malformed; a valid query over the row limit is the server's refusal, with its reason."""
    response = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o }"})
    assert response.status_code == 500
    assert b"LIMIT" in response.data and response.data.count(b"\n") == 1


def test_the_fast_path_and_the_flask_route_answer_alike(app) -> None:  # type: ignore[no-untyped-def]
    """Programs' queries are answered by the WSGI fast path (sparql_fast.py), the rest by the Flask route:
    the same request gets the same status, body and headers from both."""
    layer = app.wsgi_app
    while not isinstance(layer, ProtocolFastPath):
        layer = layer.app
    fast, route = Client(layer), Client(layer.app)  # the fast path, and Flask alone under it
    requests = [
        ("get", {"query_string": {"query": "SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 3"}}),
        ("post", {"data": "ASK { ?s ?p ?o }", "content_type": "application/sparql-query"}),
        ("post", {"data": {"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"}, "headers": {"Accept": "text/turtle"}}),
        ("get", {"query_string": {"query": "SELECT * {"}}),
        ("get", {"query_string": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}),
        ("get", {"query_string": {"query": "SELECT * { ?s ?p ?o }"}}),  # over the row limit
        ("get", {"query_string": {"query": "ASK {}", "format": "nonsense"}}),
        ("post", {"data": b"query=ASK%7B%7D%FF", "content_type": "application/x-www-form-urlencoded"}),
    ]
    for method, kwargs in requests:
        from_fast = getattr(fast, method)("/sparql", **kwargs)
        from_route = getattr(route, method)("/sparql", **kwargs)
        assert from_fast.status_code == from_route.status_code, (kwargs, from_fast.data, from_route.data)
        assert from_fast.data == from_route.data, kwargs
        compared = ["Content-Type", "ETag", "Cache-Control", "Access-Control-Allow-Origin", "Retry-After"]
        if from_fast.status_code == 200:
            compared.append("Vary")  # errors are no-store: what they vary by does not matter to a cache
        for header in compared:
            assert from_fast.headers.get(header) == from_route.headers.get(header), (header, kwargs)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/id/factory/alpha?format=ntriples", "alpha.nt"),
        ("/id/factory/alpha?format=turtle", "alpha.ttl"),
        ("/.well-known/void?format=rdfxml", "void.rdf"),
    ],
)
def test_an_answer_asked_for_in_a_format_is_saved_under_a_name_with_its_extension(
    client: FlaskClient, path: str, name: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'inline; filename="{name}"'
    negotiated = client.get(path.split("?")[0], headers={"Accept": response.mimetype})
    assert "Content-Disposition" not in negotiated.headers  # a program negotiating gets no file name


def test_query_answers_leave_the_file_name_to_the_page_that_links_them(client: FlaskClient) -> None:
    """The question pages' links say download="02-rounds.csv": a name from the server would win over it."""
    response = client.get("/sparql?format=csv&query=" + quote("SELECT * { ?s ?p ?o } LIMIT 1"))
    assert response.status_code == 200 and "Content-Disposition" not in response.headers
