"""Linked-data routes through Flask's test client: negotiation, 404s, pages, VoID, dumps, headers."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, VOID

ALPHA = "https://example.org/kg/id/factory/alpha"


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("*/*", "turtle"),
    ],
)
def test_resource_as_rdf(client: FlaskClient, accept: str, rdflib_format: str) -> None:
    response = client.get("/id/factory/alpha", headers={"Accept": accept})
    assert response.status_code == 200
    data = response.data
    if rdflib_format == "json-ld":  # the published context, given locally: nothing is fetched
        document = json.loads(data)
        assert document["@context"] == "http://127.0.0.1:8000/context.jsonld"  # the public URL, not the Host
        document["@context"] = json.loads(client.get("/context.jsonld").data)["@context"]
        data = json.dumps(document).encode()
    graph = Graph().parse(data=data, format=rdflib_format)
    assert (URIRef(ALPHA), None, None) in graph
    assert "Accept" in response.headers["Vary"]


def test_resource_html_lists_statements_and_incoming_links(client: FlaskClient) -> None:
    page = client.get("/id/factory/alpha", headers={"Accept": "text/html"}).data.decode()
    assert "<h1>Alpha AI Factory</h1>" in page
    assert 'href="/id/system/big-one"' in page
    assert 'href="/id/partnership/alpha-beta"' in page  # incoming aif:partner
    assert "inferred" in page


def test_resource_html_in_german(client: FlaskClient) -> None:
    page = client.get("/id/factory/alpha", headers={"Accept": "text/html", "Accept-Language": "de"}).data.decode()
    assert "<h1>KI-Fabrik Alpha</h1>" in page and '<html lang="de">' in page


@pytest.mark.parametrize(
    "path",
    [
        "/id/factory/unknown",
        "/id/Factory/alpha",
        "/id/factory/al_pha",
        "/id/factory/..%2f..%2fetc",
        "/dumps/secret.txt",
        "/dumps/..%2fbuild.json",
    ],
)
def test_unknown_is_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404 and response.mimetype == "text/plain"


def test_ontology_rdf_and_html(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/ontology", headers={"Accept": "text/turtle"}).data, format="turtle")
    assert (URIRef("https://example.org/kg/ontology#AIFactory"), None, None) in graph
    page = client.get("/ontology", headers={"Accept": "text/html"}).data.decode()
    assert "AI factory" in page and "aif:hostCountry" in page


def test_void_links_endpoint_and_dumps(client: FlaskClient) -> None:
    graph = Graph().parse(data=client.get("/.well-known/void").data, format="turtle")
    dataset = URIRef("https://example.org/kg/dataset")
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://127.0.0.1:8000/sparql")) in graph
    assert len(list(graph.objects(dataset, DCAT.distribution))) == 5
    assert len(list(graph.objects(dataset, VOID.subset))) == 3


def test_dumps_are_complete(client: FlaskClient, build) -> None:  # type: ignore[no-untyped-def]
    with client.get("/dumps/aifkg.nt") as response:
        assert response.status_code == 200 and response.mimetype == "application/n-triples"
        triples = len(Graph().parse(data=response.data, format="nt"))
    assert 0 < triples <= build.stats.total_triples
    with client.get("/dumps/aifkg.trig") as response:
        assert response.status_code == 200


def test_security_headers_and_home(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "AI Factories" in response.data.decode()


def test_health_reports_the_build(client: FlaskClient, build) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/health").get_json()["build"] == build.key
