"""The project's namespaces in one place: the closed `AIF` vocabulary, IRIs of instances and graphs, and the
one prefix table (PREFIXES) that dumps, descriptions and pages use.

`AIF` is a closed rdflib DefinedNamespace: a typo such as `AIF.hostcountry` raises instead of minting a new
IRI that no data uses. tests/test_namespace.py keeps its members equal to the terms the ontology declares.
The engine can serve another graph under another base IRI (settings.base_iri, as the test fixture does):
`vocabulary_iri(base_iri)` is where that graph's terms live, the one place the rule is written.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

BASE_IRI = "https://w3id.org/aifactories/"


def vocabulary_iri(base_iri: str = BASE_IRI) -> str:
    """The namespace of the ontology's terms under `base_iri` (`aif:` for the project's own)."""
    return base_iri + "ontology#"


ONTOLOGY_IRI = URIRef(BASE_IRI + "ontology")
SHAPES_NS = Namespace(BASE_IRI + "shapes#")
ID_BASE = BASE_IRI + "id/"

GRAPH_ONTOLOGY = URIRef(BASE_IRI + "graph/ontology")
GRAPH_DATA = URIRef(BASE_IRI + "graph/data")
GRAPH_INFERRED = URIRef(BASE_IRI + "graph/inferred")


class AIF(DefinedNamespace):
    """The aifkg ontology (ontology/aifactories.ttl): classes, properties and concept schemes."""

    _fail = True
    _NS = Namespace(vocabulary_iri())

    # classes
    AIFactory: URIRef  # an AI Factory selected by the EuroHPC Joint Undertaking
    AIFactoryAntenna: URIRef  # an AI Factory Antenna
    AIGigafactoryBid: URIRef  # an announced bid or expression of interest for an AI Gigafactory
    Call: URIRef  # a call for expressions of interest, proposals or tenders
    ComputingSystem: URIRef  # an HPC or quantum computer
    ExperimentalPlatform: URIRef  # an experimental/test platform a factory announces
    LegalAct: URIRef  # a regulation or decision of the EU
    Milestone: URIRef  # a dated event of the initiative
    NamePeriod: URIRef  # a name borne for a period
    Partnership: URIRef  # a cooperation between two or more factories, organisations or countries
    ProcurementContract: URIRef  # a signed EuroHPC JU procurement of a system
    QuantumComputer: URIRef  # a quantum computer
    SelectionRound: URIRef  # one EuroHPC selection decision
    SourceDocument: URIRef  # a document facts come from
    Supercomputer: URIRef  # a high-performance computer
    Top500Edition: URIRef  # one edition of the TOP500 list
    Top500Entry: URIRef  # a system's entry on one TOP500 edition

    # object properties
    bidCountry: URIRef  # bid -> country taking part
    bidder: URIRef  # bid -> organisation taking part
    buildsSystem: URIRef  # factory, antenna -> new system it procures; sub-property of hostSystem
    contractor: URIRef  # contract -> organisation
    cooperatesWith: URIRef  # symmetric; inferred from partnerIn/partner
    experimentalPlatform: URIRef  # factory -> ExperimentalPlatform; sub-property of hostSystem
    focusArea: URIRef  # factory, antenna -> concept in FocusAreas
    hostCountry: URIRef  # factory, antenna -> its one host country; sub-property of participatingCountry
    hostSystem: URIRef  # factory, antenna -> system; inverse of servesFactory
    hostingEntity: URIRef  # factory, antenna -> hosting organisation; sub-property of org:hasMember
    leadCountry: URIRef  # bid -> leading country; sub-property of bidCountry
    linkedFactory: URIRef  # antenna -> the factory it works with
    locatedIn: URIRef  # transitive: organisation, system, city -> place
    namePeriod: URIRef  # factory, antenna, system -> NamePeriod
    operator: URIRef  # system -> operating organisation
    participatingCountry: URIRef  # factory, antenna -> country of the consortium
    partner: URIRef  # partnership -> party; inverse of partnerIn
    partnerIn: URIRef  # party -> partnership
    procures: URIRef  # contract -> system
    respondsTo: URIRef  # bid -> call
    rorId: URIRef  # organisation -> its ROR record IRI (https://ror.org/0...)
    selectedIn: URIRef  # factory, antenna -> selection round
    servesFactory: URIRef  # system -> factory or antenna it serves
    succeededBy: URIRef  # organisation -> organisation that took over its business; inverse of succeeds
    succeeds: URIRef  # organisation -> organisation whose business it took over
    systemClass: URIRef  # system -> concept in SystemClasses
    targetGroup: URIRef  # factory, antenna -> concept in TargetGroups
    top500Edition: URIRef  # TOP500 entry -> edition
    top500Entry: URIRef  # system -> TOP500 entry
    vendor: URIRef  # system -> vendor organisation

    # data properties
    acceleratorCount: URIRef  # xsd:integer
    acceleratorType: URIRef  # xsd:string
    acronym: URIRef  # xsd:string
    aiOptimised: URIRef  # xsd:boolean
    announcedOn: URIRef  # xsd:dateTime at midnight
    architecture: URIRef  # xsd:string
    countryCode: URIRef  # ISO 3166-1 alpha-2
    deadline: URIRef  # xsd:dateTime
    deploymentStart: URIRef  # xsd:integer year
    editionMonth: URIRef  # xsd:integer, 6 or 11
    editionYear: URIRef  # xsd:integer
    euContribution: URIRef  # xsd:decimal
    eventDate: URIRef  # xsd:dateTime at midnight
    expectedOperational: URIRef  # xsd:integer year
    expectedSelectionYear: URIRef  # xsd:integer
    fundingAmount: URIRef  # xsd:decimal
    fundingCurrency: URIRef  # ISO 4217
    hplPerformance: URIRef  # Rmax, PFlop/s
    listedName: URIRef  # xsd:string
    peakPerformance: URIRef  # Rpeak, PFlop/s
    purpose: URIRef  # rdf:langString
    quantumTechnology: URIRef  # xsd:string
    top500List: URIRef  # deprecated: the edition is aif:top500Edition of a TOP500 entry
    top500Rank: URIRef  # xsd:integer, on a TOP500 entry
    validFrom: URIRef  # xsd:dateTime at midnight
    validUntil: URIRef  # xsd:dateTime at midnight

    # concept schemes
    FocusAreas: URIRef
    SystemClasses: URIRef
    TargetGroups: URIRef


PREFIXES: dict[str, str] = {
    "aif": str(AIF._NS),
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "void": "http://rdfs.org/ns/void#",
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SD = Namespace(PREFIXES["sd"])  # SPARQL 1.1 Service Description
FORMATS = Namespace("http://www.w3.org/ns/formats/")  # the W3C's IRIs of RDF and result formats


def prefix_table(base_iri: str) -> dict[str, str]:
    """The prefixes for a graph under `base_iri` (the engine is generic: `aif:` follows the base IRI); the
    SPARQL endpoint predefines them, so queries may use them without PREFIX declarations."""
    return {**PREFIXES, "aif": vocabulary_iri(base_iri)}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the contract's prefixes on `graph`, replacing rdflib's defaults (e.g. its `schema:`), and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, Namespace(namespace), override=True, replace=True)
    return graph
