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


# ---- entity pages, the query editor, /gaps and /changes ----
ENTITY_UI: dict[str, dict[str, str]] = {
    "en": {
        "summary": "At a glance",
        "kind": "Kind",
        "source_column": "Sources",
        "source_ref": "Source {}: {}",
        "inferred_source": "by reasoning",
        "legend": "Legend",
        "legend_inferred": "dashed line: inferred link",
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "zoom_fit": "Fit",
        "graph_hint": "Zoom with the buttons or Ctrl + mouse wheel; drag the background to move the picture.",
        "graph_hint_touch": "Zoom with the buttons to read the names; then drag to move the picture.",
        "kind_factory": "AI Factory",
        "kind_antenna": "AI Factory Antenna",
        "kind_organisation": "organisation",
        "kind_system": "computing system",
        "kind_country": "country",
        "kind_city": "city",
        "kind_partnership": "partnership",
        "kind_round": "selection round",
        "kind_source": "source",
        "kind_focus-area": "focus area",
        "kind_target-group": "target group",
        "kind_system-class": "system class",
        "kind_other": "other",
        "gaps": "What the graph does not know yet",
        "gaps_intro": "The validation of this build found these gaps: facts the shapes expect but no source "
        "recorded so far. If you know a dated, public source for one, it can be added.",
        "gaps_none": "The validation found no gaps.",
        "gaps_call": "Wanted: a source that gives its {}.",
        "gaps_call_any": "Wanted: a source for this.",
        "gaps_count": "{} gaps in {} entities",
        "changes": "What changed in the last build",
        "changes_intro": "Statements added and removed between build {} ({}) and the build before it, {} ({}).",
        "changes_first": "There is no earlier build on this server to compare with.",
        "changes_none": "The two builds hold the same statements.",
        "changes_count": "{} statements added and {} removed, in {} entities",
        "added": "added",
        "removed": "removed",
        "changes_rdf": "The same as RDF:",
    },
    "de": {
        "summary": "Auf einen Blick",
        "kind": "Art",
        "source_column": "Quellen",
        "source_ref": "Quelle {}: {}",
        "inferred_source": "durch Schlussfolgerung",
        "legend": "Legende",
        "legend_inferred": "gestrichelte Linie: gefolgerte Verbindung",
        "zoom_in": "Vergrößern",
        "zoom_out": "Verkleinern",
        "zoom_fit": "Einpassen",
        "graph_hint": "Zoomen mit den Knöpfen oder Strg + Mausrad; den Hintergrund ziehen, um das Bild zu verschieben.",
        "graph_hint_touch": "Mit den Knöpfen zoomen, um die Namen zu lesen; dann das Bild mit dem Finger verschieben.",
        "kind_factory": "KI-Fabrik",
        "kind_antenna": "KI-Fabrik-Antenne",
        "kind_organisation": "Organisation",
        "kind_system": "Rechensystem",
        "kind_country": "Land",
        "kind_city": "Stadt",
        "kind_partnership": "Partnerschaft",
        "kind_round": "Auswahlrunde",
        "kind_source": "Quelle",
        "kind_focus-area": "Schwerpunktbereich",
        "kind_target-group": "Zielgruppe",
        "kind_system-class": "Systemklasse",
        "kind_other": "Sonstiges",
        "gaps": "Was der Graph noch nicht weiß",
        "gaps_intro": "Die Validierung dieses Builds fand diese Lücken: Fakten, die die Shapes erwarten, für die "
        "aber noch keine Quelle erfasst ist. Wer eine datierte, öffentliche Quelle kennt, kann sie ergänzen.",
        "gaps_none": "Die Validierung fand keine Lücken.",
        "gaps_call": "Gesucht: eine Quelle, die „{}“ angibt.",
        "gaps_call_any": "Gesucht: eine Quelle dafür.",
        "gaps_count": "{} Lücken in {} Entitäten",
        "changes": "Was sich im letzten Build geändert hat",
        "changes_intro": "Aussagen, die zwischen Build {} ({}) und dem Build davor, {} ({}), hinzukamen "
        "oder wegfielen.",
        "changes_first": "Auf diesem Server gibt es keinen früheren Build zum Vergleich.",
        "changes_none": "Beide Builds enthalten dieselben Aussagen.",
        "changes_count": "{} Aussagen hinzugefügt und {} entfernt, in {} Entitäten",
        "added": "hinzugefügt",
        "removed": "entfernt",
        "changes_rdf": "Dasselbe als RDF:",
    },
}
for _language, _words in ENTITY_UI.items():
    UI[_language].update(_words)
PROV = "http://www.w3.org/ns/prov#"
REUSED_TERMS.update(
    {
        ORG + "Organization": ("organisation", "Organisation"),
        ORG + "OrganizationalCollaboration": ("consortium", "Konsortium"),
        SCHEMA + "Country": ("country", "Land"),
        SCHEMA + "City": ("city", "Stadt"),
        SCHEMA + "Place": ("place", "Ort"),
        SCHEMA + "CreativeWork": ("document", "Dokument"),
        SKOS + "Concept": ("concept", "Begriff"),
        SKOS + "ConceptScheme": ("concept scheme", "Begriffsschema"),
        PROV + "Entity": ("provenance entity", "Provenienz-Entität"),
    }
)
