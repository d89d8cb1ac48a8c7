"""The `reasonable` reasoner (Rust, OWL 2 RL), completed so that its filtered closure equals owlrl's.

reasonable 0.4.4 is several times faster than owlrl but lacks property chains and some schema rules, checks
nothing for consistency and retypes plain literals: this module adds the missing rules, redoes owlrl's
checks with owlrl's own datatype table and wording, and refuses vocabulary whose rules it cannot supply.
tests/test_reasoning.py compares the two closures on the real data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.XsdDatatypes import OWL_RL_Datatypes
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, XSD

from aifkg.reasoning import InconsistencyError, ReasonerError, Triple

Index = dict[object, dict[object, set[object]]]  # predicate -> subject -> objects


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


def complete_closure(graph: Graph) -> Graph:
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
