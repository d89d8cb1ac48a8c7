"""The words of the pages themselves in English and German, and names for the reused terms our ontology
does not label (rdf:type, dcterms:source, org:hasMember, ...).

Data speaks for itself through its own rdfs:label values; this table only covers the page's frame, so that
a German reader does not get German data inside English headings.
"""

from __future__ import annotations

from aifkg.web.presentation import DCTERMS, ORG, OWL, RDF, RDFS, SCHEMA, SKOS

UI: dict[str, dict[str, str]] = {
    "en": {
        "skip": "Skip to content",
        "nav": "Main",
        "query": "Query",
        "questions": "Questions",
        "ontology": "Ontology",
        "dumps": "Downloads",
        "void": "About the data",
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
        "search": "Search",
        "search_label": "Search the graph",
        "search_hint": "Names in any language, other names and acronyms, e.g. LitAI",
        "search_placeholder": "Name or acronym, e.g. LitAI",
        "search_title": "Search",
        "search_results": "{} found for “{}”",
        "search_none": "Nothing found for “{}”. Try a shorter name, an acronym or a country.",
        "search_intro": "Type a name in any language, another name or an acronym.",
        "search_suggestions": "Suggestions",
        "matched": "found as",
        "explore": "Explore",
        "map": "Map",
        "tables": "Tables",
        "timeline": "Timeline",
        "factories": "AI Factories",
        "antennas": "AI Factory Antennas",
        "systems": "Computing systems",
        "map_title": "Map of the AI Factories network",
        "map_intro": "Every AI Factory, AI Factory Antenna and computing system at its site; lines join antennas to "
        "the factories they are linked with. Colours show the selection round. Every place is also in the table below.",
        "map_picture": "Map of Europe with {} AI Factories, antennas and computing systems at their sites",
        "map_small": "Small map of Europe with {} AI Factories, antennas and computing systems; opens the full map",
        "map_legend": "Legend",
        "map_no_round": "no selection round",
        "map_link": "antenna linked with a factory",
        "map_places": "Every site",
        "map_places_caption": "The things on the map and where they are",
        "map_unplaced": "The graph gives no site for {} of them yet; they are listed without a place.",
        "no_site": "no site recorded yet",
        "no_coordinates": "not on the map: no coordinates yet",
        "col_name": "Name",
        "col_acronym": "Acronym",
        "col_country": "Country",
        "col_round": "Selection round",
        "col_announced": "Announced",
        "col_focus": "Focus areas",
        "col_system": "Computing system",
        "col_site": "Site",
        "col_factory": "Linked factory",
        "col_type": "Type",
        "col_serves": "Serves",
        "col_kind": "Kind",
        "col_place": "Place",
        "filter_country": "Country",
        "filter_round": "Selection round",
        "filter_focus": "Focus area",
        "filter_any": "any",
        "filters": "Filters",
        "apply": "Show",
        "clear_filters": "Clear the filters",
        "rows_shown": "{} of {} shown",
        "sort_by": "sort by {}",
        "ascending": "ascending",
        "descending": "descending",
        "download_csv": "Download as CSV",
        "table_intro_factories": "One row per AI Factory. Sort by a column heading; filters stay in the address, "
        "so a filtered table can be shared or downloaded.",
        "table_intro_antennas": "One row per AI Factory Antenna. Sort by a column heading; filters stay in the "
        "address, so a filtered table can be shared or downloaded.",
        "table_intro_systems": "One row per computing system, with the factories and antennas it serves. Sort "
        "by a column heading; filters stay in the address.",
        "timeline_title": "Timeline",
        "timeline_intro": "The dated events the graph records, oldest first: selection rounds and the calls and "
        "decisions around them.",
        "timeline_selected": "Selected",
        "timeline_empty": "The graph records no dated events yet.",
        "kinds_title": "Everything in the graph, by kind",
        "kinds_intro": "Each kind of thing the graph describes, with how many there are.",
        "kind_intro": "Every entry of this kind, by name.",
        "count_of": "{} entries",
        "not_found_title": "Page not found",
        "not_found": "There is no page at this address. Search for what you were looking for, or start from the "
        "home page.",
        "home": "Home page",
        "void_title": "About the dataset (VoID and DCAT)",
        "void_intro": "A machine-readable description of the dataset: its graphs, SPARQL endpoint, dumps, licence and "
        "size, in the VoID and DCAT vocabularies. Programs get it as RDF from this address.",
        "void_download": "The description as",
        "void_facts": "In short",
        "void_triples": "statements",
        "void_subjects": "distinct subjects",
        "void_built": "built",
        "void_graphs": "named graphs",
        "home_title": "The EuroHPC AI Factories knowledge graph",
        "home_lead": "An open knowledge graph of the AI Factories and AI Factory Antennas selected by the EuroHPC "
        "Joint Undertaking: the supercomputers they run on, their hosts, consortia, partnerships, focus areas and "
        "the sources of every fact. It is published as linked data, with a SPARQL 1.1 endpoint anyone can query.",
        "in_numbers": "In numbers",
        "built": "Built {} (build {}).",
        "use_it": "Use it",
        "door_query": "Query the graph",
        "door_query_rest": "in the SPARQL editor, starting from a worked example; programs use the endpoint {} "
        "directly.",
        "door_questions": "Worked questions",
        "door_questions_rest": "what the graph answers, with tables and charts.",
        "door_ontology": "The ontology",
        "door_ontology_rest": "every class and property, with definitions and examples.",
        "door_dumps": "Download the dataset",
        "door_void": "About the dataset",
        "door_void_rest": "its VoID and DCAT description: graphs, endpoint and dumps.",
        "door_gaps": "What the graph does not know yet",
        "door_gaps_rest": "facts still wanted, each a call for a source; and",
        "door_changes": "what changed since the previous build",
        "door_explore": "Explore the network",
        "door_explore_rest": "on a map, in sortable tables and on a timeline.",
        "count_factories": "AI Factories",
        "count_antennas": "AI Factory Antennas",
        "count_systems": "computing systems",
        "count_countries": "countries",
        "count_organisations": "organisations",
        "count_triples": "triples",
        "dumps_title": "Download the dataset",
        "dump_union": "union of all graphs",
        "dump_named": "named graphs",
        "dumps_intro": "Build {} of {}: the ontology, the asserted data and the OWL RL inferences.",
        "col_file": "File",
        "col_format": "Format",
        "col_media_type": "Media type",
        "col_bytes": "Bytes",
        "questions_title": "Worked questions",
        "questions_lead": "Questions the knowledge graph was built to answer, each with its SPARQL query and "
        "today's answer. Open one to see the answer as a table, or load it into the query editor to change it.",
        "questions_none": "No worked questions are installed on this server yet.",
        "at_a_glance": "At a glance",
        "answer": "Answer",
        "open_in_editor": "Open in the query editor",
        "download_answer": "Download the answer as CSV",
        "answer_failed": "The answer could not be computed: {}",
        "yes": "Yes",
        "no": "No",
        "no_rows": "No rows: the graph holds nothing that answers this question yet.",
        "rows_total": "{} rows",
        "rows_first": "{} rows, the first {} shown",
        "the_query": "The query",
        "health": "health",
        "chart_rounds": "AI Factories and antennas per selection round",
        "chart_countries": "AI Factories and antennas per host country",
        "chart_focus": "AI Factories and antennas by focus area",
    },
    "de": {
        "skip": "Zum Inhalt springen",
        "nav": "Hauptnavigation",
        "query": "Abfrage",
        "questions": "Fragen",
        "ontology": "Ontologie",
        "dumps": "Downloads",
        "void": "Über die Daten",
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
        "search": "Suchen",
        "search_label": "Den Graphen durchsuchen",
        "search_hint": "Namen in jeder Sprache, andere Namen und Kürzel, z. B. LitAI",
        "search_placeholder": "Name oder Kürzel, z. B. LitAI",
        "search_title": "Suche",
        "search_results": "{} gefunden für „{}“",
        "search_none": "Nichts gefunden für „{}“. Versuchen Sie einen kürzeren Namen, ein Kürzel oder ein Land.",
        "search_intro": "Geben Sie einen Namen in einer beliebigen Sprache, einen anderen Namen oder ein Kürzel ein.",
        "search_suggestions": "Vorschläge",
        "matched": "gefunden als",
        "explore": "Erkunden",
        "map": "Karte",
        "tables": "Tabellen",
        "timeline": "Zeitleiste",
        "factories": "KI-Fabriken",
        "antennas": "KI-Fabrik-Antennen",
        "systems": "Rechensysteme",
        "map_title": "Karte des Netzes der KI-Fabriken",
        "map_intro": "Jede KI-Fabrik, KI-Fabrik-Antenne und jedes Rechensystem an seinem Standort; Linien verbinden "
        "Antennen mit den Fabriken, mit denen sie verbunden sind. Die Farben zeigen die Auswahlrunde. Jeder Ort steht "
        "auch in der Tabelle unten.",
        "map_picture": "Karte Europas mit {} KI-Fabriken, Antennen und Rechensystemen an ihren Standorten",
        "map_small": "Kleine Karte Europas mit {} KI-Fabriken, Antennen und Rechensystemen; öffnet die große Karte",
        "map_legend": "Legende",
        "map_no_round": "keine Auswahlrunde",
        "map_link": "Antenne, mit einer Fabrik verbunden",
        "map_places": "Alle Standorte",
        "map_places_caption": "Was auf der Karte steht und wo es liegt",
        "map_unplaced": "Für {} davon nennt der Graph noch keinen Standort; sie stehen ohne Ort in der Liste.",
        "no_site": "noch kein Standort erfasst",
        "no_coordinates": "nicht auf der Karte: noch keine Koordinaten",
        "col_name": "Name",
        "col_acronym": "Kürzel",
        "col_country": "Land",
        "col_round": "Auswahlrunde",
        "col_announced": "Bekannt gegeben",
        "col_focus": "Schwerpunkte",
        "col_system": "Rechensystem",
        "col_site": "Standort",
        "col_factory": "Verbundene Fabrik",
        "col_type": "Art",
        "col_serves": "Dient",
        "col_kind": "Art",
        "col_place": "Ort",
        "filter_country": "Land",
        "filter_round": "Auswahlrunde",
        "filter_focus": "Schwerpunkt",
        "filter_any": "alle",
        "filters": "Filter",
        "apply": "Anzeigen",
        "clear_filters": "Filter zurücksetzen",
        "rows_shown": "{} von {} angezeigt",
        "sort_by": "nach {} sortieren",
        "ascending": "aufsteigend",
        "descending": "absteigend",
        "download_csv": "Als CSV herunterladen",
        "table_intro_factories": "Eine Zeile je KI-Fabrik. Sortieren über die Spaltenköpfe; die Filter stehen in "
        "der Adresse, so lässt sich eine gefilterte Tabelle teilen oder herunterladen.",
        "table_intro_antennas": "Eine Zeile je KI-Fabrik-Antenne. Sortieren über die Spaltenköpfe; die Filter "
        "stehen in der Adresse, so lässt sich eine gefilterte Tabelle teilen oder herunterladen.",
        "table_intro_systems": "Eine Zeile je Rechensystem, mit den Fabriken und Antennen, denen es dient. "
        "Sortieren über die Spaltenköpfe; die Filter stehen in der Adresse.",
        "timeline_title": "Zeitleiste",
        "timeline_intro": "Die datierten Ereignisse im Graphen, die ältesten zuerst: Auswahlrunden und die "
        "Aufrufe und Beschlüsse dazu.",
        "timeline_selected": "Ausgewählt",
        "timeline_empty": "Der Graph enthält noch keine datierten Ereignisse.",
        "kinds_title": "Alles im Graphen, nach Art",
        "kinds_intro": "Jede Art von Dingen, die der Graph beschreibt, mit ihrer Anzahl.",
        "kind_intro": "Alle Einträge dieser Art, nach Namen.",
        "count_of": "{} Einträge",
        "not_found_title": "Seite nicht gefunden",
        "not_found": "Unter dieser Adresse gibt es keine Seite. Suchen Sie nach dem, was Sie gesucht haben, oder "
        "beginnen Sie auf der Startseite.",
        "home": "Startseite",
        "void_title": "Über den Datensatz (VoID und DCAT)",
        "void_intro": "Eine maschinenlesbare Beschreibung des Datensatzes: seine Graphen, der SPARQL-Endpunkt, die "
        "Downloads, Lizenz und Umfang, in den Vokabularen VoID und DCAT. Programme erhalten sie unter dieser "
        "Adresse als RDF.",
        "void_download": "Die Beschreibung als",
        "void_facts": "Kurz gefasst",
        "void_triples": "Aussagen",
        "void_subjects": "verschiedene Subjekte",
        "void_built": "erstellt",
        "void_graphs": "benannte Graphen",
        "home_title": "Der Wissensgraph der EuroHPC-KI-Fabriken",
        "home_lead": "Ein offener Wissensgraph der KI-Fabriken und KI-Fabrik-Antennen, die das Gemeinsame "
        "Unternehmen EuroHPC ausgewählt hat: die Supercomputer, auf denen sie laufen, ihre Träger, Konsortien, "
        "Partnerschaften, Schwerpunkte und die Quellen jeder Aussage. Er ist als Linked Data veröffentlicht, mit "
        "einem SPARQL-1.1-Endpunkt, den jeder abfragen kann.",
        "in_numbers": "In Zahlen",
        "built": "Erstellt {} (Build {}).",
        "use_it": "Nutzen",
        "door_query": "Den Graphen abfragen",
        "door_query_rest": "im SPARQL-Editor, ausgehend von einem Beispiel; Programme nutzen direkt den Endpunkt {}.",
        "door_questions": "Beispielfragen",
        "door_questions_rest": "was der Graph beantwortet, mit Tabellen und Diagrammen.",
        "door_ontology": "Die Ontologie",
        "door_ontology_rest": "jede Klasse und Eigenschaft, mit Definitionen und Beispielen.",
        "door_dumps": "Den Datensatz herunterladen",
        "door_void": "Über den Datensatz",
        "door_void_rest": "seine Beschreibung in VoID und DCAT: Graphen, Endpunkt und Downloads.",
        "door_gaps": "Was der Graph noch nicht weiß",
        "door_gaps_rest": "gesuchte Fakten, jeweils mit der Bitte um eine Quelle; und",
        "door_changes": "was sich seit dem vorigen Build geändert hat",
        "door_explore": "Das Netz erkunden",
        "door_explore_rest": "auf einer Karte, in sortierbaren Tabellen und auf einer Zeitleiste.",
        "count_factories": "KI-Fabriken",
        "count_antennas": "KI-Fabrik-Antennen",
        "count_systems": "Rechensysteme",
        "count_countries": "Länder",
        "count_organisations": "Organisationen",
        "count_triples": "Tripel",
        "dumps_title": "Den Datensatz herunterladen",
        "dump_union": "Vereinigung aller Graphen",
        "dump_named": "benannte Graphen",
        "dumps_intro": "Build {} vom {}: die Ontologie, die erfassten Daten und die OWL-RL-Folgerungen.",
        "col_file": "Datei",
        "col_format": "Format",
        "col_media_type": "Medientyp",
        "col_bytes": "Bytes",
        "questions_title": "Beispielfragen",
        "questions_lead": "Fragen, für deren Beantwortung der Wissensgraph gebaut wurde, jeweils mit ihrer "
        "SPARQL-Abfrage und der heutigen Antwort. Öffnen Sie eine, um die Antwort als Tabelle zu sehen, oder laden "
        "Sie sie in den Abfrageeditor, um sie zu ändern.",
        "questions_none": "Auf diesem Server sind noch keine Beispielfragen installiert.",
        "at_a_glance": "Auf einen Blick",
        "answer": "Antwort",
        "open_in_editor": "Im Abfrageeditor öffnen",
        "download_answer": "Die Antwort als CSV herunterladen",
        "answer_failed": "Die Antwort konnte nicht berechnet werden: {}",
        "yes": "Ja",
        "no": "Nein",
        "no_rows": "Keine Zeilen: Der Graph enthält noch nichts, was diese Frage beantwortet.",
        "rows_total": "{} Zeilen",
        "rows_first": "{} Zeilen, die ersten {} angezeigt",
        "the_query": "Die Abfrage",
        "health": "Zustand",
        "chart_rounds": "KI-Fabriken und Antennen je Auswahlrunde",
        "chart_countries": "KI-Fabriken und Antennen je Gastland",
        "chart_focus": "KI-Fabriken und Antennen nach Schwerpunkt",
    },
}


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


