"""The HTML page of one resource: a summary box, its statements grouped by property in the order of
aifkg.web.presentation (each with the sources that back it), what links to it, the sources of its facts,
and its neighbourhood as data for a picture.

The page is complete without JavaScript; only the neighbourhood picture needs it, and it draws from JSON
embedded in the page (no second request, nothing to keep in sync).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask import Response, render_template, request

from aifkg.web.i18n import DCTERMS, OWL, RDF, RDFS, SCHEMA, SKOS, reused_term_label, ui_text
from aifkg.web.lookup import LANGUAGES, Row, label_pattern, local_href, local_name, reader_language, select
from aifkg.web.presentation import CURRENCY, SUMMARY, order_key, show_literal, term_key
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
    datatype: str = ""  # the small tag shown beside a literal whose kind is not obvious from its text
    inferred: bool = False
    text: str = ""  # the value as people read it (numbers grouped, units, month names)


@dataclass
class PropertyGroup:
    iri: str
    label: str
    href: str | None
    values: list[Statement] = field(default_factory=list)

    @property
    def asserted(self) -> bool:
        """True when a value is stated in the data (and so backed by the subject's sources)."""
        return any(not value.inferred for value in self.values)


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
    issued_text: str = ""  # the date as the reader's language writes it


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


WEB_PAGE_PROPERTIES = {SCHEMA + "url", RDFS + "seeAlso"}
WIKIDATA = "http://www.wikidata.org/entity/"


def value_label(prop: str, iri: str, row_label: str | None) -> str:
    """A linked value's text: its label; a web page without one by its host name (not the last segment of
    its address); any other IRI by its last segment."""
    if row_label:
        return row_label
    if iri.startswith(WIKIDATA):
        return "Wikidata " + iri[len(WIKIDATA) :]
    known = reused_term_label(iri, reader_language())
    if known:
        return known
    parts = urlsplit(iri)
    if prop in WEB_PAGE_PROPERTIES and parts.scheme in ("http", "https") and parts.hostname:
        return parts.hostname.removeprefix("www.") + (" …" if parts.path.strip("/") else "")
    return local_name(iri)


def group_statements(
    rows: list[Row], node_var: str, inferred_graph: str, language: str, currency: str = ""
) -> list[PropertyGroup]:
    """Rows of (?p, ?<node_var>, ?g, labels) into one group per property, in the order PROPERTY_ORDER gives;
    literals are written for the reader (`currency` is the subject's, for its amounts of money)."""
    namespace = runtime().settings.vocabulary
    groups: OrderedDict[str, PropertyGroup] = OrderedDict()
    seen: set[tuple[str, str, str]] = set()
    inferred_values: set[tuple[str, str, str]] = set()
    for row in rows:
        prop = row["p"]["value"]
        node = row[node_var]
        key = (prop, node["value"], node.get("xml:lang", ""))
        inferred = row.get("g", {}).get("value") == inferred_graph
        if key in seen:
            if not inferred and key in inferred_values:  # asserted and also inferred: asserted wins
                for value in groups[prop].values:
                    if (prop, value.value, value.language) == key:
                        value.inferred = False
                inferred_values.discard(key)
            continue
        seen.add(key)
        if inferred:
            inferred_values.add(key)
        label = property_label(prop, row.get("pLabel", {}).get("value"), language)
        group = groups.setdefault(prop, PropertyGroup(prop, label, link_target(prop)))
        is_iri = node["type"] == "uri"
        node_label = row.get(f"{node_var}Label", {}).get("value")
        if is_iri:
            text, tag = value_label(prop, node["value"], node_label), ""
        elif "xml:lang" in node:
            text, tag = node["value"], ""
        else:
            shown = show_literal(term_key(prop, namespace), node["value"], node.get("datatype", ""), language, currency)
            text, tag = shown.text, shown.tag
        group.values.append(
            Statement(
                value=node["value"],
                label=text,
                is_iri=is_iri,
                href=link_target(node["value"]) if is_iri else None,
                language=node.get("xml:lang", ""),
                datatype=tag,
                inferred=inferred,
                text=text,
            )
        )
    for group in groups.values():
        group.values.sort(key=lambda s: (s.inferred, s.language != language, s.label.lower()))
    kept = [group for group in groups.values() if not repeats_stated_texts(group, groups.values())]
    return sorted(kept, key=lambda g: order_key(g.iri, g.label, namespace))


def repeats_stated_texts(group: PropertyGroup, groups: Iterable[PropertyGroup]) -> bool:
    """True for a group of inferred texts that are all stated under another property on the page (an
    inferred skos:note repeating a skos:editorialNote, for one): the page shows each text once."""
    if group.asserted or any(value.is_iri for value in group.values):
        return False
    stated = {(v.value, v.language) for g in groups if g is not group for v in g.values if not v.inferred}
    return all((value.value, value.language) in stated for value in group.values)


def summary_of(properties: list[PropertyGroup]) -> list[PropertyGroup]:
    """The groups the summary box shows, in SUMMARY's order, asserted values only (inferred ones stay in
    the statements table, where they are marked)."""
    namespace = runtime().settings.vocabulary
    by_key = {term_key(group.iri, namespace): group for group in properties}
    chosen = []
    for key in SUMMARY:
        group = by_key.get(key)
        if group is None or not group.asserted:
            continue
        values = [value for value in group.values if not value.inferred]
        chosen.append(PropertyGroup(group.iri, group.label, group.href, values))
    return chosen


def currency_of(rows: list[Row]) -> str:
    """The subject's aif:fundingCurrency (the unit of its amounts), if it states one."""
    wanted = runtime().settings.vocabulary + CURRENCY
    stated = (row["o"]["value"] for row in rows if row["p"]["value"] == wanted and row["o"]["type"] == "literal")
    return next(stated, "")


TITLE_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", SCHEMA + "name")


def best_title(iri: str, properties: list[PropertyGroup], language: str) -> str:
    """The name in the reader's language, else English, else any; names are rdfs:label, else
    skos:prefLabel, dcterms:title (source documents) or schema:name; else the IRI's last segment."""
    for name_property in TITLE_PROPERTIES:
        names = [v for g in properties if g.iri == name_property for v in g.values if not v.is_iri]
        for wanted in (language, "en"):
            for value in names:
                if value.language == wanted:
                    return value.value
        if names:
            return names[0].value
    return local_name(iri)


def sources_of(iri: str, language: str = "en") -> list[SourceDocument]:
    rows = select(
        f"SELECT ?this ?src ?title ?issued ?url ?language ?publisher WHERE {{ ?this <{DCTERMS_SOURCE}> ?src . "
        f"OPTIONAL {{ ?src <{DCTERMS}title> ?title }} OPTIONAL {{ ?src <{DCTERMS}issued> ?issued }} "
        f"OPTIONAL {{ ?src <{SCHEMA}url> ?url }} OPTIONAL {{ ?src <{DCTERMS}language> ?language }} "
        f"OPTIONAL {{ ?src <{DCTERMS}publisher> ?publisher FILTER(isLiteral(?publisher)) }} "
        "} ORDER BY DESC(?issued) ?src",
        {"this": iri},
    )
    documents: OrderedDict[str, SourceDocument] = OrderedDict()
    for row in rows:
        source = row["src"]["value"]
        if source in documents:
            continue
        url = row.get("url", {}).get("value")
        issued = row.get("issued", {})
        documents[source] = SourceDocument(
            iri=source,
            href=link_target(source) if row["src"]["type"] == "uri" else None,
            title=row.get("title", {}).get("value") or local_name(source),
            issued=row.get("issued", {}).get("value", ""),
            url=url if url and SAFE_SCHEMES.match(url) else None,
            language=row.get("language", {}).get("value", ""),
            publisher=row.get("publisher", {}).get("value", ""),
            issued_text=show_literal("", issued.get("value", ""), issued.get("datatype", ""), language).text,
        )
    return list(documents.values())


def neighbourhood(
    iri: str, title: str, outgoing: list[PropertyGroup], incoming: list[PropertyGroup]
) -> dict[str, list[dict[str, Any]]]:
    """Cytoscape.js elements: this resource, the resources it links to and from, one edge per pair of nodes,
    and the kinds of node drawn (for the legend)."""
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
                # one edge per pair of nodes, whichever way the links go (org:hasMember and its inverse
                # org:memberOf draw as one line)
                key = (iri, value.value)
                direction = (iri, value.value) if outwards else (value.value, iri)
                edge = edges.setdefault(
                    key,
                    {
                        "id": f"e{len(edges)}",
                        "source": direction[0],
                        "target": direction[1],
                        "labels": [],
                        "inferred": True,
                    },
                )
                edge["labels"].append(group.label)
                edge["inferred"] = edge["inferred"] and value.inferred
    edge_data = []
    for edge in edges.values():
        labels = edge.pop("labels")
        edge_data.append({"data": {**edge, "label": ", ".join(sorted(set(labels)))}})
    return {"nodes": [{"data": node} for node in nodes.values()], "edges": edge_data}


def kinds_in(graph: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The kinds of the nodes in the picture, in order of first appearance (the legend's entries)."""
    kinds: list[str] = []
    for node in graph["nodes"]:
        kind = node["data"]["kind"]
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def describe_summary(title: str, summary: list[PropertyGroup], limit: int = 300) -> str:
    """One line for search engines and link previews (<meta name="description">): the name, then the
    summary box's facts ("kind: AI Factory; host country: Lithuania; ...")."""
    shown = {group.label: [v.label if v.is_iri else (v.text or v.value) for v in group.values] for group in summary}
    facts = [f"{label}: {', '.join(values)}" for label, values in shown.items() if values]
    line = "; ".join([title, *facts])
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


def render_resource(iri: str) -> Response | None:
    """The HTML page of `iri`, or None when the graph says nothing about it."""
    settings = runtime().settings
    language = reader_language()
    outgoing_rows = select(
        f"SELECT ?this ?p ?o ?g ?pLabel ?oLabel WHERE {{ GRAPH ?g {{ ?this ?p ?o }} "
        f"{label_pattern('p', language)} {label_pattern('o', language)} }}",
        {"this": iri},
    )
    if not outgoing_rows:
        return None
    incoming_rows = select(
        f"SELECT ?this ?p ?s ?g ?pLabel ?sLabel WHERE {{ GRAPH ?g {{ ?s ?p ?this }} "
        f"{label_pattern('p', language)} {label_pattern('s', language)} }} LIMIT {MAX_INCOMING}",
        {"this": iri},
    )
    inferred = settings.graph_iri("inferred")
    properties = group_statements(outgoing_rows, "o", inferred, language, currency_of(outgoing_rows))
    incoming = group_statements(incoming_rows, "s", inferred, language)
    title = best_title(iri, properties, language)
    types = [v for g in properties if g.iri == RDF_TYPE for v in g.values if not v.inferred]
    graph = neighbourhood(iri, title, properties, incoming)
    summary = summary_of(properties)
    html = render_template(
        "resource.html",
        iri=iri,
        title=title,
        description=describe_summary(title, summary),
        canonical=settings.public_base + request.path.lstrip("/"),
        types=types,
        properties=properties,
        summary=summary,
        incoming=incoming,
        sources=sources_of(iri, language),
        unsourced={RDF_TYPE, DCTERMS_SOURCE},
        graph=graph,
        kinds=kinds_in(graph),
        language=language,
        languages=LANGUAGES,
        t=ui_text(language),
        has_inferred=any(v.inferred for g in properties + incoming for v in g.values),
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = language
    response.headers["Cache-Control"] = "public, max-age=300"  # the same until the next build: kept and replayed
    return response
