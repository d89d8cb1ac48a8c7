"""The W3C SPARQL 1.1 Protocol tests against the real server.

The tests that need no data run exactly as the vendored manifest describes them (method, path, headers and
body; the manifest's `/sparql/` is our `/sparql`). The dataset tests need the W3C's three data graphs, which
aifkg cannot load; they are restated on our own named graphs (ontology, data, inferred) with the same shape of
request, plus the checks that make "the protocol's dataset replaces the query's" observable. Updates are
refused by policy (read-only endpoint): those tests are listed and must keep failing.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef

from tests.conftest import MINI_BASE
from tests.e2e.conftest import LiveServer, mini_args, start_server, stop_server
from tests.w3c.manifests import HttpRequest, ProtocolTest, protocol_tests

pytestmark = pytest.mark.e2e

READ_ONLY = "the endpoint is read-only: SPARQL Update is refused by policy (403)"
EXCEPTIONS: dict[str, str] = {
    "update_dataset_default_graph": READ_ONLY,
    "update_dataset_default_graphs": READ_ONLY,
    "update_dataset_named_graphs": READ_ONLY,
    "update_dataset_full": READ_ONLY,
    "update_post_form": READ_ONLY,
    "update_post_direct": READ_ONLY,
    "update_base_uri": READ_ONLY,
}
RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}
ONTOLOGY, DATA, INFERRED = (f"{MINI_BASE}graph/{name}" for name in ("ontology", "data", "inferred"))
# One triple held by each named graph alone (the inferred graph holds only what reasoning added).
IN_ONTOLOGY = f"<{MINI_BASE}ontology> a <http://www.w3.org/2002/07/owl#Ontology>"
IN_DATA = f"<{MINI_BASE}id/factory/alpha> <{MINI_BASE}ontology#hostCountry> <{MINI_BASE}id/country/aa>"
IN_INFERRED = f"<{MINI_BASE}id/factory/alpha> <{MINI_BASE}ontology#participatingCountry> <{MINI_BASE}id/country/aa>"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server on the mini fixture graph for the whole module."""
    live = start_server(mini_args(tmp_path_factory.mktemp("protocol-cache")), {})
    yield live
    stop_server(live)


def send(
    server: LiveServer, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, str, bytes]:
    """(status, media type, body) of one request sent as given: no header is added but Host and length."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media_type, response.read()
    finally:
        connection.close()


def boolean_of(media_type: str, body: bytes) -> bool:
    """The answer of an ASK query in SPARQL JSON or XML results."""
    if media_type.endswith("json"):
        return bool(json.loads(body)["boolean"])
    element = ElementTree.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None and element.text in {"true", "false"}, body[:200]
    return element.text == "true"


def run_manifest_request(server: LiveServer, request: HttpRequest) -> tuple[bool, str]:
    """Whether the answer is what the manifest expects, and what it was."""
    path = "/sparql" + request.path.removeprefix("/sparql/")  # "/sparql/?query=..." -> "/sparql?query=..."
    status, media_type, body = send(server, request.method, path, request.headers, request.body)
    seen = f"{status} {media_type} {body[:200]!r}"
    if f"{status // 100}xx" not in request.statuses:
        return False, seen
    if request.result_format is not None and media_type not in RESULT_TYPES[request.result_format]:
        return False, seen
    if request.boolean is not None and boolean_of(media_type, body) != request.boolean:
        return False, seen
    return True, seen


def _manifest_params() -> list[pytest.param]:  # type: ignore[valid-type]
    return [pytest.param(test, id=test.name) for test in protocol_tests() if not test.needs_data]


@pytest.mark.parametrize("test", _manifest_params())
def test_w3c_protocol_manifest(server: LiveServer, test: ProtocolTest) -> None:
    """A protocol test that needs no W3C data, run request by request as the manifest says."""
    outcomes = [run_manifest_request(server, request) for request in test.requests]
    passed = all(ok for ok, _ in outcomes)
    if test.name in EXCEPTIONS:
        assert not passed, f"listed exception now passes: remove {test.name} from EXCEPTIONS"
        status = outcomes[0][1].split()[0]
        assert status.startswith("4"), outcomes[0][1]
    else:
        assert passed, [seen for _, seen in outcomes]


def ask(
    server: LiveServer,
    query: str,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
    method: str = "POST",
) -> bool:
    """Run an ASK query with a protocol dataset: GET with every parameter in the URL, or POST the query
    directly with the dataset in the URL (as the W3C tests do)."""
    parameters = [("default-graph-uri", iri) for iri in default_graphs] + [
        ("named-graph-uri", iri) for iri in named_graphs
    ]
    headers = {"Accept": "application/sparql-results+json"}
    if method == "GET":
        path, body = "/sparql?" + urllib.parse.urlencode([("query", query), *parameters]), None
    else:
        path, body = "/sparql?" + urllib.parse.urlencode(parameters), query.encode()
        headers["Content-Type"] = "application/sparql-query"
    status, media_type, answer = send(server, method, path, headers, body)
    assert status == 200, answer[:300]
    return boolean_of(media_type, answer)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_default_graphs(server: LiveServer, method: str) -> None:
    """W3C query_dataset_default_graphs_get/_post: two default-graph-uri make the default graph their merge,
    and nothing else: not the third graph, and no named graphs at all."""
    graphs = (ONTOLOGY, DATA)
    assert ask(server, f"ASK {{ {IN_ONTOLOGY} . {IN_DATA} }}", graphs, method=method)
    assert not ask(server, f"ASK {{ {IN_INFERRED} }}", graphs, method=method)
    assert not ask(server, "ASK { GRAPH ?g { ?s ?p ?o } }", graphs, method=method)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_query_dataset_named_graphs(server: LiveServer, method: str) -> None:
    """W3C query_dataset_named_graphs_get/_post: named-graph-uri alone gives exactly those named graphs and an
    empty default graph."""
    graphs = (ONTOLOGY, DATA)
    assert ask(server, f"ASK {{ GRAPH ?g1 {{ {IN_ONTOLOGY} }} GRAPH ?g2 {{ {IN_DATA} }} }}", (), graphs, method)
    assert not ask(server, f"ASK {{ GRAPH ?g {{ {IN_INFERRED} }} }}", (), graphs, method)
    assert not ask(server, "ASK { ?s ?p ?o }", (), graphs, method)


def test_query_dataset_full(server: LiveServer) -> None:
    """W3C query_dataset_full: default-graph-uri and named-graph-uri together."""
    query = f"ASK {{ {IN_INFERRED} GRAPH ?g1 {{ {IN_ONTOLOGY} }} GRAPH ?g2 {{ {IN_DATA} }} }}"
    assert ask(server, query, (INFERRED,), (ONTOLOGY, DATA))
    assert not ask(server, f"ASK {{ {IN_DATA} }}", (INFERRED,), (ONTOLOGY, DATA))


def test_query_multiple_dataset(server: LiveServer) -> None:
    """W3C query_multiple_dataset: a dataset in the request replaces the query's FROM / FROM NAMED entirely."""
    query = f"ASK FROM <{INFERRED}> {{ GRAPH ?g1 {{ {IN_ONTOLOGY} }} GRAPH ?g2 {{ {IN_DATA} }} }}"
    assert ask(server, query, (), (ONTOLOGY, DATA))
    assert not ask(server, f"ASK FROM <{INFERRED}> {{ {IN_INFERRED} }}", (), (ONTOLOGY, DATA))
    assert not ask(server, f"ASK FROM NAMED <{INFERRED}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", (DATA,))
    assert ask(server, f"ASK FROM <{INFERRED}> {{ {IN_DATA} }}", (DATA,))


