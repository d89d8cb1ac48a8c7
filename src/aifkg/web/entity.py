"""The HTML page of one resource: its statements grouped by property, what links to it, the sources of its
facts, and its neighbourhood as data for a picture.

The page is complete without JavaScript; only the neighbourhood picture needs it, and it draws from JSON
embedded in the page (no second request, nothing to keep in sync).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from flask import Response, render_template, request

from aifkg.web.i18n import DCTERMS, OWL, RDF, RDFS, SCHEMA, SKOS, reused_term_label, ui_text
from aifkg.web.lookup import LANGUAGES, Row, label_pattern, local_href, local_name, reader_language, select
from aifkg.web.runtime import runtime

RDF_TYPE = RDF + "type"
DCTERMS_SOURCE = DCTERMS + "source"
# Links that would crowd the picture without saying much about the neighbourhood.
NOT_IN_PICTURE = {RDF_TYPE, DCTERMS_SOURCE, RDFS + "isDefinedBy", SKOS + "inScheme", OWL + "sameAs", SCHEMA + "url"}
MAX_NEIGHBOURS = 60
MAX_INCOMING = 2000
SAFE_SCHEMES = re.compile(r"^(https?|mailto):", re.IGNORECASE)


@dataclass
class Statement:
    """One value of a property, ready to show."""

    value: str
    label: str
    is_iri: bool
    href: str | None = None
    language: str = ""
    datatype: str = ""
    inferred: bool = False


@dataclass
class PropertyGroup:
    iri: str
    label: str
    href: str | None
    values: list[Statement] = field(default_factory=list)


@dataclass(frozen=True)
class SourceDocument:
    """A document a fact comes from: dcterms:title, dcterms:issued, schema:url, dcterms:language."""

    iri: str
    href: str | None
    title: str
    issued: str
    url: str | None
    language: str
    publisher: str


def link_target(iri: str) -> str | None:
    """Where a link to `iri` goes: our pages for our IRIs, the web for http(s), nowhere for other schemes
    (a `javascript:` IRI in the data must never become a clickable link).

    A reader who chose a language with `lang=` keeps it on our pages they follow links to.
    """
    href = local_href(iri)
    if href != iri:
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            path, hash_mark, fragment = href.partition("#")
            href = f"{path}?lang={asked}{hash_mark}{fragment}"
        return href
    return iri if SAFE_SCHEMES.match(iri) else None


def property_label(iri: str, row_label: str | None, language: str) -> str:
    return row_label or reused_term_label(iri, language) or local_name(iri)


def group_statements(rows: list[Row], node_var: str, inferred_graph: str, language: str) -> list[PropertyGroup]:
    """Rows of (?p, ?<node_var>, ?g, labels) into one group per property, sorted by the property's label."""
    groups: OrderedDict[str, PropertyGroup] = OrderedDict()
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        prop = row["p"]["value"]
        node = row[node_var]
        key = (prop, node["value"], node.get("xml:lang", ""))
        if key in seen:
            continue
        seen.add(key)
        label = property_label(prop, row.get("pLabel", {}).get("value"), language)
        group = groups.setdefault(prop, PropertyGroup(prop, label, link_target(prop)))
        is_iri = node["type"] == "uri"
        node_label = row.get(f"{node_var}Label", {}).get("value")
        group.values.append(
            Statement(
                value=node["value"],
                label=node_label or (local_name(node["value"]) if is_iri else node["value"]),
                is_iri=is_iri,
                href=link_target(node["value"]) if is_iri else None,
                language=node.get("xml:lang", ""),
                datatype=local_name(node.get("datatype", "")),
                inferred=row.get("g", {}).get("value") == inferred_graph,
            )
        )
    for group in groups.values():
        group.values.sort(key=lambda s: (s.inferred, s.language != language, s.label.lower()))
    return sorted(groups.values(), key=lambda g: (g.label.lower(), g.iri))


def best_title(iri: str, properties: list[PropertyGroup], language: str) -> str:
    """The label in the reader's language, else English, else any label, else the IRI's last segment."""
    names = [v for g in properties if g.iri == RDFS + "label" for v in g.values if not v.is_iri]
    for wanted in (language, "en"):
        for value in names:
            if value.language == wanted:
                return value.value
    return names[0].value if names else local_name(iri)


