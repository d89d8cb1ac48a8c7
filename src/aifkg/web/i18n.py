"""The words of the pages themselves in English and German, and names for the reused terms our ontology
does not label (rdf:type, dcterms:source, org:hasMember, ...).

Data speaks for itself through its own rdfs:label values; this table only covers the page's frame, so that
a German reader does not get German data inside English headings.
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to content",
        "nav": "Main",
        "query": "Query",
        "questions": "Questions",
        "ontology": "Ontology",
        "dumps": "Downloads",
        "void": "VoID",
        "language": "Language",
        "statements": "Statements",
        "statements_about": "Statements about {}",
        "property": "Property",
        "value": "Value",
        "from": "From",
        "referenced_by": "Referenced by",
        "referenced_by_caption": "Resources that link to {}",
        "sources": "Sources",
        "sources_intro": "Where the facts on this page come from.",
        "title": "Title",
        "issued": "Published",
        "link": "details",
        "neighbourhood": "Neighbourhood",
        "neighbourhood_intro": "{} and the resources it links to or is linked from. "
        "The same links are listed in the tables above.",
        "neighbourhood_picture": "Picture of the neighbourhood of {}: {} linked resources",
        "needs_js": "The picture needs JavaScript; every link it shows is in the tables above.",
        "inferred": "inferred",
        "inferred_note": "Values marked inferred follow from the ontology by OWL RL reasoning.",
        "formats": "This resource as",
        "footer": "Data and ontology: CC BY 4.0 · every fact carries its source",
        "endpoint": "SPARQL endpoint",
    },
    "de": {
        "skip": "Zum Inhalt springen",
        "nav": "Hauptnavigation",
        "query": "Abfrage",
        "questions": "Fragen",
        "ontology": "Ontologie",
        "dumps": "Downloads",
        "void": "VoID",
        "language": "Sprache",
        "statements": "Aussagen",
        "statements_about": "Aussagen über {}",
        "property": "Eigenschaft",
        "value": "Wert",
        "from": "Von",
        "referenced_by": "Verweise hierher",
        "referenced_by_caption": "Ressourcen, die auf {} verweisen",
        "sources": "Quellen",
        "sources_intro": "Woher die Fakten auf dieser Seite stammen.",
        "title": "Titel",
        "issued": "Veröffentlicht",
        "link": "Details",
        "neighbourhood": "Umgebung",
        "neighbourhood_intro": "{} und die Ressourcen, auf die es verweist oder die darauf verweisen. "
        "Dieselben Verweise stehen in den Tabellen oben.",
        "neighbourhood_picture": "Bild der Umgebung von {}: {} verbundene Ressourcen",
        "needs_js": "Das Bild braucht JavaScript; jeder Verweis darin steht auch in den Tabellen oben.",
        "inferred": "gefolgert",
        "inferred_note": "Als gefolgert markierte Werte ergeben sich aus der Ontologie durch OWL-RL-Schlussfolgerung.",
        "formats": "Diese Ressource als",
        "footer": "Daten und Ontologie: CC BY 4.0 · jede Aussage nennt ihre Quelle",
        "endpoint": "SPARQL-Endpunkt",
    },
}

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
OWL = "http://www.w3.org/2002/07/owl#"

# (English, German) names of reused terms; our own terms are labelled in the ontology.
REUSED_TERMS: dict[str, tuple[str, str]] = {
    RDF + "type": ("type", "Typ"),
    RDFS + "label": ("name", "Name"),
    RDFS + "comment": ("comment", "Kommentar"),
    RDFS + "seeAlso": ("see also", "siehe auch"),
    RDFS + "isDefinedBy": ("defined by", "definiert durch"),
    RDFS + "subClassOf": ("subclass of", "Unterklasse von"),
    RDFS + "subPropertyOf": ("subproperty of", "Untereigenschaft von"),
    RDFS + "domain": ("domain", "Definitionsbereich"),
    RDFS + "range": ("range", "Wertebereich"),
    OWL + "inverseOf": ("inverse of", "invers zu"),
    OWL + "sameAs": ("same as", "identisch mit"),
    SKOS + "prefLabel": ("preferred name", "bevorzugter Name"),
    SKOS + "altLabel": ("other name", "anderer Name"),
    SKOS + "definition": ("definition", "Definition"),
    SKOS + "note": ("note", "Anmerkung"),
    SKOS + "editorialNote": ("editorial note", "redaktionelle Anmerkung"),
    SKOS + "scopeNote": ("scope note", "Anwendungshinweis"),
    SKOS + "inScheme": ("in scheme", "im Schema"),
    SKOS + "topConceptOf": ("top concept of", "Oberbegriff von"),
    SKOS + "broader": ("broader", "Oberbegriff"),
    SKOS + "narrower": ("narrower", "Unterbegriff"),
    SKOS + "broaderTransitive": ("broader (transitive)", "Oberbegriff (transitiv)"),
    SKOS + "narrowerTransitive": ("narrower (transitive)", "Unterbegriff (transitiv)"),
    SKOS + "hasTopConcept": ("top concept", "Oberbegriff"),
    DCTERMS + "source": ("source", "Quelle"),
    DCTERMS + "title": ("title", "Titel"),
    DCTERMS + "issued": ("published", "veröffentlicht"),
    DCTERMS + "language": ("language", "Sprache"),
    DCTERMS + "description": ("description", "Beschreibung"),
    DCTERMS + "publisher": ("publisher", "Herausgeber"),
    DCTERMS + "modified": ("modified", "geändert"),
    ORG + "hasMember": ("member", "Mitglied"),
    ORG + "memberOf": ("member of", "Mitglied von"),
    SCHEMA + "url": ("web page", "Webseite"),
    SCHEMA + "sameAs": ("same as", "identisch mit"),
    SCHEMA + "name": ("name", "Name"),
}


def ui_text(language: str) -> dict[str, str]:
    """The page words in `language`, English for any other."""
    return UI.get(language, UI["en"])


def reused_term_label(iri: str, language: str) -> str | None:
    names = REUSED_TERMS.get(iri)
    if names is None:
        return None
    return names[1] if language == "de" else names[0]
