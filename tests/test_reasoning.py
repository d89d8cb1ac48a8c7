"""The closure keeps what is new and informative, and bounds owlrl's time."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from aifkg.reasoning import InconsistencyError, ReasoningTimeout, infer, infer_with_timeout, is_informative

EX = Namespace("https://example.org/t#")


def _graph(*triples: tuple[object, object, object]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


def test_inferred_holds_only_new_triples() -> None:
    """If the data asserts a triple the closure also holds, then the inferred graph does not repeat it."""
    ontology = _graph((EX.p, RDFS.subPropertyOf, EX.q))
    data = _graph((EX.a, EX.p, EX.b), (EX.a, EX.q, EX.b), (EX.c, EX.p, EX.d))
    inferred = infer(ontology, data).inferred
    assert (EX.c, EX.q, EX.d) in inferred
    assert (EX.a, EX.q, EX.b) not in inferred
    assert (EX.a, EX.p, EX.b) not in inferred


def test_noise_is_dropped() -> None:
    """If owlrl adds sameAs-self, owl:Thing types or vocabulary axioms, then none reaches the inferred graph."""
    ontology = _graph((EX.C, RDF.type, OWL.Class), (EX.p, RDF.type, OWL.ObjectProperty))
    data = _graph((EX.a, RDF.type, EX.C), (EX.a, EX.p, EX.b))
    closure = infer(ontology, data)
    assert closure.dropped > 0
    for subject, _predicate, obj in closure.inferred:
        assert subject != obj
        assert obj != OWL.Thing
        assert not isinstance(subject, Literal)
        assert not str(subject).startswith(str(OWL))


@pytest.mark.parametrize(
    ("triple", "expected"),
    [
        ((Literal("x"), RDF.type, RDFS.Literal), False),
        ((EX.a, OWL.sameAs, EX.a), False),
        ((EX.a, RDF.type, OWL.Thing), False),
        ((OWL.Thing, RDF.type, OWL.Class), False),
        ((EX.a, EX.p, BNode()), False),
        ((EX.a, EX.p, EX.b), True),
        ((EX.a, RDF.type, EX.C), True),
    ],
)
def test_is_informative(triple: tuple[object, object, object], expected: bool) -> None:
    assert is_informative(triple) is expected


def test_inconsistency_raises_with_message() -> None:
    """If an individual belongs to two disjoint classes, then reasoning raises and names the problem."""
    ontology = _graph((EX.A, OWL.disjointWith, EX.B))
    data = _graph((EX.x, RDF.type, EX.A), (EX.x, RDF.type, EX.B))
    with pytest.raises(InconsistencyError) as caught:
        infer(ontology, data)
    assert caught.value.messages
    assert "disjoint" in " ".join(caught.value.messages).lower()


def test_unknown_reasoner_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown reasoner"):
        infer(Graph(), Graph(), reasoner="nope")


def test_child_process_matches_in_process() -> None:
    """If reasoning runs in its own process, then it yields the same closure as in-process."""
    ontology = _graph((EX.p, OWL.inverseOf, EX.q), (EX.r, RDF.type, OWL.TransitiveProperty))
    data = _graph((EX.a, EX.p, EX.b), (EX.a, EX.r, EX.b), (EX.b, EX.r, EX.c))
    direct = set(infer(ontology, data).inferred)
    via_child = set(infer_with_timeout(ontology, data, "owlrl", 60).inferred)
    assert direct == via_child
    assert (EX.b, EX.q, EX.a) in direct and (EX.a, EX.r, EX.c) in direct


def test_reasoning_time_is_bounded() -> None:
    """If the closure runs past the bound (a long owl:sameAs chain), then it is stopped with ReasoningTimeout."""
    data = Graph()
    for i in range(150):
        data.add((URIRef(f"{EX}n{i}"), OWL.sameAs, URIRef(f"{EX}n{i + 1}")))
        data.add((URIRef(f"{EX}n{i}"), EX.p, Literal(i)))
    with pytest.raises(ReasoningTimeout):
        infer_with_timeout(Graph(), data, "owlrl", timeout=0.5)
