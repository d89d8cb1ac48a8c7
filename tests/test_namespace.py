"""The namespace module agrees with the ontology: the closed `AIF` has exactly the declared aif: terms."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aifkg.namespace import (
    AIF,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    ID_BASE,
    ONTOLOGY_IRI,
    PREFIXES,
    SHAPES_NS,
    bind_prefixes,
)

PROJECT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = PROJECT / "ontology" / "aifactories.ttl"
SHAPES_FILE = PROJECT / "shapes" / "aifactories-shapes.ttl"
CONTRACT_PREFIXES = {"aif", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "schema", "org", "prov", "dcat", "void"}
CONTRACT_PREFIXES |= {"sd", "vann", "sh", "geo", "wgs"}


def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def python_members() -> set[URIRef]:
    return {AIF[name] for name in AIF.__annotations__}


def test_members_equal_the_declared_terms() -> None:
    """Every declared aif: term has a member and every member is declared: no drift either way."""
    graph = ontology()
    declared = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(AIF))}
    assert declared
    assert python_members() - declared == set(), "members the ontology does not declare"
    assert declared - python_members() == set(), "declared terms missing from aifkg.namespace.AIF"


def test_member_is_the_term_iri() -> None:
    assert AIF.hostCountry == URIRef("https://w3id.org/aifactories/ontology#hostCountry")
    assert AIF.FocusAreas in python_members()


@pytest.mark.parametrize("typo", ["hostcountry", "AIFactories", "Factory"])
def test_closed_namespace_rejects_a_typo(typo: str) -> None:
    """A misspelt term raises instead of minting an IRI no data uses."""
    with pytest.raises(AttributeError):
        getattr(AIF, typo)


def test_prefixes_are_the_contracts() -> None:
    assert set(PREFIXES) == CONTRACT_PREFIXES
    assert PREFIXES["aif"] == "https://w3id.org/aifactories/ontology#"
    assert PREFIXES["schema"] == "https://schema.org/"
    assert PREFIXES["sh"] == "http://www.w3.org/ns/shacl#"


@pytest.mark.parametrize("turtle_file", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_turtle_files_agree_with_prefixes(turtle_file: Path) -> None:
    """A prefix the Turtle files declare means what PREFIXES says it means."""
    text = turtle_file.read_text(encoding="utf-8")
    declared = {
        line.split()[1].rstrip(":"): line.split()[2].strip("<>")
        for line in text.splitlines()
        if line.startswith("@prefix")
    }
    shared = set(declared) & set(PREFIXES)
    assert shared
    assert {p: declared[p] for p in shared} == {p: PREFIXES[p] for p in shared}


def test_bind_prefixes_replaces_rdflib_defaults() -> None:
    graph = bind_prefixes(Graph())
    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    assert {p: bound.get(p) for p in PREFIXES} == PREFIXES
    graph.add((URIRef(ID_BASE + "factory/litai"), RDF.type, AIF.AIFactory))
    assert "aif:AIFactory" in graph.serialize(format="turtle")


def test_instance_and_graph_iris() -> None:
    assert ID_BASE == "https://w3id.org/aifactories/id/"
    assert str(ONTOLOGY_IRI) == "https://w3id.org/aifactories/ontology"
    assert str(SHAPES_NS) == "https://w3id.org/aifactories/shapes#"
    expected = [URIRef(f"https://w3id.org/aifactories/graph/{name}") for name in ("ontology", "data", "inferred")]
    assert expected == [GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED]
    assert all(isinstance(iri, URIRef) for iri in (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED))
