"""The ontology: it parses, its metadata is complete, the contract's axioms are there, and OWL RL reasoning
gives exactly the entailments the competency questions rely on.

Reasoning tests are named after the OWL 2 RL rule that fires (prp-spo1, prp-inv, prp-symp, prp-spo2, prp-trp,
cax-sco, prp-dom, prp-rng); each states If/then in its docstring and runs owlrl on the ontology plus a
minimal graph, on a copy.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

from aifkg.namespace import AIF, ID_BASE, ONTOLOGY_IRI
from aifkg.validation import validate_graph

PROJECT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = PROJECT / "ontology" / "aifactories.ttl"
META_SHAPES_FILE = PROJECT / "shapes" / "meta-shapes.ttl"

ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
ID = Namespace(ID_BASE)

# The datatypes OWL 2 RL supports (OWL 2 Profiles, section 4.2): only these may be an rdfs:range.
OWL2_RL_DATATYPES = {RDF.PlainLiteral, RDF.XMLLiteral, RDFS.Literal} | {
    XSD[name]
    for name in [
        "decimal",
        "integer",
        "nonNegativeInteger",
        "nonPositiveInteger",
        "positiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "double",
        "float",
        "string",
        "normalizedString",
        "token",
        "language",
        "Name",
        "NCName",
        "NMTOKEN",
        "boolean",
        "hexBinary",
        "base64Binary",
        "anyURI",
        "dateTime",
        "dateTimeStamp",
    ]
}

DATA_PREFIXES = """
@prefix aif: <https://w3id.org/aifactories/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/aifactories/id/> .
"""


def short(node: object) -> str:
    """The local name of an IRI, for readable test ids."""
    return re.split(r"[#/]", str(node).rstrip("/"))[-1]


@cache
def ontology() -> Graph:
    """The ontology as parsed once; tests copy it before adding anything."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def closure(data: str) -> Graph:
    """OWL RL closure of the ontology plus `data` (Turtle without prefixes), computed on a copy."""
    graph = Graph()
    for triple in ontology():
        graph.add(triple)
    graph.parse(data=DATA_PREFIXES + data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def aif_terms() -> set[URIRef]:
    """The aif: IRIs the ontology declares (gives a type to)."""
    return {s for s in ontology().subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(AIF))}


# ---- parsing and metadata ----


def test_ontology_parses_and_declares_terms() -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology()
    assert len(aif_terms()) > 40