def sources_of(iri: str) -> list[SourceDocument]:
    rows = select(
        f"SELECT ?src ?title ?issued ?url ?language ?publisher WHERE {{ <{iri}> <{DCTERMS_SOURCE}> ?src . "
        f"OPTIONAL {{ ?src <{DCTERMS}title> ?title }} OPTIONAL {{ ?src <{DCTERMS}issued> ?issued }} "
        f"OPTIONAL {{ ?src <{SCHEMA}url> ?url }} OPTIONAL {{ ?src <{DCTERMS}language> ?language }} "
        f"OPTIONAL {{ ?src <{DCTERMS}publisher> ?publisher FILTER(isLiteral(?publisher)) }} "
        "} ORDER BY DESC(?issued) ?src"
    )
    documents: OrderedDict[str, SourceDocument] = OrderedDict()
    for row in rows:
        source = row["src"]["value"]
        if source in documents:
            continue
        url = row.get("url", {}).get("value")
        documents[source] = SourceDocument(
            iri=source,
            href=link_target(source) if row["src"]["type"] == "uri" else None,
            title=row.get("title", {}).get("value") or local_name(source),
            issued=row.get("issued", {}).get("value", ""),
            url=url if url and SAFE_SCHEMES.match(url) else None,
            language=row.get("language", {}).get("value", ""),
            publisher=row.get("publisher", {}).get("value", ""),
        )
    return list(documents.values())


def neighbourhood(
    iri: str, title: str, outgoing: list[PropertyGroup], incoming: list[PropertyGroup]
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements: this resource, the resources it links to and from, one edge per pair of nodes."""
    id_base = runtime().settings.id_base
    nodes: OrderedDict[str, dict[str, Any]] = OrderedDict()
    edges: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    def kind_of(node: str) -> str:
        return node[len(id_base) :].split("/", 1)[0] if node.startswith(id_base) else "other"

    nodes[iri] = {"id": iri, "label": title, "href": link_target(iri), "kind": kind_of(iri), "self": True}
    for groups, outwards in ((outgoing, True), (incoming, False)):
        for group in groups:
            if group.iri in NOT_IN_PICTURE:
                continue
            for value in group.values:
                if not value.is_iri or value.value == iri:
                    continue
                if value.value not in nodes:
                    if len(nodes) > MAX_NEIGHBOURS:
                        continue
                    nodes[value.value] = {
                        "id": value.value,
                        "label": value.label,
                        "href": value.href,
                        "kind": kind_of(value.value),
                        "self": False,
                    }
                key = (iri, value.value) if outwards else (value.value, iri)
                edge = edges.setdefault(
                    key, {"id": f"e{len(edges)}", "source": key[0], "target": key[1], "labels": [], "inferred": True}
                )
                edge["labels"].append(group.label)
                edge["inferred"] = edge["inferred"] and value.inferred
    edge_data = []
    for edge in edges.values():
        labels = edge.pop("labels")
        edge_data.append({"data": {**edge, "label": ", ".join(sorted(set(labels)))}})
    return {"nodes": [{"data": node} for node in nodes.values()], "edges": edge_data}


def render_resource(iri: str) -> Response | None:
    """The HTML page of `iri`, or None when the graph says nothing about it."""
    settings = runtime().settings
    language = reader_language()
    outgoing_rows = select(
        f"SELECT ?p ?o ?g ?pLabel ?oLabel WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} "
        f"{label_pattern('p', language)} {label_pattern('o', language)} }}"
    )
    if not outgoing_rows:
        return None
    incoming_rows = select(
        f"SELECT ?p ?s ?g ?pLabel ?sLabel WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
        f"{label_pattern('p', language)} {label_pattern('s', language)} }} LIMIT {MAX_INCOMING}"
    )
    inferred = settings.graph_iri("inferred")
    properties = group_statements(outgoing_rows, "o", inferred, language)
    incoming = group_statements(incoming_rows, "s", inferred, language)
    title = best_title(iri, properties, language)
    types = [v for g in properties if g.iri == RDF_TYPE for v in g.values if not v.inferred]
    graph = neighbourhood(iri, title, properties, incoming)
    html = render_template(
        "resource.html",
        iri=iri,
        title=title,
        types=types,
        properties=properties,
        incoming=incoming,
        sources=sources_of(iri),
        graph=graph,
        language=language,
        languages=LANGUAGES,
        t=ui_text(language),
        has_inferred=any(v.inferred for g in properties + incoming for v in g.values),
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = language
    return response
