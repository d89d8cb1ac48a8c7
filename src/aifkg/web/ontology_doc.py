"""HTML documentation of the ontology, generated from the ontology graph on every build.

Why not pyLODE: it pulls in many dependencies (a markdown stack, its own rdflib pins) and renders a static
HTML file that we would have to regenerate and keep in sync with ontology/ by hand. Reading the ontology
graph that the server already holds with a few SPARQL queries gives the same content, always current, in
our own templates (language switch, accessibility, CSP) and with examples taken from the data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Response, render_template

from aifkg.web.entity import link_target
from aifkg.web.i18n import OWL, RDF, RDFS, SKOS, ui_text
from aifkg.web.lookup import LANGUAGES, labels_of, local_name, reader_language, select
from aifkg.web.runtime import runtime

KINDS = (  # (rdf:type, section id, English heading, German heading), in the order the page shows them
    (OWL + "Class", "classes", "Classes", "Klassen"),
    (OWL + "ObjectProperty", "object-properties", "Object properties", "Objekteigenschaften"),
    (OWL + "DatatypeProperty", "data-properties", "Data properties", "Dateneigenschaften"),
    (SKOS + "ConceptScheme", "concept-schemes", "Concept schemes", "Begriffsschemata"),
    (OWL + "AnnotationProperty", "annotation-properties", "Annotation properties", "Annotationseigenschaften"),
)
CHARACTERISTICS = {
    OWL + "TransitiveProperty": ("transitive", "transitiv"),
    OWL + "SymmetricProperty": ("symmetric", "symmetrisch"),
    OWL + "FunctionalProperty": ("functional", "funktional"),
    OWL + "InverseFunctionalProperty": ("inverse functional", "invers funktional"),
}
AXIOMS = {
    RDFS + "subClassOf": "parents",
    RDFS + "subPropertyOf": "parents",
    RDFS + "domain": "domains",
    RDFS + "range": "ranges",
    OWL + "inverseOf": "inverses",
}
EXAMPLES_PER_TERM = 3
PREFIXES = {
    "http://www.w3.org/ns/org#": "org",
    "https://schema.org/": "schema",
    SKOS: "skos",
    "http://purl.org/dc/terms/": "dcterms",
    "http://www.w3.org/ns/prov#": "prov",
    "http://purl.org/vocab/vann/": "vann",
    RDFS: "rdfs",
    RDF: "rdf",
    OWL: "owl",
    "http://www.w3.org/2001/XMLSchema#": "xsd",
}


@dataclass
class Example:
    subject: str
    subject_label: str
    object: str = ""
    object_label: str = ""
    object_is_iri: bool = False


@dataclass
class Term:
    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverses: list[str] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    uses: int = 0

    @property
    def anchor(self) -> str:
        return local_name(self.iri)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.anchor


@dataclass
class Section:
    anchor: str
    heading: str
    terms: list[Term]


def compact(iri: str, ontology_iri: str) -> str:
    """aif:Term for our terms, prefix:term for well-known vocabularies, the IRI otherwise."""
    if iri.startswith(ontology_iri + "#"):
        return "aif:" + iri[len(ontology_iri) + 1 :]
    for namespace, prefix in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _terms(graph: str, ontology_iri: str) -> dict[str, Term]:
    kinds = " ".join(f"<{k}>" for k, *_ in KINDS) + " " + " ".join(f"<{c}>" for c in CHARACTERISTICS)
    rows = select(f"SELECT ?term ?kind WHERE {{ GRAPH <{graph}> {{ ?term a ?kind VALUES ?kind {{ {kinds} }} }} }}")
    types: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["term"]["type"] == "uri":
            types[row["term"]["value"]].add(row["kind"]["value"])
    terms: dict[str, Term] = {}
    for iri, kinds_of_term in types.items():
        primary = next((k for k, *_ in KINDS if k in kinds_of_term), None)
        if primary is None:
            continue
        terms[iri] = Term(iri, primary, characteristics=[c for c in CHARACTERISTICS if c in kinds_of_term])
    return terms


def _annotate(terms: dict[str, Term], graph: str) -> None:
    predicates = " ".join(f"<{p}>" for p in (RDFS + "label", RDFS + "comment", SKOS + "definition", *AXIOMS))
    rows = select(
        f"SELECT ?term ?p ?o WHERE {{ GRAPH <{graph}> {{ ?term ?p ?o VALUES ?p {{ {predicates} }} "
        "FILTER(isIRI(?term) && !isBlank(?o)) } } ORDER BY ?term ?p ?o"
    )
    for row in rows:
        term = terms.get(row["term"]["value"])
        if term is None:
            continue
        prop, value = row["p"]["value"], row["o"]
        language = value.get("xml:lang", "en")
        if prop == RDFS + "label":
            term.labels.setdefault(language, value["value"])
        elif prop in (RDFS + "comment", SKOS + "definition"):
            term.comments.setdefault(language, value["value"])
        elif value["type"] == "uri":
            getattr(term, AXIOMS[prop]).append(value["value"])
    chains = select(
        f"SELECT ?term ?step (COUNT(?middle) AS ?position) WHERE {{ GRAPH <{graph}> {{ "
        f"?term <{OWL}propertyChainAxiom> ?list . ?list <{RDF}rest>* ?middle . ?middle <{RDF}rest>* ?node . "
        f"?node <{RDF}first> ?step }} }} GROUP BY ?term ?node ?step ORDER BY ?term ?position"
    )
    for row in chains:
        if row["term"]["value"] in terms:
            terms[row["term"]["value"]].chain.append(row["step"]["value"])


def _examples(terms: dict[str, Term], ontology_graph: str, language: str) -> None:
    """Instances of each class and statements with each property, from the data (asserted and inferred)."""
    ours = {iri for iri in terms}
    rows = select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ontology_graph}> && isIRI(?s)) }} "
        "ORDER BY ?p ?s ?o"
    )
    chosen: list[tuple[Term, str, dict[str, str] | None]] = []
    for row in rows:
        prop, subject, value = row["p"]["value"], row["s"]["value"], row["o"]
        if prop == RDF + "type" and value["value"] in ours:
            term = terms[value["value"]]
            term.uses += 1
            if len(term.examples) < EXAMPLES_PER_TERM and all(e.subject != subject for e in term.examples):
                term.examples.append(Example(subject, subject))
                chosen.append((term, subject, None))
        elif prop in ours:
            term = terms[prop]
            term.uses += 1
            if len(term.examples) < EXAMPLES_PER_TERM and all(e.subject != subject for e in term.examples):
                is_iri = value["type"] == "uri"
                term.examples.append(Example(subject, subject, value["value"], value["value"], is_iri))
                chosen.append((term, subject, value))
    names = labels_of(
        [s for _, s, _ in chosen] + [v["value"] for _, _, v in chosen if v and v["type"] == "uri"], language
    )
    for term in terms.values():
        for example in term.examples:
            example.subject_label = names.get(example.subject, local_name(example.subject))
            if example.object_is_iri:
                example.object_label = names.get(example.object, local_name(example.object))


def ontology_sections(language: str) -> tuple[list[Section], list[Term], dict[str, str]]:
    """Our terms by kind, the reused terms the ontology declares, and labels of every term it mentions."""
    settings = runtime().settings
    graph = settings.graph_iri("ontology")
    terms = _terms(graph, settings.ontology_iri)
    _annotate(terms, graph)
    _examples(terms, graph, language)
    ours = [t for t in terms.values() if t.iri.startswith(settings.ontology_iri + "#")]
    reused = sorted((t for t in terms.values() if t not in ours), key=lambda t: compact(t.iri, settings.ontology_iri))
    sections = []
    for kind, anchor, english, german in KINDS:
        members = sorted((t for t in ours if t.kind == kind), key=lambda t: t.label(language).lower())
        if members:
            sections.append(Section(anchor, german if language == "de" else english, members))
    names = {t.iri: t.label(language) for t in ours}
    return sections, reused, names


def ontology_metadata(language: str) -> dict[str, str]:
    """Title, description, version and licence of the owl:Ontology, in the reader's language where given."""
    settings = runtime().settings
    rows = select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{settings.graph_iri('ontology')}> {{ <{settings.ontology_iri}> ?p ?o }} }}"
    )
    found: dict[str, str] = {}
    for row in rows:
        name = local_name(row["p"]["value"])
        value = row["o"]
        if name in found and value.get("xml:lang") != language:
            continue
        found[name] = value["value"]
    return found


def render_ontology() -> Response:
    settings = runtime().settings
    language = reader_language()
    sections, reused, names = ontology_sections(language)
    html = render_template(
        "ontology.html",
        sections=sections,
        reused=reused,
        names=names,
        metadata=ontology_metadata(language),
        ontology_iri=settings.ontology_iri,
        compact=lambda iri: compact(iri, settings.ontology_iri),
        href=link_target,
        characteristics={k: v[1] if language == "de" else v[0] for k, v in CHARACTERISTICS.items()},
        language=language,
        languages=LANGUAGES,
        t=ui_text(language),
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "public, max-age=300"  # the same until the next build: kept and replayed
    return response
