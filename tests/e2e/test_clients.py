"""Standard clients against the running server: SPARQLWrapper, rdflib's SPARQLStore, plain HTTP."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlencode

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from aifkg.namespace import vocabulary_iri
from tests.conftest import MINI_BASE
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e
AIF = vocabulary_iri(MINI_BASE)
FACTORIES = (
    f"SELECT ?f ?label WHERE {{ ?f a <{AIF}AIFactory> ; <http://www.w3.org/2000/01/rdf-schema#label> "
    "?label FILTER(lang(?label) = 'en') } ORDER BY ?f"
)


def test_sparqlwrapper_select_json_get_and_post(live_server: LiveServer) -> None:
    for method in ("GET", "POST"):
        client = SPARQLWrapper(live_server.endpoint)
        client.setMethod(method)
        client.setQuery(FACTORIES)
        client.setReturnFormat(JSON)
        rows = client.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
        assert [r["label"]["value"] for r in rows] == ["Alpha AI Factory", "Beta AI Factory"]


def test_sparqlwrapper_xml_csv_and_construct(live_server: LiveServer) -> None:
    client = SPARQLWrapper(live_server.endpoint)
    client.setQuery(f"ASK {{ ?f a <{AIF}AIFactory> }}")
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    client.setQuery(FACTORIES)
    client.setReturnFormat(CSV)
    assert client.query().convert().decode().splitlines()[0] == "f,label"  # type: ignore[union-attr]
    client.setQuery(f"CONSTRUCT WHERE {{ ?f a <{AIF}AIFactory> }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 2


def test_rdflib_sparqlstore(live_server: LiveServer) -> None:
    graph = Graph(store=SPARQLStore(live_server.endpoint, returnFormat="json"))
    rows = list(graph.query(FACTORIES))
    assert [str(r.label) for r in rows] == ["Alpha AI Factory", "Beta AI Factory"]  # type: ignore[union-attr]
    inferred = list(
        graph.query(f"SELECT ?c WHERE {{ <https://example.org/kg/id/factory/alpha> <{AIF}participatingCountry> ?c }}")
    )
    assert [r[0] for r in inferred] == [URIRef("https://example.org/kg/id/country/aa")]  # type: ignore[index]


def test_plain_http_linked_data(live_server: LiveServer) -> None:
    request = urllib.request.Request(live_server.url + "/id/factory/alpha", headers={"Accept": "application/ld+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/ld+json")
        document = json.loads(response.read())
    assert "https://example.org/kg/id/factory/alpha" in json.dumps(document)
    request = urllib.request.Request(live_server.url + "/id/factory/alpha", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert "Alpha AI Factory" in page and 'href="/id/organisation/alpha-lab"' in page
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(live_server.url + "/id/factory/unknown", timeout=10)
    assert missing.value.code == 404
    missing.value.close()


def test_dumps_and_void(live_server: LiveServer) -> None:
    with urllib.request.urlopen(live_server.url + "/.well-known/void", timeout=10) as response:
        void = Graph().parse(data=response.read(), format="turtle")
    dumps = {str(o) for o in void.objects(None, URIRef("http://rdfs.org/ns/void#dataDump"))}
    assert f"{live_server.url}/dumps/aifkg.nq" in dumps and len(dumps) == 5
    with urllib.request.urlopen(live_server.url + "/dumps/aifkg.ttl", timeout=10) as response:
        assert len(Graph().parse(data=response.read(), format="turtle")) > 50


def test_gzip_for_large_results(live_server: LiveServer) -> None:
    query = urlencode({"query": "SELECT * { ?s ?p ?o }"})
    request = urllib.request.Request(f"{live_server.endpoint}?{query}", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