# (English, German) names of the kinds of entity, by the kind segment of their IRIs (/id/<kind>/...).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "factory": ("AI Factories", "KI-Fabriken"),
    "antenna": ("AI Factory Antennas", "KI-Fabrik-Antennen"),
    "gigafactory": ("AI Gigafactories", "KI-Gigafabriken"),
    "system": ("Computing systems", "Rechensysteme"),
    "system-class": ("System classes", "Systemklassen"),
    "country": ("Countries", "Länder"),
    "city": ("Cities", "Städte"),
    "organisation": ("Organisations", "Organisationen"),
    "partnership": ("Partnerships", "Partnerschaften"),
    "round": ("Selection rounds", "Auswahlrunden"),
    "event": ("Events", "Ereignisse"),
    "call": ("Calls", "Aufrufe"),
    "regulation": ("Regulations", "Verordnungen"),
    "source": ("Sources", "Quellen"),
    "focus-area": ("Focus areas", "Schwerpunkte"),
    "target-group": ("Target groups", "Zielgruppen"),
}


def kind_name(kind: str, language: str) -> str:
    """The name of a kind of entity for headings; unknown kinds by their IRI segment."""
    names = KIND_NAMES.get(kind)
    if names is None:
        return kind.replace("-", " ").capitalize()
    return names[1] if language == "de" else names[0]


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


