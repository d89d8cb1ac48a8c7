"""Counts that describe a built graph: triples per named graph, entities per class, share with sources,
and how far the graph is linked to the web of data (Wikidata items, ROR records, places with coordinates).

Computed once at build time and stored with the build, so pages and VoID never count per request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from aifkg.graph import union_of

# The classes whose members must carry dcterms:source (the contract); counted for the "sourced" share.
SOURCED_CLASS_NAMES = ("AIFactory", "AIFactoryAntenna", "ComputingSystem", "Partnership")

ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/Q"
ROR = "https://ror.org/0"
# The sites a map shows: each should be located in a city that has coordinates (docs/data-conventions.md).
SITE_CLASS_NAMES = ("AIFactory", "AIFactoryAntenna", "ComputingSystem")


@dataclass(frozen=True)
class GraphStats:
    """Numbers a home page, `aifkg stats` and the VoID description show."""

    triples: dict[str, int] = field(default_factory=dict)
    entities_per_class: dict[str, int] = field(default_factory=dict)
    sourced: dict[str, list[int]] = field(default_factory=dict)  # class -> [with source, total]
    linked: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # kind -> link -> [with it, total]
    total_triples: int = 0
    distinct_subjects: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> GraphStats:
        return cls(**raw)  # type: ignore[arg-type]

    def source_share(self) -> float:
        """Share (0..1) of entities of the sourced classes that carry dcterms:source."""
        with_source = sum(pair[0] for pair in self.sourced.values())
        total = sum(pair[1] for pair in self.sourced.values())
        return with_source / total if total else 0.0


def linked_lines(stats: GraphStats) -> list[str]:
    """`aifkg stats` lines: per kind and link, how many have it, of how many, and the share."""
    lines = []
    for kind, links in stats.linked.items():
        for link, (with_link, total) in links.items():
            share = f"{with_link / total:.0%}" if total else "-"
            lines.append(f"  {kind:<16} {link:<12} {with_link:>4}/{total:<4} {share:>5}")
    return lines


def _wikidata(graph: Graph, node: Node) -> bool:
    return any(str(o).startswith(WIKIDATA_ENTITY) for o in graph.objects(node, SCHEMA.sameAs))


def _has_coordinates(graph: Graph, city: Node) -> bool:
    has_point = any((g, GEO.asWKT, None) in graph for g in graph.objects(city, GEO.hasGeometry))
    return (city, WGS.lat, None) in graph and (city, WGS.long, None) in graph and has_point


def _placed(graph: Graph, node: Node, located_in: URIRef, cities: set[Node]) -> bool:
    """Located in a city that has coordinates and a point (so a map can show it)."""
    return any(p in cities and _has_coordinates(graph, p) for p in graph.objects(node, located_in))


def _count(members: set[Node], test: Callable[[Node], bool]) -> list[int]:
    return [sum(1 for m in members if test(m)), len(members)]


def compute_linked(union: Graph, ontology_ns: str) -> dict[str, dict[str, list[int]]]:
    """Shares of organisations, places and sites linked to Wikidata and ROR, or placed in a city with coordinates."""
    aif = Namespace(ontology_ns)
    located_in = aif.locatedIn
    cities: set[Node] = set(union.subjects(RDF.type, SCHEMA.City))
    countries: set[Node] = set(union.subjects(RDF.type, SCHEMA.Country))
    organisations: set[Node] = set(union.subjects(RDF.type, ORG.Organization))
    linked: dict[str, dict[str, list[int]]] = {
        "organisations": {
            "Wikidata": _count(organisations, lambda m: _wikidata(union, m)),
            "ROR": _count(organisations, lambda m: any(str(o).startswith(ROR) for o in union.objects(m, aif.rorId))),
            "city": _count(organisations, lambda m: _placed(union, m, located_in, cities)),
        },
        "cities": {
            "Wikidata": _count(cities, lambda m: _wikidata(union, m)),
            "coordinates": _count(cities, lambda m: _has_coordinates(union, m)),
        },
        "countries": {"Wikidata": _count(countries, lambda m: _wikidata(union, m))},
    }
    for name in SITE_CLASS_NAMES:
        members: set[Node] = set(union.subjects(RDF.type, URIRef(ontology_ns + name)))
        linked[name] = {
            "Wikidata": _count(members, lambda m: _wikidata(union, m)),
            "city": _count(members, lambda m: _placed(union, m, located_in, cities)),
        }
    return linked


def compute_stats(graphs: dict[str, Graph], ontology_ns: str) -> GraphStats:
    """Count over the union of the named graphs (types include inferred ones)."""
    union = union_of(graphs.values())
    per_class: Counter[str] = Counter()
    for _, cls in union.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            per_class[str(cls)] += 1
    sourced: dict[str, list[int]] = {}
    for name in SOURCED_CLASS_NAMES:
        members = set(union.subjects(RDF.type, URIRef(ontology_ns + name)))
        with_source = sum(1 for m in members if (m, DCTERMS.source, None) in union)
        sourced[name] = [with_source, len(members)]
    return GraphStats(
        triples={name: len(graph) for name, graph in graphs.items()},
        entities_per_class=dict(sorted(per_class.items(), key=lambda item: (-item[1], item[0]))),
        sourced=sourced,
        linked=compute_linked(union, ontology_ns),
        total_triples=sum(len(graph) for graph in graphs.values()),
        distinct_subjects=len(set(union.subjects())),
    )
