"""OWL 2 RL closure of ontology + data, kept apart from the asserted triples.

Reasoning never touches its inputs: it works on a copy and returns only what is new and worth keeping.
owlrl adds triples that are invalid RDF (literal subjects) or say nothing (`x owl:sameAs x`, every class a
subclass of itself and of owl:Thing, statements about the RDF/OWL vocabulary itself); those are filtered.
Reasoners are plugins behind one signature, chosen by name in the settings: owlrl is the default and the
reference; `reasonable` (Rust) is faster and is completed here so that its filtered closure equals owlrl's.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import owlrl
from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
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


# OWL terms whose OWL RL rules reasonable 0.4.4 skips and reasonable_closure does not add back (most can
# only detect an inconsistency, which reasonable never reports): a graph using one is refused, not given a
# closure that silently differs from owlrl's. Our ontology uses none of them (see its header).
REASONABLE_UNSUPPORTED = {
    OWL.disjointWith: "cax-dw",
    OWL.AllDisjointClasses: "cax-adc",
    OWL.complementOf: "cls-com",
    OWL.maxCardinality: "cls-maxc",
    OWL.maxQualifiedCardinality: "cls-maxqc",
    OWL.oneOf: "cls-oo",
    OWL.hasKey: "prp-key",
    OWL.IrreflexiveProperty: "prp-irp",
    OWL.AsymmetricProperty: "prp-asyp",
    OWL.propertyDisjointWith: "prp-pdw",
    OWL.AllDisjointProperties: "prp-adp",
    OWL.sourceIndividual: "prp-npa",
    OWL.differentFrom: "eq-diff1",
    OWL.AllDifferent: "eq-diff2",
}
SCHEMA_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    OWL.intersectionOf,
    OWL.unionOf,
    RDF.first,
    RDF.rest,
)
CHECKED_DATATYPES = frozenset(OWL_RL_Datatypes)


def reasonable_closure(graph: Graph) -> Graph:
    """OWL RL closure by `reasonable`, completed and normalised so that, filtered, it equals owlrl's.

    reasonable 0.4.4 lacks prp-spo2 (property chains) and the scm-* schema rules below, and checks nothing
    for consistency: the missing rules are added in Python and iterated with reasonable until neither adds
    a triple; owlrl's dt-not-type and cls-nothing2 checks are redone; vocabulary whose checks are missing is
    refused. It retypes plain literals as xsd:string, which is undone (RDF 1.1: one term; rdflib: two).
    Left as they are: it lower-cases language tags (rdflib compares them case-insensitively, our data is
    lower-case); it lacks scm-svf/avf/hv, subclass links between restrictions (blank nodes, filtered, unless
    a named class is declared equivalent to one; our ontology has no restrictions).
    """
    try:
        import reasonable  # lazy: only a build that picked this reasoner pays for loading it
    except ImportError as error:
        raise ReasonerError("the reasonable reasoner needs the package reasonable==0.4.4") from error
    _refuse_unsupported(graph)
    typed_strings = _typed_strings(graph)
    engine = reasonable.PyReasoner()
    engine.from_graph(graph)
    while True:
        closed = {_as_asserted(triple, typed_strings) for triple in engine.reason()}
        missing = (chain_consequences(closed) | schema_consequences(closed)) - closed
        if not missing:
            break
        engine.from_graph(list(missing))
    errors = ill_typed_literals(graph) + [
        f"{s} is defined of type 'Nothing'" for s, p, o in closed if _is_nothing(p, o)
    ]
    if errors:
        raise InconsistencyError(sorted(errors))
    result = Graph()
    for triple in closed:
        result.add(triple)  # type: ignore[arg-type]
    return result


def _refuse_unsupported(graph: Graph) -> None:
    """Raise ReasonerError when `graph` uses vocabulary whose rules reasonable skips (REASONABLE_UNSUPPORTED)."""
    used = set(graph.predicates(unique=True)) | set(graph.objects(None, RDF.type, unique=True))
    found = sorted(
        f"owl:{term.removeprefix(str(OWL))} ({rule})" for term, rule in REASONABLE_UNSUPPORTED.items() if term in used
    )
    if found:
        raise ReasonerError(f"reasonable 0.4.4 does not implement {', '.join(found)}; use the owlrl reasoner")


def _typed_strings(graph: Graph) -> set[Literal]:
    """The `"x"^^xsd:string` literals the input spells that way and never as plain `"x"`: they stay typed."""
    literals = {o for o in graph.objects() if isinstance(o, Literal)}
    return {lit for lit in literals if lit.datatype == XSD.string and Literal(str(lit)) not in literals}


def _as_asserted(triple: Triple, typed_strings: set[Literal]) -> Triple:
    """reasonable's `"x"^^xsd:string` back to the plain `"x"` we asserted; else rdflib holds both, twice."""
    subject, predicate, obj = triple
    if isinstance(obj, Literal) and obj.datatype == XSD.string and obj not in typed_strings:
        return subject, predicate, Literal(str(obj))
    return triple