# ---- the query editor (/sparql): the page and the words its script shows ----
QUERY_UI: dict[str, dict[str, str]] = {
    "en": {
        "nav_gaps": "Gaps",
        "nav_changes": "Changes",
        "query_title": "Query",
        "query_heading": "Query the graph",
        "query_intro": "Write SPARQL 1.1 against the whole graph (asserted facts, OWL RL inferences and the "
        "ontology), or start from a worked question. Results link to the page of every resource. Programs send "
        "the same queries to {}.",
        "query_examples": "Start from a worked question",
        "query_choose": "— choose a question —",
        "query_load": "Load",
        "query_text": "SPARQL query",
        "query_format": "Result format",
        "query_run": "Run",
        "query_editor_region": "SPARQL editor and results",
        "query_share_heading": "Share and download",
        "query_share_link": "Link to this query",
        "query_share_note": "opens this editor with the query and runs it.",
        "query_download": "Download the results as",
        "js_endpoint": "SPARQL endpoint",
        "js_editor": "SPARQL query",
        "js_page_size": "Rows per page",
        "js_filter": "Filter the results",
        "js_table": "Table",
        "js_response": "Response",
        "js_chart": "Chart",
        "js_map": "Map",
        "js_chart_title": "{value} per {name}: {rows}",
        "js_map_title": "Map of Europe with {count} places from the results",
        "js_map_note": "{count} of the {total} rows on the map of Europe; rows without coordinates are in the "
        "table only.",
        "js_map_outside": "Not on the map (outside the area it shows): {names}.",
        "js_map_place": "Place",
        "js_map_lat": "Latitude",
        "js_map_long": "Longitude",
        "js_map_places": "The places on the map",
        "js_map_unavailable": "The base map could not be loaded; the places are listed in the table.",
    },
    "de": {
        "nav_gaps": "Lücken",
        "nav_changes": "Änderungen",
        "query_title": "Abfrage",
        "query_heading": "Den Graphen abfragen",
        "query_intro": "Schreiben Sie SPARQL 1.1 über den ganzen Graphen (erfasste Fakten, OWL-RL-Folgerungen und "
        "die Ontologie) oder beginnen Sie mit einer Beispielfrage. Die Ergebnisse verlinken auf die Seite jeder "
        "Ressource. Programme schicken dieselben Abfragen an {}.",
        "query_examples": "Mit einer Beispielfrage beginnen",
        "query_choose": "— eine Frage wählen —",
        "query_load": "Laden",
        "query_text": "SPARQL-Abfrage",
        "query_format": "Ergebnisformat",
        "query_run": "Ausführen",
        "query_editor_region": "SPARQL-Editor und Ergebnisse",
        "query_share_heading": "Teilen und herunterladen",
        "query_share_link": "Link zu dieser Abfrage",
        "query_share_note": "öffnet diesen Editor mit der Abfrage und führt sie aus.",
        "query_download": "Die Ergebnisse herunterladen als",
        "js_endpoint": "SPARQL-Endpunkt",
        "js_editor": "SPARQL-Abfrage",
        "js_page_size": "Zeilen pro Seite",
        "js_filter": "Die Ergebnisse filtern",
        "js_table": "Tabelle",
        "js_response": "Antwort",
        "js_chart": "Diagramm",
        "js_map": "Karte",
        "js_chart_title": "{value} je {name}: {rows}",
        "js_map_title": "Karte Europas mit {count} Orten aus den Ergebnissen",
        "js_map_note": "{count} der {total} Zeilen auf der Karte Europas; Zeilen ohne Koordinaten stehen nur in "
        "der Tabelle.",
        "js_map_outside": "Nicht auf der Karte (außerhalb des gezeigten Gebiets): {names}.",
        "js_map_place": "Ort",
        "js_map_lat": "Breite",
        "js_map_long": "Länge",
        "js_map_places": "Die Orte auf der Karte",
        "js_map_unavailable": "Die Grundkarte konnte nicht geladen werden; die Orte stehen in der Tabelle.",
    },
}
for _language, _words in QUERY_UI.items():
    UI[_language].update(_words)


