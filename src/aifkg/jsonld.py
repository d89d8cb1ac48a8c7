"""JSON-LD for web developers: one published context with short keys, and documents compacted with it.

The context is made from the graph itself: every property and class gets its local name as a key
(`hostCountry`, `AIFactory`), `label` and the other texts become language maps, links become plain IRI
strings, and literals of one datatype per property are coerced so they read as plain strings. Keys that
would collide keep their prefixed name (`owl:sameAs` beside `sameAs`). Compaction uses pyld with a document
loader that refuses every remote context: nothing is ever fetched. Pure functions: quads or triples in,
JSON-ready dicts out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from aifkg.namespace import PREFIXES as NAMESPACE_PREFIXES

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Vocabularies the context names: the project's one prefix table (the ones the endpoint predefines), the
# geographic vocabularies of the places and FOAF. Terms of other vocabularies keep their full IRIs.
PREFIXES: dict[str, str] = {
    **{prefix: namespace for prefix, namespace in NAMESPACE_PREFIXES.items() if prefix != "aif"},
    "wgs": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "foaf": "http://xmlns.com/foaf/0.1/",  # reused by the organisation axioms the reasoner applies
}
KEY_PREFERENCE = (
    "aif",
    "rdfs",
    "skos",
    "dcterms",
    "schema",
    "org",
    "wgs",
    "geo",
    "owl",
    "prov",
    "foaf",
    "vann",
    "void",
)
# Keys that read better than the local name.
RENAMED = {"http://www.w3.org/ns/org#hasMember": "member"}
PLAIN = {XSD + "string"}
RESERVED = {"id", "type", "graph"}


def _split(iri: str, prefixes: dict[str, str]) -> tuple[str, str] | None:
    """(prefix, local name) of an IRI in one of the named vocabularies, if its local name can be a key."""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and local.replace("_", "a").replace("-", "a").isalnum() and not local[0].isdigit():
                return prefix, local
    return None


def make_context(triples: Iterable[ox.Triple | ox.Quad], ontology_namespace: str) -> dict[str, Any]:
    """The JSON-LD context (the value of "@context") for a graph: short keys for its properties and classes."""
    prefixes = {"aif": ontology_namespace, **PREFIXES}
    object_kinds: dict[str, set[str]] = defaultdict(set)  # property -> "@id", "@language" or a datatype
    classes: set[str] = set()
    for triple in triples:
        predicate = triple.predicate.value
        value = triple.object
        if isinstance(value, ox.Literal):
            object_kinds[predicate].add("@language" if value.language else value.datatype.value)
        else:
            object_kinds[predicate].add("@id")
        if predicate == RDF + "type" and isinstance(value, ox.NamedNode):
            classes.add(value.value)
    context: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type", "graph": "@graph"}
    context.update(prefixes)
    taken = set(context)
    candidates: list[tuple[int, str, str, str]] = []
    for iri in set(object_kinds) | classes:
        split = _split(iri, prefixes)
        if split is None or iri == RDF + "type":
            continue
        prefix, local = split
        key = RENAMED.get(iri, local)
        rank = KEY_PREFERENCE.index(prefix) if prefix in KEY_PREFERENCE else len(KEY_PREFERENCE)
        candidates.append((rank, key, iri, f"{prefix}:{local}"))
    for _, key, iri, compact in sorted(candidates):
        if key in taken or key.lower() in RESERVED:
            continue  # a collision: this term keeps its prefixed name
        taken.add(key)
        kinds = object_kinds.get(iri, set())
        if len(kinds) != 1:
            context[key] = compact  # a class, or a property with mixed values: no coercion
        else:
            kind = next(iter(kinds))
            if kind == "@id":
                context[key] = {"@id": compact, "@type": "@id"}
            elif kind == "@language":
                context[key] = {"@id": compact, "@container": "@language"}
            elif kind in PLAIN:
                context[key] = compact
            else:
                context[key] = {"@id": compact, "@type": compact_iri(kind, prefixes)}
    return dict(sorted(context.items(), key=lambda item: (not item[0].startswith("@"), item[0] not in prefixes)))


def compact_iri(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _no_remote_documents(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise jsonld.JsonLdError(
        f"remote documents are never loaded ({url}); give the context inline",
        "jsonld.LoadDocumentError",
        code="loading remote context failed",
    )


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": "_:" + term.value}
    if not isinstance(term, ox.Literal):
        raise ValueError(f"cannot write {term!r} as JSON-LD")
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": term.datatype.value}


def _expanded(quads: Iterable[ox.Quad | ox.Triple]) -> list[dict[str, Any]]:
    """The quads as expanded JSON-LD, named graphs kept: the JSON-LD "serialize RDF as JSON-LD" algorithm
    without native types (so every literal keeps its lexical form); pyld then compacts it."""
    graphs: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for quad in quads:
        graph_name = quad.graph_name if isinstance(quad, ox.Quad) else ox.DefaultGraph()
        graph = "" if isinstance(graph_name, ox.DefaultGraph) else _term(graph_name)["@id"]
        subject = _term(quad.subject)["@id"]
        node = graphs[graph].setdefault(subject, {"@id": subject})
        value = _term(quad.object)
        if quad.predicate.value == RDF + "type" and "@id" in value:
            node.setdefault("@type", []).append(value["@id"])
        else:
            node.setdefault(quad.predicate.value, []).append(value)
    top = graphs.pop("", {})
    for name, nodes in graphs.items():
        top.setdefault(name, {"@id": name})["@graph"] = list(nodes.values())
    return list(top.values())


def compact_document(
    quads: Iterable[ox.Quad | ox.Triple],
    context: dict[str, Any],
    first: str | None = None,
    context_reference: str | None = None,
) -> dict[str, Any]:
    """Compacted JSON-LD of the quads: nodes in a "graph" array, the node `first` leading (a resource's
    own description before the things that link to it), the others by IRI. The document carries the context
    itself, or `context_reference` (the URL it is published at) in its place."""
    compacted: dict[str, Any] = jsonld.compact(
        _expanded(quads), {"@context": context}, {"documentLoader": _no_remote_documents, "graph": True}
    )
    nodes = compacted.get("graph", [])
    nodes.sort(key=lambda node: (node.get("id") != first, str(node.get("id", ""))))
    for node in nodes:
        inner = node.get("graph")
        if isinstance(inner, list):
            inner.sort(key=lambda item: (item.get("id") != first, str(item.get("id", ""))))
    return {"@context": context_reference or context, "graph": nodes}
