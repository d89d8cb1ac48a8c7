"""The closure keeps every entailment except provable noise, skolemizes blank nodes, and bounds owlrl's time.

The entailments the graph relies on each have a test named after the OWL 2 RL rule that gives them (OWL 2
Profiles, section 4.3), run on the real ontology (ours and the reused vocabularies' axioms in
ontology/reused/) with a minimal data graph.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, OWL, RDF, RDFS, SKOS

from aifkg.build import run_build
from aifkg.config import Settings
from aifkg.graph import parse_files, rdf_files
from aifkg.namespace import AIF, ID_BASE
from aifkg.reasoning import (
    SKOLEM_PATH,
    InconsistencyError,
    ReasoningTimeout,
    infer,
    infer_with_timeout,
    noise_reason,
)

EX = Namespace("https://example.org/t#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
ID = Namespace(ID_BASE)
PROJECT = Path(__file__).resolve().parents[1]
BASE = "https://example.org/kg/"


def _graph(*triples: tuple[object, object, object]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return graph


# ---- what the filter keeps and drops ----


def test_inferred_holds_only_new_triples() -> None:
    """If the data asserts a triple the closure also holds, then the inferred graph does not repeat it."""
    ontology = _graph((EX.p, RDFS.subPropertyOf, EX.q))
    data = _graph((EX.a, EX.p, EX.b), (EX.a, EX.q, EX.b), (EX.c, EX.p, EX.d))
    inferred = infer(ontology, data).inferred
    assert (EX.c, EX.q, EX.d) in inferred
    assert (EX.a, EX.q, EX.b) not in inferred
    assert (EX.a, EX.p, EX.b) not in inferred


@pytest.mark.parametrize(
    ("triple", "reason"),
    [
        ((Literal("x"), RDF.type, RDFS.Literal), "not RDF"),
        ((EX.a, OWL.sameAs, EX.a), "eq-ref"),
        ((OWL.Thing, RDF.type, OWL.Class), "built-in"),
        ((RDF.type, RDFS.domain, RDFS.Resource), "built-in"),
        ((EX.a, RDF.type, OWL.Thing), "top class"),
        ((EX.C, RDFS.subClassOf, OWL.Thing), "top class"),
        ((EX.p, RDFS.range, RDFS.Resource), "top class"),
        ((EX.a, EX.p, EX.b), None),
        ((EX.a, RDF.type, EX.C), None),
        ((EX.a, EX.p, EX.a), None),  # a reflexive entailment is news
        ((EX.C, RDFS.subClassOf, EX.C), None),
        ((EX.p, RDFS.subPropertyOf, EX.p), None),
        ((EX.a, EX.p, BNode("b1")), None),  # kept, then skolemized
        ((EX.a, RDF.type, OWL.Class), None),  # a built-in object says something about our term
    ],
)
def test_noise_reason(triple: tuple[object, object, object], reason: str | None) -> None:
    assert noise_reason(triple) == reason


def test_reflexive_same_as_is_kept_for_equated_terms() -> None:
    """If a is owl:sameAs b, then `a owl:sameAs a` stays (a's equivalence class includes a); else it goes."""
    equated = frozenset({EX.a, EX.b})
    assert noise_reason((EX.a, OWL.sameAs, EX.a), equated) is None
    assert noise_reason((EX.c, OWL.sameAs, EX.c), equated) == "eq-ref"
    inferred = infer(Graph(), _graph((EX.a, OWL.sameAs, EX.b), (EX.a, EX.p, EX.c))).inferred
    assert (EX.a, OWL.sameAs, EX.a) in inferred and (EX.b, OWL.sameAs, EX.b) in inferred
    assert (EX.c, OWL.sameAs, EX.c) not in inferred and (EX.p, OWL.sameAs, EX.p) not in inferred


def test_noise_is_counted_and_never_stored() -> None:
    """If owlrl adds sameAs-self, owl:Thing types or vocabulary axioms, then none reaches the inferred graph."""
    ontology = _graph((EX.C, RDF.type, OWL.Class), (EX.p, RDF.type, OWL.ObjectProperty))
    data = _graph((EX.a, RDF.type, EX.C), (EX.a, EX.p, EX.b))
    closure = infer(ontology, data)
    assert closure.dropped > 0
    assert all(noise_reason(triple) is None for triple in closure.inferred)


def test_nothing_but_noise_is_dropped() -> None:
    """If plain owlrl closes the same graph, then every triple it adds is in the inferred graph or is noise."""
    ontology = _graph(
        (EX.A, RDF.type, OWL.Class),
        (EX.A, RDFS.subClassOf, EX.B),
        (EX.p, OWL.inverseOf, EX.q),
        (EX.r, RDF.type, OWL.SymmetricProperty),
    )
    data = _graph((EX.a, RDF.type, EX.A), (EX.a, EX.p, EX.b), (EX.a, EX.r, EX.a), (EX.a, OWL.sameAs, EX.c))
    union = ontology + data
    plain = Graph()
    for triple in union:
        plain.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(plain)
    closure = infer(ontology, data)
    equated = frozenset({EX.a, EX.c})
    missing = [t for t in plain if t not in union and t not in closure.inferred and noise_reason(t, equated) is None]
    assert not missing
    assert (EX.A, RDFS.subClassOf, EX.A) in closure.inferred  # scm-cls, reflexive, kept


# ---- blank nodes: skolemized, not dropped ----

BLANK_DATA = """
@prefix ex: <https://example.org/t#> .
_:x a ex:A ; ex:p [ a ex:A ] .
"""


def test_facts_about_blank_nodes_are_skolemized() -> None:
    """If the data types a blank node by a subclass, then the inferred type is about a skolem IRI."""
    ontology = _graph((EX.A, RDFS.subClassOf, EX.B))
    inferred = infer(ontology, Graph().parse(data=BLANK_DATA, format="turtle"), base_iri=BASE).inferred
    typed = sorted(str(s) for s in inferred.subjects(RDF.type, EX.B))
    assert len(typed) == 2, typed
    assert all(iri.startswith(BASE + SKOLEM_PATH) for iri in typed)
    assert not any(isinstance(term, BNode) for triple in inferred for term in triple)


def test_skolem_iris_are_stable_across_parses() -> None:
    """If the same Turtle is parsed twice (new blank node ids each time), then the skolem IRIs are the same."""
    ontology = _graph((EX.A, RDFS.subClassOf, EX.B))

    def skolems() -> set[str]:
        data = Graph().parse(data=BLANK_DATA, format="turtle")
        return {str(s) for s in infer(ontology, data, base_iri=BASE).inferred.subjects(RDF.type, EX.B)}

    assert skolems() == skolems()


def test_skolem_iris_do_not_move_when_unrelated_data_is_added() -> None:
    """If a second member of a class expression is added, then the expression's skolem IRI stays the same."""
    ontology = Graph().parse(
        data="""
        @prefix ex: <https://example.org/t#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:C owl:equivalentClass [ owl:intersectionOf ( ex:A ex:B ) ] .
        """,
        format="turtle",
    )

    def expressions(*members: URIRef) -> set[object]:
        data = _graph(*((member, RDF.type, EX.C) for member in members))
        return set(infer(ontology, data, base_iri=BASE).inferred.objects(EX.a, RDF.type)) - {EX.A, EX.B, EX.C}

    alone = expressions(EX.a)
    assert len(alone) == 1 and str(next(iter(alone))).startswith(BASE + SKOLEM_PATH)
    assert expressions(EX.a, EX.b) == alone


# ---- consistency and bounds ----


def test_inconsistency_raises_with_message() -> None:
    """If an individual belongs to two disjoint classes, then reasoning raises and names the problem."""
    ontology = _graph((EX.A, OWL.disjointWith, EX.B))
    data = _graph((EX.x, RDF.type, EX.A), (EX.x, RDF.type, EX.B))
    with pytest.raises(InconsistencyError) as caught:
        infer(ontology, data)
    assert caught.value.messages
    assert "disjoint" in " ".join(caught.value.messages).lower()


def test_child_process_matches_in_process() -> None:
    """If reasoning runs in its own process, then it yields the same closure as in-process."""
    ontology = _graph((EX.p, OWL.inverseOf, EX.q), (EX.r, RDF.type, OWL.TransitiveProperty))
    data = Graph().parse(data=BLANK_DATA, format="turtle")
    data.add((EX.a, EX.p, EX.b))
    data.add((EX.a, EX.r, EX.b))
    data.add((EX.b, EX.r, EX.c))
    direct = set(infer(ontology, data, base_iri=BASE).inferred)
    via_child = set(infer_with_timeout(ontology, data, 60, base_iri=BASE).inferred)
    assert direct == via_child
    assert (EX.b, EX.q, EX.a) in direct and (EX.a, EX.r, EX.c) in direct


def test_reasoning_time_is_bounded() -> None:
    """If the closure runs past the bound (a long owl:sameAs chain), then it is stopped with ReasoningTimeout."""
    data = Graph()
    for i in range(150):
        data.add((URIRef(f"{EX}n{i}"), OWL.sameAs, URIRef(f"{EX}n{i + 1}")))
        data.add((URIRef(f"{EX}n{i}"), EX.p, Literal(i)))
    with pytest.raises(ReasoningTimeout):
        infer_with_timeout(Graph(), data, timeout=0.5)


# ---- the entailments aifkg relies on, one per OWL 2 RL rule, on the real ontology ----

LITAI, PL_SITE, DEAL = ID["factory/litai"], ID["factory/pl"], ID["partnership/litai-pl"]
ANTENNA, HOST, SYSTEM = ID["antenna/be"], ID["organisation/host"], ID["system/big"]
CITY, COUNTRY, PARENT = ID["city/vilnius"], ID["country/lt"], ID["organisation/parent"]
HEALTH, MEDICINE = ID["concept/health"], ID["concept/medicine"]
MEMBER = ID["organisation/member"]


@cache
def real_ontology() -> Graph:
    """ontology/ as the build loads it: aifactories.ttl and the reused vocabularies' axioms."""
    return parse_files(rdf_files(PROJECT / "ontology"))


@cache
def entailed() -> Graph:
    """The inferred graph of the real ontology with one small example of every pattern the data uses."""
    data = _graph(
        (LITAI, RDF.type, AIF.AIFactory),
        (LITAI, AIF.hostingEntity, HOST),
        (LITAI, ORG.hasMember, MEMBER),
        (LITAI, AIF.buildsSystem, SYSTEM),
        (LITAI, AIF.hostCountry, COUNTRY),
        (LITAI, AIF.partnerIn, DEAL),
        (DEAL, AIF.partner, PL_SITE),
        (ANTENNA, AIF.linkedFactory, LITAI),
        (HOST, AIF.locatedIn, CITY),
        (CITY, AIF.locatedIn, COUNTRY),
        (HOST, ORG.subOrganizationOf, PARENT),
        (MEDICINE, SKOS.broader, HEALTH),
        (CITY, RDF.type, SCHEMA.City),
    )
    return infer(real_ontology(), data).inferred


def test_prp_spo1_hosting_entity_is_a_member() -> None:
    """If X is the hosting entity of F, then X is a member of F (aif:hostingEntity ⊑ org:hasMember)."""
    assert (LITAI, ORG.hasMember, HOST) in entailed()
    assert (LITAI, AIF.participatingCountry, COUNTRY) in entailed()
    assert (LITAI, AIF.hostSystem, SYSTEM) in entailed()


def test_prp_inv_member_of_and_serves_factory() -> None:
    """If F has member X and host system S, then X is memberOf F and S servesFactory F (owl:inverseOf)."""
    assert (HOST, ORG.memberOf, LITAI) in entailed()
    assert (SYSTEM, AIF.servesFactory, LITAI) in entailed()
    assert (MEDICINE, SKOS.broader, HEALTH) not in entailed()  # asserted, so not repeated
    assert (HEALTH, SKOS.narrower, MEDICINE) in entailed()


def test_prp_symp_cooperation_is_symmetric() -> None:
    """If an antenna is linked to F (aif:linkedFactory ⊑ aif:cooperatesWith), then F cooperates with it too."""
    assert (ANTENNA, AIF.cooperatesWith, LITAI) in entailed()
    assert (LITAI, AIF.cooperatesWith, ANTENNA) in entailed()


def test_prp_spo2_partners_cooperate_and_each_with_itself() -> None:
    """If A and B are partners in one partnership, then A cooperates with B, B with A, and each with itself.

    The chain partnerIn/partner reaches every partner of the partnership, the party itself included: the
    reflexive `x aif:cooperatesWith x` is an entailment, kept; "who else cooperates with X" filters X out.
    """
    assert (LITAI, AIF.cooperatesWith, PL_SITE) in entailed()
    assert (PL_SITE, AIF.cooperatesWith, LITAI) in entailed()
    assert (LITAI, AIF.cooperatesWith, LITAI) in entailed()


def test_prp_trp_located_in_and_broader_transitive() -> None:
    """If X is in a city in a country, then X is in the country; skos:broaderTransitive closes likewise."""
    assert (HOST, AIF.locatedIn, COUNTRY) in entailed()
    assert (MEDICINE, SKOS.broaderTransitive, HEALTH) in entailed()
    assert (HOST, ORG.transitiveSubOrganizationOf, PARENT) in entailed()


def test_cax_sco_factories_are_organisations() -> None:
    """If F is an AI Factory, then it is an org:OrganizationalCollaboration, hence (ORG) an org:Organization."""
    for cls in (ORG.OrganizationalCollaboration, ORG.Organization, FOAF.Agent):
        assert (LITAI, RDF.type, cls) in entailed(), cls
    assert (CITY, RDF.type, SCHEMA.Place) in entailed()


def test_cax_eqc_org_organization_is_foaf_organization() -> None:
    """If X is an org:Organization, then it is a foaf:Organization (ORG's owl:equivalentClass)."""
    assert (LITAI, RDF.type, FOAF.Organization) in entailed()


def test_cls_int2_and_cls_avf_members_of_a_collaboration_are_organisations() -> None:
    """If X is a member of an AI Factory, then X is an org:Organization (ORG: a collaboration's members are).

    Nothing else types a plain member so: org:hasMember's range is only foaf:Agent.
    """
    assert (MEMBER, RDF.type, ORG.Organization) in entailed()


def test_prp_eqp1_org_membership_is_foaf_membership() -> None:
    """If F has member X, then F foaf:member X (ORG: org:hasMember owl:equivalentProperty foaf:member)."""
    assert (LITAI, FOAF.member, HOST) in entailed()


def test_prp_dom_and_prp_rng_of_org_membership() -> None:
    """If F has member X, then F is an org:Organization (domain) and X a foaf:Agent (range)."""
    assert (HOST, RDF.type, FOAF.Agent) in entailed()
    assert (PARENT, RDF.type, ORG.Organization) in entailed()  # org:subOrganizationOf's range
    assert (SYSTEM, RDF.type, AIF.ComputingSystem) in entailed()  # aif:hostSystem's range
    assert (MEDICINE, RDF.type, SKOS.Concept) in entailed()  # skos:semanticRelation's domain


def test_scm_cls_classes_are_their_own_subclasses() -> None:
    """If C is a class of ours, then `C rdfs:subClassOf C` is in the inferred graph (entailed, not noise)."""
    assert (AIF.AIFactory, RDFS.subClassOf, AIF.AIFactory) in entailed()
    assert (AIF.AIFactory, RDFS.subClassOf, ORG.Organization) in entailed()  # scm-sco


# ---- faithful: a client that loads the reused vocabularies beside the dumps sees the same ----


def _types_and_memberships(graph: Graph) -> set[tuple[object, object, object]]:
    """rdf:type statements about IRIs (not the top classes) and org:hasMember/org:memberOf statements."""
    return {
        (s, p, o)
        for s, p, o in graph
        if isinstance(s, URIRef)
        and isinstance(o, URIRef)
        and ((p == RDF.type and noise_reason((s, p, o)) is None) or p in (ORG.hasMember, ORG.memberOf))
    }


@pytest.mark.slow
def test_a_client_loading_the_vocabularies_beside_the_dumps_sees_the_same(tmp_path: Path) -> None:
    """If owlrl closes the N-Triples dump plus ORG/SKOS/schema.org axioms, then it finds no class or membership
    that the build's graph lacks, and the build's inferred graph holds none that owlrl does not find."""
    build = run_build(Settings(cache_dir=tmp_path))
    dump = Graph().parse(build.dump_path("aifkg.nt"), format="nt")
    beside = parse_files(sorted((PROJECT / "ontology" / "reused").glob("*.ttl")))
    closed = dump + beside
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    client = _types_and_memberships(closed)
    served = _types_and_memberships(dump)
    assert any(p == RDF.type and o == ORG.Organization and (s, RDF.type, AIF.AIFactory) in dump for s, p, o in served)
    assert not client - served, sorted(client - served)[:10]
    inferred_graph = ox.NamedNode(Settings().graph_iri("inferred"))
    inferred = Graph()
    for quad in ox.parse(path=build.dataset_path, format=ox.RdfFormat.N_QUADS):
        if quad.graph_name == inferred_graph:
            inferred.add((URIRef(quad.subject.value), URIRef(quad.predicate.value), _rdflib_term(quad.object)))
    assert _types_and_memberships(inferred) <= client


def _rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))
    return BNode(str(term))