def _is_nothing(predicate: object, obj: object) -> bool:
    return predicate == RDF.type and obj == OWL.Nothing


def _index(triples: Iterable[Triple], predicates: Collection[object]) -> Index:
    """Subjects to objects for each of `predicates`: the joins below look terms up instead of scanning."""
    index: Index = {predicate: defaultdict(set) for predicate in predicates}
    for subject, predicate, obj in triples:
        if predicate in index:
            index[predicate][subject].add(obj)
    return index


def _rdf_list(index: Index, head: object) -> list[object]:
    """The members of the RDF collection at `head` (empty when it is malformed or cyclic)."""
    members, seen = [], set()
    while head != RDF.nil:
        first, rest = index[RDF.first].get(head), index[RDF.rest].get(head)
        if head in seen or not first or not rest:
            return []
        seen.add(head)
        members.append(next(iter(first)))
        head = next(iter(rest))
    return members


def _transitive(relation: Mapping[object, set[object]]) -> dict[object, set[object]]:
    """Everything reachable from each node of `relation` in one step or more."""
    closure: dict[object, set[object]] = {}
    for start in list(relation):
        reached: set[object] = set()
        stack = list(relation[start])
        while stack:
            node = stack.pop()
            if node not in reached:
                reached.add(node)
                stack.extend(relation.get(node, ()))
        closure[start] = reached
    return closure


def chain_consequences(closed: set[Triple]) -> set[Triple]:
    """prp-spo2, which reasonable lacks: `p owl:propertyChainAxiom (p1 .. pn)` and x p1 y1 .. pn z give x p z."""
    lists = _index(closed, (OWL.propertyChainAxiom, RDF.first, RDF.rest))
    chains = [(p, _rdf_list(lists, head)) for p, heads in lists[OWL.propertyChainAxiom].items() for head in heads]
    links = _index(closed, {link for _, chain in chains for link in chain})
    found: set[Triple] = set()
    for prop, chain in chains:
        if not chain:
            continue
        pairs = {(x, y) for x, ys in links[chain[0]].items() for y in ys}
        for link in chain[1:]:
            pairs = {(x, z) for x, y in pairs for z in links[link].get(y, ())}
        found |= {(x, prop, z) for x, z in pairs}
    return found


def schema_consequences(closed: set[Triple]) -> set[Triple]:
    """The scm-* rules reasonable lacks and whose results survive is_informative.

    scm-spo (subPropertyOf is transitive), scm-dom1/2 and scm-rng1/2 (domains and ranges go up the class
    and down the property hierarchy), scm-eqc/eqp (equivalence is symmetric, equivalent properties are
    subproperties), scm-int and scm-uni (an intersection is below, a union above its members).
    """
    index = _index(closed, SCHEMA_PREDICATES)
    found: set[Triple] = set()
    for equivalence in (OWL.equivalentClass, OWL.equivalentProperty):
        found |= {(b, equivalence, a) for a, bs in index[equivalence].items() for b in bs}
    for a, bs in index[OWL.equivalentProperty].items():
        found |= {(a, RDFS.subPropertyOf, b) for b in bs} | {(b, RDFS.subPropertyOf, a) for b in bs}
    for cls, heads in index[OWL.intersectionOf].items():
        found |= {(cls, RDFS.subClassOf, member) for head in heads for member in _rdf_list(index, head)}
    for cls, heads in index[OWL.unionOf].items():
        found |= {(member, RDFS.subClassOf, cls) for head in heads for member in _rdf_list(index, head)}
    super_properties = _transitive(index[RDFS.subPropertyOf])
    super_classes = _transitive(index[RDFS.subClassOf])
    found |= {(p, RDFS.subPropertyOf, q) for p, qs in super_properties.items() for q in qs}
    for axiom in (RDFS.domain, RDFS.range):
        declared = index[axiom]
        for prop in set(declared) | set(super_properties):
            classes = set(declared.get(prop, ())).union(*(declared.get(q, ()) for q in super_properties.get(prop, ())))
            classes |= {sup for cls in classes for sup in super_classes.get(cls, ())}
            found |= {(prop, axiom, cls) for cls in classes}
    return found


def ill_typed_literals(graph: Graph) -> list[str]:
    """owlrl's dt-not-type, with its datatype table and wording: literals their datatype does not accept."""
    messages = []
    for literal in {o for o in graph.objects() if isinstance(o, Literal) and o.datatype in CHECKED_DATATYPES}:
        convert = AltXSDToPYTHON.get(literal.datatype)
        if convert is None:
            continue
        try:
            convert(str(literal))
        except ValueError:
            messages.append(
                f"Lexical value of the literal '{literal}' does not match its datatype ({literal.datatype})"
            )
    return messages


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
