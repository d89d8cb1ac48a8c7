"""OWL 2 RL closure of ontology + data, kept apart from the asserted triples.

Reasoning never touches its inputs: it works on a copy and returns only what is new and worth keeping.
owlrl adds triples that are invalid RDF (literal subjects) or say nothing (`x owl:sameAs x`, every class a
subclass of itself and of owl:Thing, statements about the RDF/OWL vocabulary itself); those are filtered.
Reasoners are plugins behind one signature, chosen by name in the settings: owlrl is the default and the
reference; `reasonable` (Rust) is faster, completed in reasonable_closure.py so that its filtered closure
equals owlrl's.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

OWLRL_ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
BUILTIN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource}

Triple = tuple[object, object, object]
Reasoner = Callable[[Graph], Graph]
Index = dict[object, dict[object, set[object]]]  # predicate -> subject -> objects


class InconsistencyError(Exception):
    """The reasoner found the ontology and data contradictory; `messages` says where."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("inconsistent graph:\n" + "\n".join(messages))
        self.messages = messages


class ReasoningTimeout(Exception):
    """The closure took longer than the configured bound."""


class ReasonerError(Exception):
    """The chosen reasoner cannot work on this input (or is not installed); the message says why."""


@dataclass(frozen=True)
class Closure:
    """What reasoning added, and how much it threw away as noise."""

    inferred: Graph
    dropped: int


def is_informative(triple: Triple) -> bool:
    """True when an inferred triple is valid RDF and says something about our own terms or data."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal | BNode) or isinstance(obj, BNode) or not isinstance(predicate, URIRef):
        return False  # literal subjects are invalid RDF; blank-node triples restate ontology structure
    if subject == obj:
        return False  # `x owl:sameAs x`, `C rdfs:subClassOf C`, `a cooperatesWith a` from the chain: no news
    if predicate == RDF.type and obj in TRIVIAL_TYPES:
        return False
    if predicate == RDFS.subClassOf and (obj in TRIVIAL_TYPES or subject == OWL.Nothing):
        return False
    if predicate in (RDFS.domain, RDFS.range) and obj in TRIVIAL_TYPES:
        return False
    return not (isinstance(subject, URIRef) and str(subject).startswith(BUILTIN_NAMESPACES))


def owlrl_closure(graph: Graph) -> Graph:
    """Full OWL RL closure of `graph` (a copy is expanded; the argument is left as it was)."""
    work = Graph()
    for triple in graph:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    return work


def reasonable_closure(graph: Graph) -> Graph:
    """`reasonable`, completed to owlrl's closure (reasonable_closure.py), loaded only when it is chosen."""
    from aifkg.reasonable_closure import complete_closure

    return complete_closure(graph)


REASONERS: dict[str, Reasoner] = {"owlrl": owlrl_closure, "reasonable": reasonable_closure}


def register_reasoner(name: str, reasoner: Reasoner) -> None:
    """Make another closure function selectable by name (settings.reasoner)."""
    REASONERS[name] = reasoner


def _error_messages(closed: Graph) -> list[str]:
    return sorted(
        str(m)
        for node in closed.subjects(RDF.type, OWLRL_ERRORS.ErrorMessage)
        for m in closed.objects(node, OWLRL_ERRORS.error)
    )


def new_triples(closed: Graph, asserted: Iterable[Graph]) -> tuple[Graph, int]:
    """The informative triples of `closed` that none of the asserted graphs holds."""
    sources = list(asserted)
    inferred, dropped = Graph(), 0
    for triple in closed:
        if any(triple in source for source in sources):
            continue
        if is_informative(triple):
            inferred.add(triple)
        else:
            dropped += 1
    return inferred, dropped


def _reasoner(name: str) -> Reasoner:
    if name not in REASONERS:
        raise ValueError(f"unknown reasoner {name!r}; known: {', '.join(sorted(REASONERS))}")
    return REASONERS[name]


def infer(ontology: Graph, data: Graph, reasoner: str = "owlrl") -> Closure:
    """Closure of ontology + data with the named reasoner; raise InconsistencyError on a contradiction."""
    closure_of = _reasoner(reasoner)
    union = Graph()
    for source in (ontology, data):
        for triple in source:
            union.add(triple)
    closed = closure_of(union)
    errors = _error_messages(closed)
    if errors:
        raise InconsistencyError(errors)
    inferred, dropped = new_triples(closed, (ontology, data))
    return Closure(inferred=inferred, dropped=dropped)


def _child(ontology_nt: bytes, data_nt: bytes, reasoner: str, conn: object) -> None:
    ontology = Graph().parse(data=ontology_nt, format="nt")
    data = Graph().parse(data=data_nt, format="nt")
    try:
        closure = infer(ontology, data, reasoner)
        conn.send(("ok", closure.inferred.serialize(format="nt", encoding="utf-8"), closure.dropped))  # type: ignore[attr-defined]
    except InconsistencyError as error:
        conn.send(("inconsistent", error.messages, 0))  # type: ignore[attr-defined]
    except ReasonerError as error:  # a refused input, a missing package: the parent raises it with this text
        conn.send(("error", str(error), 0))  # type: ignore[attr-defined]
    except Exception as error:  # anything else, named, rather than a bare "the process died"
        conn.send(("error", f"{type(error).__name__}: {error}", 0))  # type: ignore[attr-defined]


def infer_with_timeout(ontology: Graph, data: Graph, reasoner: str, timeout: float) -> Closure:
    """Like `infer`, in a child process that is killed after `timeout` seconds (owlrl can run for minutes)."""
    _reasoner(reasoner)  # an unknown name fails here, with its message, not as a dead child process
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(
            ontology.serialize(format="nt", encoding="utf-8"),
            data.serialize(format="nt", encoding="utf-8"),
            reasoner,
            child_end,
        ),
        daemon=True,
    )
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(timeout):
            raise ReasoningTimeout(f"reasoning took longer than {timeout:g} s")
        try:
            status, payload, dropped = parent_end.recv()
        except EOFError as error:
            raise RuntimeError(f"the reasoner process died (exit code {process.exitcode})") from error
    finally:
        if process.is_alive():
            process.kill()
        process.join()
    if status == "inconsistent":
        raise InconsistencyError(payload)
    if status == "error":
        raise ReasonerError(payload)
    return Closure(inferred=Graph().parse(data=payload, format="nt"), dropped=dropped)
