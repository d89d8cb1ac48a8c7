"""What the explorer pages read: names, kinds, places and dated events of the graph, read once per build.

`read_catalogue` loads the build's dataset into an in-memory store at start-up and runs a few fixed
queries; everything after that (search, tables, map, timeline, kind listings) is a pure function over the
`Catalogue` it returns, so no request ever builds a query from what a client sent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
NAME_PROPERTIES = {RDFS_LABEL: "label", SKOS + "prefLabel": "label", SKOS + "altLabel": "other name",
                   DCTERMS_TITLE: "title"}  # fmt: skip

# The things the tables and the map are about: URL path, class local name, the kind in IRIs.
THING_KINDS = (("factories", "AIFactory", "factory"), ("antennas", "AIFactoryAntenna", "antenna"),
               ("systems", "ComputingSystem", "system"))  # fmt: skip


@dataclass(frozen=True)
class Name:
    """One way to call an entity: a label in some language, an alternative name or an acronym."""

    text: str
    language: str  # "" for acronyms and names without a language
    role: str  # "label", "other name", "title" (of a source document) or "acronym"


@dataclass(frozen=True)
class Site:
    """Where a thing is: its city and the city's coordinates (WGS84 degrees)."""

    city: str
    lat: float
    long: float


@dataclass(frozen=True)
class Event:
    """A dated statement: `subject` has `date` as its `prop` (e.g. a selection round announced on a day)."""

    date: str
    subject: str
    prop: str


@dataclass
class Catalogue:
    """Names, types, statements about the things, their sites and the dated events of one build."""

    id_base: str
    ontology: str  # the ontology namespace, ending in '#'
    names: dict[str, list[Name]] = field(default_factory=dict)
    types: dict[str, set[str]] = field(default_factory=dict)
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # entity -> our property -> values
    sites: dict[str, Site] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def kind_of(self, iri: str) -> str | None:
        """The kind segment of one of our entity IRIs (`factory` in .../id/factory/litai), else None (also for
        parts of an entity, such as a city's geometry .../id/city/vilnius#geometry)."""
        if not iri.startswith(self.id_base):
            return None
        kind, slash, slug = iri[len(self.id_base) :].partition("/")
        return kind if slash and slug and "#" not in slug and "/" not in slug else None

    def label(self, iri: str, language: str) -> str:
        """The rdfs:label in `language`, else English, else German, else any label, else the IRI's end."""
        names = self.names.get(iri, [])
        labels = {n.language: n.text for n in names if n.role == "label"}
        labels = labels or {n.language: n.text for n in names if n.role == "title"}
        for wanted in (language, "en", "de"):
            if wanted in labels:
                return labels[wanted]
        if labels:
            return labels[sorted(labels)[0]]
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def label_language(self, iri: str, language: str) -> str:
        """The language of the label `label` picks, so pages can mark English names on German pages."""
        names = self.names.get(iri, [])
        languages = {n.language for n in names if n.role == "label"}
        languages = languages or {n.language for n in names if n.role == "title"}
        for wanted in (language, "en", "de"):
            if wanted in languages:
                return wanted
        return sorted(languages)[0] if languages else ""

    def acronym(self, iri: str) -> str:
        return next((n.text for n in self.names.get(iri, []) if n.role == "acronym"), "")

    def instances(self, class_local_name: str) -> list[str]:
        wanted = self.ontology + class_local_name
        return sorted(iri for iri, classes in self.types.items() if wanted in classes)

    def get(self, thing: str, local_name: str) -> list[str]:
        """Values of one of our properties on a thing (IRIs or lexical forms), sorted."""
        return sorted(self.values.get(thing, {}).get(self.ontology + local_name, []))

    def entities(self) -> set[str]:
        """Our entities: IRIs under the id base that have a name or a type."""
        return {iri for iri in (*self.names, *self.types) if self.kind_of(iri)}

    def entities_of_kind(self, kind: str) -> list[str]:
        return sorted(iri for iri in self.entities() if self.kind_of(iri) == kind)

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for iri in self.entities():
            kind = self.kind_of(iri)
            if kind:
                counts[kind] += 1
        return dict(sorted(counts.items()))


