"""The closure keeps what is new and informative, and bounds owlrl's time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from aifkg.build import Build, BuildError, run_build
from aifkg.config import Settings
from aifkg.graph import load_sources
from aifkg.reasoning import (
    InconsistencyError,
    ReasonerError,
    ReasoningTimeout,
    infer,
    infer_with_timeout,
    is_informative,
)
from tests.conftest import mini_settings

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


# ---- the `reasonable` reasoner: owlrl is the reference, reasonable must give the same filtered closure ----


def _chain(prop: URIRef, *links: URIRef) -> Graph:
    """`prop owl:propertyChainAxiom (links...)` as a graph."""
    graph, head = Graph(), BNode()
    Collection(graph, head, list(links))
    graph.add((prop, OWL.propertyChainAxiom, head))
    return graph


def _class_list(cls: URIRef, predicate: URIRef, *members: URIRef) -> Graph:
    graph, head = Graph(), BNode()
    Collection(graph, head, list(members))
    graph.add((cls, predicate, head))
    return graph


def _plain(triple: tuple[object, object, object]) -> tuple[object, object, object]:
    """RDF 1.1 literal equality: `"x"^^xsd:string` is the plain literal `"x"` (rdflib keeps them apart)."""
    subject, predicate, obj = triple
    if isinstance(obj, Literal) and obj.datatype == XSD.string:
        return subject, predicate, Literal(str(obj))
    return triple


def _differences(expected: set[tuple[object, ...]], actual: set[tuple[object, ...]], first: int = 10) -> str:
    missing = sorted(" ".join(t.n3() for t in triple) for triple in expected - actual)  # type: ignore[attr-defined]
    extra = sorted(" ".join(t.n3() for t in triple) for triple in actual - expected)  # type: ignore[attr-defined]
    return (
        f"{len(missing)} only from owlrl, {len(extra)} only from reasonable\n"
        + "\n".join(f"- {line}" for line in missing[:first])
        + "\n"
        + "\n".join(f"+ {line}" for line in extra[:first])
    )


@pytest.mark.slow
def test_reasonable_closure_equals_owlrl_on_the_real_data() -> None:
    """If ontology/ and data/ are reasoned by both, then the filtered inferred graphs hold the same triples."""
    settings = Settings()
    sources = load_sources(settings.ontology_dir, settings.data_dir, settings.shapes_dir)
    expected = {_plain(t) for t in infer(sources.ontology, sources.data, "owlrl").inferred}
    actual = {_plain(t) for t in infer(sources.ontology, sources.data, "reasonable").inferred}
    assert expected, "owlrl inferred nothing: the comparison would be vacuous"
    assert actual == expected, _differences(expected, actual)


def test_prp_spo2_chain_with_reasonable() -> None:
    """If p is the chain (partnerIn partner) and symmetric, then reasonable gives a p b and b p a."""
    ontology = _chain(EX.cooperatesWith, EX.partnerIn, EX.partner)
    ontology.add((EX.cooperatesWith, RDF.type, OWL.SymmetricProperty))
    ontology.add((EX.partner, OWL.inverseOf, EX.partnerIn))
    data = _graph((EX.a, EX.partnerIn, EX.deal), (EX.deal, EX.partner, EX.b))
    inferred = infer(ontology, data, "reasonable").inferred
    assert (EX.a, EX.cooperatesWith, EX.b) in inferred
    assert (EX.b, EX.cooperatesWith, EX.a) in inferred


def test_reasonable_keeps_plain_literals_plain() -> None:
    """If a plain literal is copied by a subproperty, then it stays plain and the asserted one is not repeated."""
    ontology = _graph((EX.p, RDFS.subPropertyOf, EX.q))
    typed = Literal("y", datatype=XSD.string)
    data = _graph((EX.a, EX.p, Literal("x")), (EX.a, EX.r, typed))
    inferred = infer(ontology, data, "reasonable").inferred
    assert (EX.a, EX.q, Literal("x")) in inferred
    assert (EX.a, EX.q, Literal("x", datatype=XSD.string)) not in inferred
    assert set(inferred) == {(EX.a, EX.q, Literal("x"))}  # neither asserted literal comes back retyped


def test_reasonable_keeps_literals_asserted_as_xsd_string() -> None:
    """If the data spells a literal "y"^^xsd:string, then reasonable's inferred copy is spelled the same."""
    ontology = _graph((EX.p, RDFS.subPropertyOf, EX.q))
    typed = Literal("y", datatype=XSD.string)
    data = _graph((EX.a, EX.p, typed))
    assert set(infer(ontology, data, "reasonable").inferred) == {(EX.a, EX.q, typed)}


