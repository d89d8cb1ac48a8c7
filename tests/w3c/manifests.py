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