def _text(term: object) -> str:
    return str(getattr(term, "value", term))


def catalogue_from_store(store: ox.Store, id_base: str, ontology: str) -> Catalogue:
    """The catalogue of a store: fixed queries, with the namespaces and terms they need bound as values
    (pyoxigraph's substitutions), never written into the query text."""
    found = Catalogue(id_base=id_base, ontology=ontology)

    def rows(query: str, **bound: ox.NamedNode | ox.Literal) -> list[list[object]]:
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(name): value for name, value in bound.items()
        }
        solutions = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
        return [list(solution) for solution in solutions]  # type: ignore[union-attr]

    base, namespace = ox.Literal(id_base), ox.Literal(ontology)
    names: dict[str, set[Name]] = defaultdict(set)
    for name_property, role in (*NAME_PROPERTIES.items(), (ontology + "acronym", "acronym")):
        for subject, literal, *_ in rows(
            "SELECT ?s ?o ?p WHERE { ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o)) }", p=ox.NamedNode(name_property)
        ):
            language = getattr(literal, "language", None) or ""
            names[_text(subject)].add(Name(_text(literal), language, role))
    found.names = {iri: sorted(ns, key=lambda n: (n.role, n.language, n.text)) for iri, ns in names.items()}

    for subject, klass, *_ in rows(
        "SELECT ?s ?c ?type WHERE { ?s ?type ?c FILTER(isIRI(?s) && isIRI(?c)) }", type=ox.NamedNode(RDF_TYPE)
    ):
        found.types.setdefault(_text(subject), set()).add(_text(klass))

    for thing, prop, value, *_ in rows(
        "SELECT DISTINCT ?x ?p ?o ?base ?ns WHERE { ?x ?p ?o "
        "FILTER(isIRI(?x) && STRSTARTS(STR(?x), ?base) && STRSTARTS(STR(?p), ?ns)) }",
        base=base,
        ns=namespace,
    ):
        found.values.setdefault(_text(thing), {}).setdefault(_text(prop), []).append(_text(value))

    for thing, city, lat, long, *_ in rows(
        "SELECT ?x ?city ?lat ?long ?in ?type ?City ?hasLat ?hasLong WHERE { ?x ?in ?city . "
        "?city ?type ?City ; ?hasLat ?lat ; ?hasLong ?long } ORDER BY ?x ?city",
        type=ox.NamedNode(RDF_TYPE),
        City=ox.NamedNode(SCHEMA + "City"),
        hasLat=ox.NamedNode(WGS + "lat"),
        hasLong=ox.NamedNode(WGS + "long"),
        **{"in": ox.NamedNode(ontology + "locatedIn")},
    ):
        try:
            site = Site(_text(city), float(_text(lat)), float(_text(long)))
        except ValueError:
            continue
        found.sites.setdefault(_text(thing), site)

    for subject, prop, value, *_ in rows(
        "SELECT DISTINCT ?s ?p ?o ?ns ?date ?dateTime WHERE { ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o) "
        "&& datatype(?o) IN (?date, ?dateTime) && STRSTARTS(STR(?p), ?ns)) }",
        ns=namespace,
        date=ox.NamedNode(XSD + "date"),
        dateTime=ox.NamedNode(XSD + "dateTime"),
    ):
        found.events.append(Event(_text(value)[:10], _text(subject), _text(prop)))
    found.events.sort(key=lambda e: (e.date, e.subject, e.prop))
    return found


def read_catalogue(dataset: Path, id_base: str, ontology: str) -> Catalogue:
    """Load a build's N-Quads dataset into memory and read its catalogue (once per build, at start-up)."""
    store = ox.Store()
    store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
    return catalogue_from_store(store, id_base, ontology)