@pytest.mark.parametrize(
    ("predicate", "value"),
    [
        (OWL.versionIRI, URIRef("https://w3id.org/aifactories/ontology/0.1.0")),
        (OWL.versionInfo, Literal("0.1.0")),
        (DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
        (DCTERMS.creator, Literal("aifkg contributors")),
        (DCTERMS.modified, Literal("2026-11-29", datatype=XSD.date)),
        (VANN.preferredNamespacePrefix, Literal("aif")),
        (VANN.preferredNamespaceUri, Literal(str(AIF))),
    ],
    ids=short,
)
def test_ontology_metadata(predicate: URIRef, value: URIRef | Literal) -> None:
    assert (ONTOLOGY_IRI, predicate, value) in ontology()


@pytest.mark.parametrize("language", ["en", "de"])
def test_ontology_title_in_language(language: str) -> None:
    titles = [t for t in ontology().objects(ONTOLOGY_IRI, DCTERMS.title) if getattr(t, "language", None) == language]
    assert len(titles) == 1


def test_ontology_has_description() -> None:
    assert ontology().value(ONTOLOGY_IRI, DCTERMS.description) is not None


def test_version_iri_ends_with_version_info() -> None:
    version_iri = ontology().value(ONTOLOGY_IRI, OWL.versionIRI)
    version_info = ontology().value(ONTOLOGY_IRI, OWL.versionInfo)
    assert str(version_iri) == f"{ONTOLOGY_IRI}/{version_info}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(version_info))


def test_meta_shapes_pass_on_the_ontology() -> None:
    """Every aif: term is labelled @en and @de, commented @en and defined by the ontology (meta-shapes.ttl)."""
    report = validate_graph(ontology(), Graph().parse(META_SHAPES_FILE, format="turtle"))
    assert report.findings == (), report.describe()


@pytest.mark.parametrize("term", sorted(aif_terms()), ids=short)
def test_term_is_labelled_and_defined(term: URIRef) -> None:
    """The same rule as the meta-shapes, per term, so a failure names the term."""
    labels = {getattr(label, "language", None) for label in ontology().objects(term, RDFS.label)}
    comments = {getattr(c, "language", None) for c in ontology().objects(term, RDFS.comment)}
    assert {"en", "de"} <= labels
    assert "en" in comments
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology()


def test_every_aif_iri_used_is_declared() -> None:
    """No axiom refers to an aif: term the ontology does not declare (a typo in an axiom)."""
    used = {node for triple in ontology() for node in triple if isinstance(node, URIRef) and node.startswith(str(AIF))}
    assert used - aif_terms() == set()


@pytest.mark.parametrize("scheme", [AIF.FocusAreas, AIF.TargetGroups, AIF.SystemClasses], ids=short)
def test_concept_scheme_is_declared(scheme: URIRef) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology()
    assert {getattr(label, "language", None) for label in ontology().objects(scheme, SKOS.prefLabel)} == {"en", "de"}


def test_terms_are_sorted_within_sections() -> None:
    """Diff-friendly layout: under each `# ---- section ----` the subjects appear in sorted order."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in ONTOLOGY_FILE.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"# ---- (.+) ----", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
        elif current and re.match(r"[A-Za-z<]", line):
            sections[current].append(line.strip())
    assert {"classes", "object properties", "data properties", "concept schemes"} <= set(sections)
    for name, subjects in sections.items():
        assert subjects == sorted(subjects), f"section {name!r} is not sorted"


# ---- the axioms the contract fixes ----

FIXED_AXIOMS = [
    (AIF.AIFactory, RDFS.subClassOf, ORG.OrganizationalCollaboration),
    (AIF.AIFactoryAntenna, RDFS.subClassOf, ORG.OrganizationalCollaboration),
    (AIF.Supercomputer, RDFS.subClassOf, AIF.ComputingSystem),
    (AIF.QuantumComputer, RDFS.subClassOf, AIF.ComputingSystem),
    (AIF.ExperimentalPlatform, RDFS.subClassOf, AIF.ComputingSystem),
    (AIF.SourceDocument, RDFS.subClassOf, PROV.Entity),
    (AIF.SourceDocument, RDFS.subClassOf, SCHEMA.CreativeWork),
    (AIF.hostCountry, RDFS.subPropertyOf, AIF.participatingCountry),
    (AIF.hostingEntity, RDFS.subPropertyOf, ORG.hasMember),
    (ORG.hasMember, OWL.inverseOf, ORG.memberOf),
    (AIF.hostSystem, OWL.inverseOf, AIF.servesFactory),
    (AIF.experimentalPlatform, RDFS.subPropertyOf, AIF.hostSystem),
    (AIF.buildsSystem, RDFS.subPropertyOf, AIF.hostSystem),
    (AIF.locatedIn, RDF.type, OWL.TransitiveProperty),
    (AIF.partner, OWL.inverseOf, AIF.partnerIn),
    (AIF.cooperatesWith, RDF.type, OWL.SymmetricProperty),
]


@pytest.mark.parametrize("axiom", FIXED_AXIOMS, ids=lambda a: f"{short(a[0])}-{short(a[1])}-{short(a[2])}")
def test_fixed_axiom_is_present(axiom: tuple[URIRef, URIRef, URIRef]) -> None:
    assert axiom in ontology()


def test_fixed_property_chain_is_present() -> None:
    chains = list(ontology().objects(AIF.cooperatesWith, OWL.propertyChainAxiom))
    assert len(chains) == 1
    assert list(Collection(ontology(), chains[0])) == [AIF.partnerIn, AIF.partner]


# ---- staying inside OWL 2 RL, and safe ----


def test_datatype_ranges_are_in_the_owl2_rl_datatype_map() -> None:
    """xsd:date, xsd:gYear, xsd:gYearMonth and rdf:langString are outside OWL 2 RL: the shapes check them."""
    ranges = {r for p in ontology().subjects(RDF.type, OWL.DatatypeProperty) for r in ontology().objects(p, RDFS.range)}
    assert ranges
    assert ranges <= OWL2_RL_DATATYPES


def test_no_axiom_merges_individuals() -> None:
    """No functional properties and no schema:sameAs as owl:sameAs: RL would merge resources by owl:sameAs."""
    merging = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty}
    assert not {p for p in ontology().subjects(RDF.type, None) if set(ontology().objects(p, RDF.type)) & merging}
    assert not list(ontology().triples((SCHEMA.sameAs, None, None)))
    assert not list(ontology().triples((None, None, OWL.sameAs)))


def test_closure_of_the_ontology_is_consistent() -> None:
    """owlrl reports inconsistencies as error triples; the ontology alone must raise none."""
    closed = closure("")
    errors = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
    assert not list(closed.subjects(RDF.type, errors.ErrorMessage))


# ---- reasoning: one test per entailment the knowledge graph relies on ----


def test_prp_spo1_host_country_participates() -> None:
    """If a factory has aif:hostCountry C, then it has aif:participatingCountry C (CQ 3)."""
    g = closure("id:f aif:hostCountry id:lt .")
    assert (ID.f, AIF.participatingCountry, ID.lt) in g


def test_prp_spo1_hosting_entity_is_member() -> None:
    """If a factory has aif:hostingEntity O, then it has org:hasMember O."""
    g = closure("id:f aif:hostingEntity id:o .")
    assert (ID.f, ORG.hasMember, ID.o) in g


def test_prp_inv_member_of() -> None:
    """If a factory has aif:hostingEntity O (so org:hasMember O), then O org:memberOf the factory (CQ 9)."""
    g = closure("id:f aif:hostingEntity id:o . id:g org:hasMember id:o .")
    assert (ID.o, ORG.memberOf, ID.f) in g
    assert (ID.o, ORG.memberOf, ID.g) in g


def test_prp_inv_serves_factory() -> None:
    """If a factory has aif:hostSystem S, then S aif:servesFactory the factory (CQ 15)."""
    g = closure("id:f aif:hostSystem id:s .")
    assert (ID.s, AIF.servesFactory, ID.f) in g


def test_prp_spo1_builds_system_is_host_system() -> None:
    """If a factory aif:buildsSystem S, then S is a host system of it and serves it (CQ 5)."""
    g = closure("id:f aif:buildsSystem id:s .")
    assert (ID.f, AIF.hostSystem, ID.s) in g
    assert (ID.s, AIF.servesFactory, ID.f) in g


def test_prp_spo1_experimental_platform_is_host_system() -> None:
    """If a factory has aif:experimentalPlatform P, then P is a host system of it (CQ 16)."""
    g = closure("id:f aif:experimentalPlatform id:p .")
    assert (ID.f, AIF.hostSystem, ID.p) in g


def test_prp_rng_experimental_platform() -> None:
    """If a factory has aif:experimentalPlatform P, then P is an aif:ExperimentalPlatform and a system."""
    g = closure("id:f aif:experimentalPlatform id:p .")
    assert (ID.p, RDF.type, AIF.ExperimentalPlatform) in g
    assert (ID.p, RDF.type, AIF.ComputingSystem) in g


def test_prp_inv_partner_in() -> None:
    """If a partnership has aif:partner X, then X aif:partnerIn the partnership."""
    g = closure("id:p aif:partner id:a .")
    assert (ID.a, AIF.partnerIn, ID.p) in g


def test_prp_spo2_chain_partnership() -> None:
    """If A and B are partners of one partnership, then A aif:cooperatesWith B and B with A (CQ 7)."""
    g = closure("id:p aif:partner id:a , id:b .")
    assert (ID.a, AIF.cooperatesWith, ID.b) in g
    assert (ID.b, AIF.cooperatesWith, ID.a) in g


def test_prp_spo2_chain_also_makes_partners_cooperate_with_themselves() -> None:
    """If A is a partner of P, then A aif:cooperatesWith A (partnerIn/partner returns to A): queries filter it."""
    g = closure("id:p aif:partner id:a , id:b .")
    assert (ID.a, AIF.cooperatesWith, ID.a) in g


def test_prp_symp_cooperates() -> None:
    """If A aif:cooperatesWith B, then B aif:cooperatesWith A."""
    g = closure("id:a aif:cooperatesWith id:b .")
    assert (ID.b, AIF.cooperatesWith, ID.a) in g


def test_prp_spo1_linked_factory_cooperates() -> None:
    """If an antenna has aif:linkedFactory F, then it cooperates with F, and (symmetry) F with it."""
    g = closure("id:a aif:linkedFactory id:f .")
    assert (ID.a, AIF.cooperatesWith, ID.f) in g
    assert (ID.f, AIF.cooperatesWith, ID.a) in g


def test_prp_trp_located_in() -> None:
    """If an organisation is aif:locatedIn a city that is aif:locatedIn a country, it is in the country (CQ 11)."""
    g = closure("id:o aif:locatedIn id:vilnius . id:vilnius aif:locatedIn id:lt .")
    assert (ID.o, AIF.locatedIn, ID.lt) in g


def test_cax_sco_supercomputer() -> None:
    """If S is an aif:Supercomputer, then S is an aif:ComputingSystem."""
    g = closure("id:s a aif:Supercomputer . id:q a aif:QuantumComputer .")
    assert (ID.s, RDF.type, AIF.ComputingSystem) in g
    assert (ID.q, RDF.type, AIF.ComputingSystem) in g


def test_cax_sco_factory_is_collaboration() -> None:
    """If F is an aif:AIFactory, then F is an org:OrganizationalCollaboration (and not an org:Organization)."""
    g = closure("id:f a aif:AIFactory . id:a a aif:AIFactoryAntenna .")
    assert (ID.f, RDF.type, ORG.OrganizationalCollaboration) in g
    assert (ID.a, RDF.type, ORG.OrganizationalCollaboration) in g
    assert (ID.f, RDF.type, ORG.Organization) not in g


def test_cax_sco_source_document() -> None:
    """If D is an aif:SourceDocument, then D is a prov:Entity and a schema:CreativeWork."""
    g = closure("id:d a aif:SourceDocument .")
    assert (ID.d, RDF.type, PROV.Entity) in g
    assert (ID.d, RDF.type, SCHEMA.CreativeWork) in g


def test_prp_dom_country_code() -> None:
    """If X has aif:countryCode, then X is a schema:Country (and a schema:Place)."""
    g = closure('id:lt aif:countryCode "LT" .')
    assert (ID.lt, RDF.type, SCHEMA.Country) in g
    assert (ID.lt, RDF.type, SCHEMA.Place) in g


def test_prp_dom_announced_on() -> None:
    """If R has aif:announcedOn, then R is an aif:SelectionRound."""
    g = closure('id:r aif:announcedOn "2024-12-10T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .')
    assert (ID.r, RDF.type, AIF.SelectionRound) in g


def test_prp_spo1_lead_country_takes_part_in_the_bid() -> None:
    """If a bid has aif:leadCountry C, then it has aif:bidCountry C (the bid shape counts bid countries)."""
    g = closure("id:b aif:leadCountry id:pl .")
    assert (ID.b, AIF.bidCountry, ID.pl) in g


def test_cax_sco_bid_and_contract_are_milestones() -> None:
    """A bid and a procurement contract are milestones, so the timeline of milestones lists them."""
    g = closure("id:b a aif:AIGigafactoryBid . id:c a aif:ProcurementContract .")
    assert (ID.b, RDF.type, AIF.Milestone) in g
    assert (ID.c, RDF.type, AIF.Milestone) in g


def test_prp_rng_operator() -> None:
    """If a system has aif:operator O, then O is an org:Organization and the system an aif:ComputingSystem."""
    g = closure("id:s aif:operator id:o .")
    assert (ID.o, RDF.type, ORG.Organization) in g
    assert (ID.s, RDF.type, AIF.ComputingSystem) in g


def test_prp_rng_host_country() -> None:
    """If a factory has aif:hostCountry C, then C is a schema:Country and the factory a collaboration."""
    g = closure("id:f aif:hostCountry id:lt .")
    assert (ID.lt, RDF.type, SCHEMA.Country) in g
    assert (ID.f, RDF.type, ORG.OrganizationalCollaboration) in g


def test_prp_spo1_pref_label_is_label() -> None:
    """If a concept has skos:prefLabel L, then it has rdfs:label L (one shape checks names either way)."""
    g = closure('id:health skos:prefLabel "Health"@en .')
    assert (ID.health, RDFS.label, Literal("Health", lang="en")) in g


def test_prp_spo1_top_concept_is_in_scheme() -> None:
    """If a concept is skos:topConceptOf S, then it is skos:inScheme S."""
    g = closure("id:health skos:topConceptOf aif:FocusAreas .")
    assert (ID.health, SKOS.inScheme, AIF.FocusAreas) in g


def test_prp_trp_broader_transitive() -> None:
    """If A skos:broader B and B skos:broader C, then A skos:broaderTransitive C (CQ 4: any health area)."""
    g = closure("id:genomics skos:broader id:life-sciences . id:life-sciences skos:broader id:health .")
    assert (ID.genomics, SKOS.broaderTransitive, ID.health) in g
    assert (ID.health, SKOS.narrower, ID["life-sciences"]) in g


# ---- and what reasoning must not give ----


def test_no_inference_participating_country_is_not_host() -> None:
    """If a factory only has aif:participatingCountry C, then C is not its host country."""
    g = closure("id:f aif:participatingCountry id:lt .")
    assert (ID.f, AIF.hostCountry, ID.lt) not in g


def test_no_inference_same_wikidata_link_does_not_merge() -> None:
    """If two organisations share a schema:sameAs target, then they are not owl:sameAs each other."""
    g = closure(
        "id:a schema:sameAs <http://www.wikidata.org/entity/Q1> . "
        "id:b schema:sameAs <http://www.wikidata.org/entity/Q1> ."
    )
    assert (ID.a, OWL.sameAs, ID.b) not in g


def test_no_inference_across_partnerships() -> None:
    """If A is in one partnership and B in another, then A and B do not cooperate."""
    g = closure("id:p aif:partner id:a , id:c . id:q aif:partner id:b , id:d .")
    assert (ID.a, AIF.cooperatesWith, ID.b) not in g


def test_no_inference_member_is_not_host() -> None:
    """If a factory only has org:hasMember O, then O is not a hosting entity."""
    g = closure("id:f org:hasMember id:o .")
    assert (ID.f, AIF.hostingEntity, ID.o) not in g