# The editor library's own texts (YASGUI, and DataTables inside its table view) in German, as (pattern,
# replacement) pairs for JavaScript's String.replace: the script applies them to the editor's controls,
# never to result values or the query.
EDITOR_TEXTS_DE: tuple[tuple[str, str], ...] = (
    ("^Close tab$", "Tab schließen"),
    ("^Add tab$", "Tab hinzufügen"),
    ("^Add a new tab$", "Einen neuen Tab hinzufügen"),
    ("^Open settings$", "Einstellungen öffnen"),
    ("^Clear endpoint$", "Endpunkt leeren"),
    ("^Share query$", "Abfrage teilen"),
    ("^Run query$", "Abfrage ausführen"),
    ("^Shows (.+) view$", "Zeigt die Ansicht „$1“"),
    ("^View documentation of (.+)$", "Dokumentation zur Ansicht „$1“"),
    ("^(.+) documentation$", "Dokumentation zur Ansicht „$1“"),
    ("^Filter query results$", "Ergebnisse filtern"),
    ("^Download result$", "Ergebnis herunterladen"),
    ("^Download Results$", "Ergebnisse herunterladen"),
    ("^Download not supported$", "Herunterladen nicht möglich"),
    ("^Simple view$", "Einfache Ansicht"),
    ("^Ellipse$", "Lange Werte kürzen"),
    ("^Page size:$", "Zeilen pro Seite:"),
    ("^All$", "Alle"),
    ("^Show all$", "Alle zeigen"),
    ("^1 result in ([0-9.]+) seconds?$", "1 Ergebnis in $1 Sekunden"),
    ("^([0-9]+) results in ([0-9.]+) seconds?$", "$1 Ergebnisse in $2 Sekunden"),
    ("^1 result$", "1 Ergebnis"),
    ("^([0-9]+) results$", "$1 Ergebnisse"),
    ("^Response in ([0-9.]+) seconds?$", "Antwort in $1 Sekunden"),
    ("^Try query in a new browser window$", "Abfrage in einem neuen Browserfenster versuchen"),
    ("^Unable to get response from endpoint. Possible reasons:$", "Keine Antwort vom Endpunkt. Mögliche Gründe:"),
    ("^Incorrect endpoint URL$", "Falsche Adresse des Endpunkts"),
    ("^Endpoint is down$", "Der Endpunkt ist nicht erreichbar"),
    ("^cannot render result$", "Das Ergebnis kann nicht dargestellt werden"),
    ('^Press "enter" to add this endpoint$', "Eingabetaste drücken, um diesen Endpunkt hinzuzufügen"),
    ("^pagination$", "Seitenwahl"),
    ("^True$", "Ja"),
    ("^False$", "Nein"),
    ("^Request method$", "Anfragemethode"),
    ("^Accept Headers$", "Gewünschte Formate (Accept)"),
    ("^Arguments$", "Weitere Parameter"),
    ("^Header Arguments$", "Weitere Header"),
    ("^Default Graphs$", "Standardgraphen"),
    ("^Named Graphs$", "Benannte Graphen"),
)
# DataTables' own language option (the table view's row counts, paging and sorting hints).
TABLE_LANGUAGE_DE: dict[str, object] = {
    "info": "Zeilen _START_ bis _END_ von _TOTAL_",
    "infoEmpty": "Keine Zeilen",
    "infoFiltered": "(gefiltert aus _MAX_ Zeilen)",
    "zeroRecords": "Keine passenden Zeilen",
    "emptyTable": "Keine Ergebnisse",
    "thousands": ".",
    "aria": {
        "orderable": ": zum Sortieren aktivieren",
        "orderableReverse": ": zum Umkehren der Sortierung aktivieren",
        "orderableRemove": ": zum Aufheben der Sortierung aktivieren",
        "paginate": {
            "first": "Erste Seite",
            "previous": "Vorige Seite",
            "next": "Nächste Seite",
            "last": "Letzte Seite",
        },
    },
}