# The OWL RL rules reasonable 0.4.4 lacks, each with a minimal (ontology, data) that needs it; built in the
# test, not at import.
RULES_REASONABLE_LACKS: dict[str, Callable[[], tuple[Graph, Graph]]] = {
    "prp-spo2": lambda: (
        _chain(EX.p, EX.p1, EX.p2, EX.p3),
        _graph((EX.a, EX.p1, EX.b), (EX.b, EX.p2, EX.c), (EX.c, EX.p3, EX.d)),
    ),
    "scm-spo": lambda: (_graph((EX.p, RDFS.subPropertyOf, EX.q), (EX.q, RDFS.subPropertyOf, EX.r)), Graph()),
    "scm-dom1": lambda: (_graph((EX.p, RDFS.domain, EX.A), (EX.A, RDFS.subClassOf, EX.B)), Graph()),
    "scm-dom2": lambda: (_graph((EX.p, RDFS.domain, EX.A), (EX.q, RDFS.subPropertyOf, EX.p)), Graph()),
    "scm-rng1": lambda: (_graph((EX.p, RDFS.range, EX.A), (EX.A, RDFS.subClassOf, EX.B)), Graph()),
    "scm-rng2": lambda: (_graph((EX.p, RDFS.range, EX.A), (EX.q, RDFS.subPropertyOf, EX.p)), Graph()),
    "scm-eqc": lambda: (_graph((EX.A, OWL.equivalentClass, EX.B)), _graph((EX.x, RDF.type, EX.A))),
    "scm-eqp": lambda: (_graph((EX.p, OWL.equivalentProperty, EX.q)), _graph((EX.a, EX.p, EX.b))),
    "scm-int": lambda: (_class_list(EX.C, OWL.intersectionOf, EX.A, EX.B), _graph((EX.x, RDF.type, EX.C))),
    "scm-uni": lambda: (_class_list(EX.C, OWL.unionOf, EX.A, EX.B), _graph((EX.x, RDF.type, EX.A))),
}


@pytest.mark.parametrize("rule", sorted(RULES_REASONABLE_LACKS))
def test_reasonable_is_completed_where_it_lacks_a_rule(rule: str) -> None:
    """If a graph needs an OWL RL rule reasonable 0.4.4 lacks, then the completed closure still equals owlrl's."""
    ontology, data = RULES_REASONABLE_LACKS[rule]()
    expected = set(infer(ontology, data, "owlrl").inferred)
    actual = set(infer(ontology, data, "reasonable").inferred)
    assert expected, f"{rule}: owlrl inferred nothing, the case tests nothing"
    assert actual == expected, _differences(expected, actual)


@pytest.mark.parametrize(
    ("predicate", "lexical", "datatype"),
    [
        (EX.p, "abc", XSD.integer),  # dt-not-type
        (EX.p, "2024-13-45", XSD.date),  # dt-not-type
        (RDF.type, None, OWL.Nothing),  # cls-nothing2
    ],
    ids=["integer", "date", "nothing"],
)
def test_reasonable_reports_owlrls_inconsistencies(predicate: URIRef, lexical: str | None, datatype: URIRef) -> None:
    """If owlrl finds the data inconsistent, then reasonable raises with the same messages."""
    value = datatype if lexical is None else Literal(lexical, datatype=datatype)
    data = _graph((EX.a, predicate, value))
    with pytest.raises(InconsistencyError) as by_owlrl:
        infer(Graph(), data, "owlrl")
    with pytest.raises(InconsistencyError) as by_reasonable:
        infer(Graph(), data, "reasonable")
    assert by_reasonable.value.messages == by_owlrl.value.messages


def test_reasonable_refuses_axioms_it_cannot_check() -> None:
    """If the ontology uses owl:disjointWith (never checked by reasonable), then it refuses, in the child too."""
    ontology = _graph((EX.A, OWL.disjointWith, EX.B))
    data = _graph((EX.x, RDF.type, EX.A), (EX.x, RDF.type, EX.B))
    with pytest.raises(ReasonerError, match=r"owl:disjointWith \(cax-dw\).*use the owlrl reasoner"):
        infer(ontology, data, "reasonable")
    with pytest.raises(ReasonerError, match=r"owl:disjointWith \(cax-dw\)"):
        infer_with_timeout(ontology, data, "reasonable", 60)


def _inferred_quads(build: Build, graph_iri: str) -> set[str]:
    quads = ox.parse(path=build.dataset_path, format=ox.RdfFormat.N_QUADS)
    return {f"{q.subject} {q.predicate} {q.object}" for q in quads if q.graph_name == ox.NamedNode(graph_iri)}


def test_build_with_reasonable_equals_the_owlrl_build(tmp_path: Path, build: Build, settings: Settings) -> None:
    """If settings pick reasonable, then the mini fixture builds and its inferred graph equals owlrl's build."""
    with_reasonable = run_build(mini_settings(tmp_path, reasoner="reasonable"))
    expected = _inferred_quads(build, settings.graph_iri("inferred"))
    assert expected
    assert _inferred_quads(with_reasonable, settings.graph_iri("inferred")) == expected
    assert with_reasonable.key != build.key  # the reasoner is part of the cache key


def test_unknown_reasoner_fails_the_build_by_name(tmp_path: Path) -> None:
    """If settings name a reasoner that does not exist, then the build fails saying which ones do."""
    with pytest.raises(BuildError, match=r"unknown reasoner 'nope'; known: owlrl, reasonable"):
        run_build(mini_settings(tmp_path, reasoner="nope"))