def test_query_dataset_from_the_query_alone(server: LiveServer) -> None:
    """Without a request dataset the query's FROM / FROM NAMED define it; without either, the default graph is
    the union of all graphs."""
    assert ask(server, f"ASK FROM <{INFERRED}> {{ {IN_INFERRED} }}")
    assert not ask(server, f"ASK FROM <{INFERRED}> {{ {IN_DATA} }}")
    assert not ask(server, f"ASK FROM NAMED <{DATA}> {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}")
    assert ask(server, f"ASK {{ {IN_ONTOLOGY} . {IN_DATA} . {IN_INFERRED} }}")


def test_relative_iris_resolve_against_the_endpoint(server: LiveServer) -> None:
    """W3C query_content_type_construct uses relative IRIs: the endpoint's URL is the base IRI."""
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/n-triples"}
    status, _, body = send(server, "POST", "/sparql", headers, b"CONSTRUCT { <s> <p> 1 } WHERE {}")
    assert status == 200, body[:300]
    graph = Graph().parse(data=body.decode(), format="nt")
    base = server.endpoint
    expected = (URIRef(urllib.parse.urljoin(base, "s")), URIRef(urllib.parse.urljoin(base, "p")), Literal(1))
    assert set(graph) == {expected}


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), id="direct-utf16"),
        pytest.param("application/sparql-query; charset=ISO-8859-1", b"ASK { ?s ?p '\xe9' }", id="direct-latin1"),
        pytest.param("application/sparql-query", b"ASK { ?s ?p '\xff' }", id="direct-invalid-utf8"),
        pytest.param(
            "application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20'%FF'%20%7D", id="form-invalid-utf8"
        ),
    ],
)
def test_query_body_must_be_utf8(server: LiveServer, content_type: str, body: bytes) -> None:
    """SPARQL queries travel as UTF-8 (W3C bad_query_non_utf8): another charset or invalid bytes are a 4xx,
    never decoded some other way or silently replaced."""
    status, _, answer = send(server, "POST", "/sparql", {"Content-Type": content_type}, body)
    assert 400 <= status < 500, (status, answer[:200])


def test_utf8_query_body_is_accepted(server: LiveServer) -> None:
    """The same query in UTF-8, with or without the charset parameter, runs."""
    for content_type in ("application/sparql-query", "application/sparql-query; charset=utf-8"):
        status, _, answer = send(
            server, "POST", "/sparql", {"Content-Type": content_type}, "ASK { FILTER('é' = 'é') }".encode()
        )
        assert status == 200 and b"true" in answer, answer[:200]


def test_manifest_is_loaded_and_exceptions_are_known() -> None:
    """The manifest gave query, dataset and bad-request tests, and every listed exception is one of them."""
    names = {test.name for test in protocol_tests()}
    assert len(names) > 30 and {"query_content_type_construct", "bad_query_non_utf8"} <= names
    assert {test.name for test in protocol_tests() if test.needs_data} == {
        "query_dataset_default_graphs_get",
        "query_dataset_default_graphs_post",
        "query_dataset_named_graphs_get",
        "query_dataset_named_graphs_post",
        "query_dataset_full",
        "query_multiple_dataset",
    }
    assert set(EXCEPTIONS) <= names