def editor_texts(language: str) -> dict[str, object]:
    """What the query editor's script needs to speak `language`: its own words, and for German the
    translations of the editor library's texts and the table view's language option."""
    german = language == "de"
    return {
        "words": script_words(language),
        "translations": [list(pair) for pair in EDITOR_TEXTS_DE] if german else [],
        "tableLanguage": TABLE_LANGUAGE_DE if german else {},
    }


def script_words(language: str) -> dict[str, str]:
    """The words the query editor's script shows, without their `js_` prefix, for the page's JSON config."""
    return {key[3:]: value for key, value in ui_text(language).items() if key.startswith("js_")}


MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
}  # fmt: skip


def format_date(iso: str, language: str) -> str:
    """An xsd:date as people write it: "10 December 2024", "10. Dezember 2024"; anything else unchanged."""
    try:
        year, month, day = (int(part) for part in iso[:10].split("-"))
        name = MONTHS["de" if language == "de" else "en"][month - 1]
    except (ValueError, IndexError):
        return iso
    return f"{day}. {name} {year}" if language == "de" else f"{day} {name} {year}"


def format_number(number: int, language: str) -> str:
    """Thousands separated the reader's way: 4,684 in English, 4.684 in German."""
    text = f"{number:,}"
    return text.replace(",", ".") if language == "de" else text
