"""OWL 2 RL closure of ontology + data, kept apart from the asserted triples.

Reasoning never touches its inputs: it works on a copy and returns only what is new. The inferred graph is
meant to be faithful: what owlrl concludes from the same ontology (ours with the reused vocabularies' axioms
under ontology/reused/) and data is in it, except triples that are provably noise (see `noise_reason`).
Inferred facts about blank nodes are kept too, with each blank node replaced by a stable skolem IRI
(`skolem_iri`), because a store or a dump cannot relate a blank node across graphs. owlrl is the one
reasoner: at this graph's size (about 8,000 triples) it needs seconds, and a bound (`infer_with_timeout`)
stops it where it would run for minutes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import _TripleCanonicalizer
from rdflib.namespace import OWL, RDF, RDFS, XSD

from aifkg.graph import union_of
from aifkg.namespace import BASE_IRI

OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
BUILTIN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
TOP_CLASSES = frozenset({OWL.Thing, RDFS.Resource})
SKOLEM_PATH = ".well-known/genid/"  # RDF 1.1 Concepts, section 3.5: skolem IRIs live under this path

Triple = tuple[object, object, object]


class InconsistencyError(Exception):
    """The reasoner found the ontology and data contradictory; `messages` says where."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("inconsistent graph:\n" + "\n".join(messages))
        self.messages = messages


class ReasoningTimeout(Exception):
    """The closure took longer than the configured bound."""


class ReasonerError(Exception):
    """The reasoner failed on this input for a reason other than an inconsistency; the message says why."""


@dataclass(frozen=True)
class Closure:
    """What reasoning added, and how many triples it threw away as noise."""

    inferred: Graph
    dropped: int


def is_builtin(term: object) -> bool:
    """True for a term of RDF, RDFS, OWL or XSD themselves: their meaning is fixed by the specifications."""
    return isinstance(term, URIRef) and str(term).startswith(BUILTIN_NAMESPACES)


def noise_reason(triple: Triple, equated: frozenset[object] = frozenset()) -> str | None:
    """Why an inferred triple is noise, or None when it must be kept.

    Noise is only what holds in every graph whatever its ontology and data, or what is not RDF at all:
    - a literal (or blank-node) predicate or a literal subject: owlrl derives `"x" rdf:type xsd:string` and
      the like, which RDF 1.1 cannot state (pyoxigraph refuses them);
    - `x owl:sameAs x` for a term `x` that is equated with no other term: rule eq-ref gives it for every
      subject, predicate and object (three per triple), so it tells a client nothing; where `x` is
      owl:sameAs another term (`equated`) the reflexive triple is kept, so a query over x's equivalence class
      finds x itself, as the OWL 2 RDF-Based Semantics says (W3C test sparqldl-13);
    - a statement about a built-in term (`owl:Thing a owl:Class`, `rdf:type rdfs:domain rdfs:Resource`,
      `owl:Nothing rdfs:subClassOf C`): the RDF/RDFS/OWL specifications fix it, the same for every graph;
    - that something is an owl:Thing or rdfs:Resource, or a class a subclass of them, or a property's
      domain or range one of them: a tautology about the built-in top classes (everything is in them),
      which says nothing about the subject.
    Everything else is kept, reflexive triples included: `C rdfs:subClassOf C` and `C owl:equivalentClass C`
    (scm-cls) relate our own terms, and SPARQL's entailment regimes answer with them (W3C tests rdfs05 and
    sparqldl-02 ask `?c rdfs:subClassOf :d` and expect :d itself); `x aif:cooperatesWith x` (prp-spo2) is
    what the property chain says of every partner.
    """
    subject, predicate, obj = triple
    if not isinstance(predicate, URIRef) or isinstance(subject, Literal):
        return "not RDF"
    if predicate == OWL.sameAs and subject == obj and subject not in equated:
        return "eq-ref"
    if is_builtin(subject):
        return "built-in"
    if obj in TOP_CLASSES and predicate in (RDF.type, RDFS.subClassOf, RDFS.domain, RDFS.range):
        return "top class"
    return None


def equated_terms(graph: Graph) -> frozenset[object]:
    """The terms `graph` says are owl:sameAs a different term: their reflexive owl:sameAs is kept."""
    return frozenset(term for s, o in graph.subject_objects(OWL.sameAs) if s != o for term in (s, o))


