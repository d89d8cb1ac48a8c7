"""Read the vendored W3C SPARQL manifests into plain test records (no server, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

W3C = Path(__file__).resolve().parent
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
POSITIVE = {MF.PositiveSyntaxTest, MF.PositiveSyntaxTest11}
NEGATIVE = {MF.NegativeSyntaxTest, MF.NegativeSyntaxTest11}
EVALUATION = {MF.QueryEvaluationTest}


@dataclass(frozen=True)
class QueryTest:
    """One W3C test that sends one query: its id (suite folder / test name), kind and query bytes."""

    id: str
    kind: str  # "positive", "negative" (syntax tests) or "evaluation"
    query: bytes


def _kind(types: set[Node]) -> str | None:
    if types & POSITIVE:
        return "positive"
    if types & NEGATIVE:
        return "negative"
    if types & EVALUATION:
        return "evaluation"
    return None


def _query_file(graph: Graph, test: Node) -> Path:
    action = graph.value(test, MF.action)
    target = action if isinstance(action, URIRef) else graph.value(action, QT.query)
    return Path(str(target).removeprefix("file://"))


def _manifest_tests(manifest: Path) -> list[QueryTest]:
    graph = Graph().parse(manifest, format="turtle")
    suite = f"{manifest.parent.parent.name}/{manifest.parent.name}"
    tests = []
    for entries in graph.objects(None, MF.entries):
        for test in Collection(graph, entries):
            kind = _kind(set(graph.objects(test, RDF.type)))
            if kind is None:
                continue
            name = str(test).rsplit("#", 1)[-1]
            tests.append(QueryTest(f"{suite}/{name}", kind, _query_file(graph, test).read_bytes()))
    return tests


@cache
def query_tests() -> tuple[QueryTest, ...]:
    """Every syntax and evaluation test of the vendored query suites, in manifest order."""
    manifests = sorted(W3C.glob("sparql1[01]/*/manifest.ttl"))
    found = [test for manifest in manifests if manifest.parent.name != "protocol" for test in _manifest_tests(manifest)]
    ids = [test.id for test in found]
    if len(ids) != len(set(ids)):
        raise ValueError("two W3C tests share one id")
    return tuple(found)


def queries_of_kind(kind: str) -> list[QueryTest]:
    return [test for test in query_tests() if test.kind == kind]


HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
PROTOCOL = W3C / "sparql11" / "protocol" / "manifest.ttl"


@dataclass(frozen=True)
class HttpRequest:
    """One request of a W3C protocol test and what its answer must be."""

    method: str
    path: str  # starts with /sparql/ in the manifest
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # status classes, "2xx", "3xx" or "4xx"
    result_format: str | None  # "boolean", "tabular" or "RDF"
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    """A W3C SPARQL Protocol test: its name, whether it needs the W3C data graphs, and its requests."""

    name: str
    needs_data: bool
    requests: tuple[HttpRequest, ...]


def _request(graph: Graph, node: Node) -> HttpRequest:
    headers = {}
    header_list = graph.value(node, HT.headers)
    for header in Collection(graph, header_list) if header_list is not None else []:
        headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    answer = graph.value(node, HT.resp)
    statuses = frozenset(str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(answer, MF.expectedStatus))
    result_format = graph.value(answer, MF.expectedFormat)
    boolean = graph.value(answer, MF.expectedBoolean)
    return HttpRequest(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        result_format=None if result_format is None else str(result_format),
        boolean=None if boolean is None else str(boolean) == "true",
    )


@cache
def protocol_tests() -> tuple[ProtocolTest, ...]:
    """The SPARQL 1.1 Protocol tests, in manifest order."""
    graph = Graph().parse(PROTOCOL, format="turtle")
    found = []
    for entries in graph.objects(None, MF.entries):
        for test in Collection(graph, entries):
            request_list = graph.value(graph.value(test, MF.action), HT.requests)
            assert request_list is not None, test
            requests = tuple(_request(graph, node) for node in Collection(graph, request_list))
            needs_data = graph.value(test, UT.graphData) is not None
            found.append(ProtocolTest(str(test).rsplit("#", 1)[-1], needs_data, requests))
    return tuple(found)
