"""Descriptions of the dataset and the service: VoID and DCAT for the data, SPARQL Service Description.

Both are built from the build's numbers and the public URL the server is reached at, so the links in them
work wherever the server runs. Pure functions: they take values and return rdflib graphs.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from aifkg.namespace import FORMATS as FORMATS_NS
from aifkg.namespace import SD, bind_prefixes, vocabulary_iri
from aifkg.sparql import FORMATS

DUMP_MEDIA_TYPES = {
    "aifkg.ttl": ("text/turtle", "Turtle (union of all graphs)"),
    "aifkg.nt": ("application/n-triples", "N-Triples (union of all graphs)"),
    "aifkg.trig": ("application/trig", "TriG (named graphs)"),
    "aifkg.nq": ("application/n-quads", "N-Quads (named graphs)"),
    "aifkg.jsonld": ("application/ld+json", "JSON-LD (named graphs)"),
}
SD_RESULT_FORMATS = {
    "json": FORMATS_NS.SPARQL_Results_JSON,
    "xml": FORMATS_NS.SPARQL_Results_XML,
    "csv": FORMATS_NS.SPARQL_Results_CSV,
    "tsv": FORMATS_NS.SPARQL_Results_TSV,
    "turtle": FORMATS_NS.Turtle,
    "ntriples": FORMATS_NS["N-Triples"],
    "jsonld": FORMATS_NS["JSON-LD"],
    "rdfxml": FORMATS_NS["RDF_XML"],
}


@dataclass(frozen=True)
class DatasetFacts:
    """What the descriptions say, gathered by the caller from settings, build and request."""

    public_url: str  # e.g. http://127.0.0.1:8000/ (with trailing slash)
    base_iri: str
    graph_iris: dict[str, str]
    triples: dict[str, int]
    entities_per_class: dict[str, int]
    distinct_subjects: int
    built_at: str
    build_key: str
    title: str = "aifkg: the EuroHPC AI Factories knowledge graph"


def dataset_iri(base_iri: str) -> URIRef:
    return URIRef(base_iri + "dataset")


def describe_dataset(facts: DatasetFacts) -> Graph:
    """VoID + DCAT: the dataset, its named graphs as subsets, its class partitions, endpoint and dumps."""
    graph = bind_prefixes(Graph())
    dataset = dataset_iri(facts.base_iri)
    endpoint = URIRef(facts.public_url + "sparql")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(facts.title, lang="en")))
    graph.add(
        (
            dataset,
            DCTERMS.description,
            Literal(
                "The AI Factories and AI Factory Antennas selected by the EuroHPC Joint Undertaking, their hosts, "
                "consortia, supercomputers, partnerships and sources, with the OWL RL closure.",
                lang="en",
            ),
        )
    )
    graph.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((dataset, DCTERMS.modified, Literal(facts.built_at, datatype=XSD.dateTime)))
    graph.add((dataset, DCTERMS.identifier, Literal(facts.build_key)))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.uriSpace, Literal(facts.base_iri + "id/")))
    graph.add((dataset, VOID.vocabulary, URIRef(vocabulary_iri(facts.base_iri))))
    graph.add((dataset, VOID.triples, Literal(sum(facts.triples.values()))))
    graph.add((dataset, VOID.distinctSubjects, Literal(facts.distinct_subjects)))
    graph.add((dataset, VOID.classes, Literal(len(facts.entities_per_class))))
    graph.add((dataset, VOID.rootResource, URIRef(facts.base_iri + "ontology")))
    for name, iri in sorted(facts.graph_iris.items()):
        subset = URIRef(iri)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.title, Literal(f"{name} graph", lang="en")))
        graph.add((subset, VOID.triples, Literal(facts.triples.get(name, 0))))
        graph.add((subset, VOID.sparqlEndpoint, endpoint))
    for class_iri, count in sorted(facts.entities_per_class.items()):
        partition = URIRef(str(dataset) + "/class/" + _slug(class_iri))
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_iri)))
        graph.add((partition, VOID.entities, Literal(count)))
    service = URIRef(facts.public_url + "sparql#service")
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    graph.add((dataset, DCAT.landingPage, URIRef(facts.public_url)))
    for name, (media_type, label) in DUMP_MEDIA_TYPES.items():
        url = URIRef(facts.public_url + "dumps/" + name)
        graph.add((dataset, VOID.dataDump, url))
        distribution = URIRef(str(dataset) + "/distribution/" + name.replace(".", "-"))
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(label, lang="en")))
        graph.add((distribution, DCAT.downloadURL, url))
        graph.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/" + media_type),
            )
        )
    return graph


def _slug(iri: str) -> str:
    tail = iri.rstrip("/#").replace("#", "/").rsplit("/", 2)
    return "-".join(part for part in tail[-2:] if part).replace(".", "-").lower()


def describe_service(facts: DatasetFacts) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint, with its default dataset and named graphs."""
    graph = bind_prefixes(Graph())
    service = URIRef(facts.public_url + "sparql#service")
    endpoint = URIRef(facts.public_url + "sparql")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only. The default graph is the union of the named graphs. SERVICE, LOAD and updates are refused; "
                "FROM and FROM NAMED select among this service's own graphs and never fetch anything.",
                lang="en",
            ),
        )
    )
    for result_format in FORMATS:
        graph.add((service, SD.resultFormat, SD_RESULT_FORMATS[result_format.name]))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(sum(facts.triples.values()))))
    for name, iri in sorted(facts.graph_iris.items()):
        named = BNode()
        described = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(iri)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(facts.triples.get(name, 0))))
    return graph