def skolem_labels(graph: Graph) -> dict[BNode, str]:
    """A label for each blank node of `graph` that depends only on the graph's shape, never on parsing.

    `new_triples` labels the asserted graph (every blank node of a closure comes from it), so a node's IRI
    changes only when the triples around that node change, not when unrelated data is added.
    rdflib's canonical labelling (the RGDA1 algorithm behind rdflib.compare.to_canonical_graph) gives
    isomorphic graphs the same labels, so rebuilding unchanged input yields the same skolem IRIs.
    """
    touching = Graph()
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            touching.add(triple)
    labels: dict[BNode, str] = {}
    for original, canonical in zip(touching, _TripleCanonicalizer(touching).canonical_triples(), strict=True):
        for before, after in zip(original, canonical, strict=True):
            if isinstance(before, BNode):
                labels[before] = hashlib.sha256(str(after).encode()).hexdigest()[:32]
    return labels


def skolem_iri(node: object, labels: dict[BNode, str], base_iri: str) -> object:
    """A blank node as its skolem IRI under `base_iri` (RDF 1.1 skolemization); any other term unchanged."""
    if isinstance(node, BNode):
        return URIRef(f"{base_iri}{SKOLEM_PATH}{labels[node]}")
    return node


def owlrl_closure(graph: Graph) -> Graph:
    """Full OWL RL closure of `graph` (a copy is expanded; the argument is left as it was)."""
    work = Graph()
    for triple in graph:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return work


def _error_messages(closed: Graph) -> list[str]:
    return sorted(
        str(m)
        for node in closed.subjects(RDF.type, OWLRL_ERRORS.ErrorMessage)
        for m in closed.objects(node, OWLRL_ERRORS.error)
    )


def new_triples(closed: Graph, asserted: Graph, base_iri: str) -> tuple[Graph, int]:
    """The triples of `closed` that `asserted` lacks, without noise, blank nodes skolemized; and the count dropped.

    Called only on a consistent closure: owlrl's error-message nodes exist only when `infer` raises.
    """
    equated = equated_terms(closed)
    labels = skolem_labels(asserted)
    if any(isinstance(term, BNode) and term not in labels for triple in closed for term in triple):
        labels = {**skolem_labels(closed), **labels}  # owlrl made a node of its own: label it too
    inferred, dropped = Graph(), 0
    for triple in closed:
        if triple in asserted:
            continue
        if noise_reason(triple, equated) is not None:
            dropped += 1
            continue
        inferred.add(tuple(skolem_iri(term, labels, base_iri) for term in triple))  # type: ignore[arg-type]
    return inferred, dropped


def infer(ontology: Graph, data: Graph, *, base_iri: str = BASE_IRI) -> Closure:
    """OWL RL closure of ontology + data; raise InconsistencyError on a contradiction."""
    union = union_of((ontology, data))
    closed = owlrl_closure(union)
    errors = _error_messages(closed)
    if errors:
        raise InconsistencyError(errors)
    inferred, dropped = new_triples(closed, union, base_iri)
    return Closure(inferred=inferred, dropped=dropped)


def _child(ontology_nt: bytes, data_nt: bytes, base_iri: str, conn: object) -> None:
    ontology = Graph().parse(data=ontology_nt, format="nt")
    data = Graph().parse(data=data_nt, format="nt")
    try:
        closure = infer(ontology, data, base_iri=base_iri)
        conn.send(("ok", closure.inferred.serialize(format="nt", encoding="utf-8"), closure.dropped))  # type: ignore[attr-defined]
    except InconsistencyError as error:
        conn.send(("inconsistent", error.messages, 0))  # type: ignore[attr-defined]
    except Exception as error:  # anything else, named, rather than a bare "the process died"
        conn.send(("error", f"{type(error).__name__}: {error}", 0))  # type: ignore[attr-defined]


def _as_ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def infer_with_timeout(ontology: Graph, data: Graph, timeout: float, base_iri: str = BASE_IRI) -> Closure:
    """Like `infer`, in a child process that is killed after `timeout` seconds (owlrl can run for minutes)."""
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(_as_ntriples(ontology), _as_ntriples(data), base_iri, child_end), daemon=True
    )
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(timeout):
            raise ReasoningTimeout(f"reasoning took longer than {timeout:g} s")
        try:
            status, payload, dropped = parent_end.recv()
        except EOFError as error:
            raise ReasonerError(f"the reasoner process died (exit code {process.exitcode})") from error
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    if status == "inconsistent":
        raise InconsistencyError(payload)
    if status == "error":
        raise ReasonerError(payload)
    return Closure(inferred=Graph().parse(data=payload, format="nt"), dropped=dropped)
