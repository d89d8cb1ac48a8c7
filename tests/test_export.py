"""VoID/DCAT and Service Description graphs from a build's numbers."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, RDF, VOID

from aifkg.export import SD, DatasetFacts, describe_dataset, describe_service

FACTS = DatasetFacts(
    public_url="http://127.0.0.1:8000/",
    base_iri="https://example.org/kg/",
    graph_iris={"data": "https://example.org/kg/graph/data", "inferred": "https://example.org/kg/graph/inferred"},
    triples={"data": 10, "inferred": 5},
    entities_per_class={"https://example.org/kg/ontology#AIFactory": 2},
    distinct_subjects=7,
    built_at="2026-11-29T00:00:00Z",
    build_key="abc",
)


def test_void_counts_and_links() -> None:
    graph = describe_dataset(FACTS)
    dataset = URIRef("https://example.org/kg/dataset")
    assert (dataset, VOID.triples, Literal(15)) in graph
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://127.0.0.1:8000/sparql")) in graph
    assert (dataset, VOID.dataDump, URIRef("http://127.0.0.1:8000/dumps/aifkg.trig")) in graph
    partitions = list(graph.objects(dataset, VOID.classPartition))
    assert len(partitions) == 1
    assert (partitions[0], VOID.entities, Literal(2)) in graph
    assert len(list(graph.subjects(RDF.type, DCAT.Distribution))) == 5


def test_service_description_names_the_graphs() -> None:
    graph = describe_service(FACTS)
    names = {str(o) for o in graph.objects(None, SD.name)}
    assert names == set(FACTS.graph_iris.values())
    assert (URIRef("http://127.0.0.1:8000/sparql#service"), SD.supportedLanguage, SD.SPARQL11Query) in graph
