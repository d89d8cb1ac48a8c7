"""Counts that describe a built graph: triples per named graph, entities per class, share with sources.

Computed once at build time and stored with the build, so pages and VoID never count per request.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

# The classes whose members must carry dcterms:source (the contract); counted for the "sourced" share.
SOURCED_CLASS_NAMES = ("AIFactory", "AIFactoryAntenna", "ComputingSystem", "Partnership")


@dataclass(frozen=True)
class GraphStats:
    """Numbers a home page, `aifkg stats` and the VoID description show."""

    triples: dict[str, int] = field(default_factory=dict)
    entities_per_class: dict[str, int] = field(default_factory=dict)
    sourced: dict[str, list[int]] = field(default_factory=dict)  # class -> [with source, total]
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


def compute_stats(graphs: dict[str, Graph], ontology_ns: str) -> GraphStats:
    """Count over the union of the named graphs (types include inferred ones)."""
    union = Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
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
        total_triples=sum(len(graph) for graph in graphs.values()),
        distinct_subjects=len(set(union.subjects())),
    )
