"""Dereferenceable IRIs: /id/<kind>/<slug> and /ontology, as HTML for browsers and RDF for programs.

Every lookup is a fixed query with the IRI checked against the slug pattern first, so nothing a client
sends is ever spliced into SPARQL unchecked.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request

from aifkg.sparql import FORMATS
from aifkg.web.answers import answer, send_answer
from aifkg.web.negotiation import graph_format, wants_html
from aifkg.web.runtime import runtime

blueprint = Blueprint("linked_data", __name__)

KIND = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
JSON_RESULTS = next(f for f in FORMATS if f.name == "json")
LANGUAGES = ("en", "de")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class Statement:
    """One value of a property, ready to show."""

    value: str
    label: str
    is_iri: bool
    language: str = ""
    datatype: str = ""
    inferred: bool = False


@dataclass
class PropertyGroup:
    iri: str
    label: str
    values: list[Statement] = field(default_factory=list)


def reader_language() -> str:
    """`lang=` wins, then Accept-Language between English and German; English by default."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def _label_pattern(variable: str, language: str) -> str:
    first, second = (language, "en") if language != "en" else ("en", "de")
    return (
        f"OPTIONAL {{ ?{variable} <{RDFS_LABEL}> ?{variable}L1 FILTER(langMatches(lang(?{variable}L1), "
        f'"{first}")) }} OPTIONAL {{ ?{variable} <{RDFS_LABEL}> ?{variable}L2 '
        f'FILTER(langMatches(lang(?{variable}L2), "{second}")) }} '
        f"BIND(COALESCE(?{variable}L1, ?{variable}L2) AS ?{variable}Label)"
    )


def _select(query: str) -> list[dict[str, dict[str, str]]]:
    result = answer(query, JSON_RESULTS, trusted=True)
    rows: list[dict[str, dict[str, str]]] = json.loads(result.body)["results"]["bindings"]
    return rows


def _local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def _group(rows: list[dict[str, dict[str, str]]], subject_var: str, inferred_graph: str) -> list[PropertyGroup]:
    groups: OrderedDict[str, PropertyGroup] = OrderedDict()
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        prop = row["p"]["value"]
        node = row[subject_var]
        key = (prop, node["value"], node.get("xml:lang", ""))
        label_cell = row.get(f"{subject_var}Label")
        in_inferred = row.get("g", {}).get("value") == inferred_graph
        if key in seen:
            continue
        seen.add(key)
        group = groups.setdefault(prop, PropertyGroup(prop, row.get("pLabel", {}).get("value") or _local_name(prop)))
        is_iri = node["type"] == "uri"
        group.values.append(
            Statement(
                value=node["value"],
                is_iri=is_iri,
                label=(label_cell or {}).get("value") or (_local_name(node["value"]) if is_iri else node["value"]),
                language=node.get("xml:lang", ""),
                datatype=_local_name(node.get("datatype", "")),
                inferred=in_inferred,
            )
        )
    return sorted(groups.values(), key=lambda g: (g.label.lower(), g.iri))


def _local_href(iri: str) -> str:
    """Link our own IRIs to this server's pages; leave others as they are."""
    settings = runtime().settings
    if iri.startswith(settings.id_base):
        return "/id/" + iri[len(settings.id_base) :]
    if iri.startswith(settings.ontology_iri):
        return "/ontology" + iri[len(settings.ontology_iri) :]
    return iri


def describe_resource(iri: str) -> Response:
    """HTML page or RDF description of one IRI of ours; 404 when the graph says nothing about it."""
    settings = runtime().settings
    if wants_html():
        language = reader_language()
        outgoing = _select(
            f"SELECT ?p ?o ?g ?pLabel ?oLabel WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} "
            f"{_label_pattern('p', language)} {_label_pattern('o', language)} }}"
        )
        if not outgoing:
            abort(404)
        incoming = _select(
            f"SELECT ?p ?s ?g ?pLabel ?sLabel WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
            f"{_label_pattern('p', language)} {_label_pattern('s', language)} }} LIMIT 2000"
        )
        inferred = settings.graph_iri("inferred")
        properties = _group(outgoing, "o", inferred)
        title = next(
            (v.value for g in properties if g.iri == RDFS_LABEL for v in g.values if v.language == language),
            None,
        ) or _local_name(iri)
        html = render_template(
            "resource.html",
            iri=iri,
            title=title,
            properties=properties,
            incoming=_group(incoming, "s", inferred),
            language=language,
            href=_local_href,
            languages=LANGUAGES,
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept, Accept-Language"
        response.headers["Content-Language"] = language
        return response
    chosen = graph_format()
    exists = answer(f"ASK {{ <{iri}> ?p ?o }}", JSON_RESULTS, trusted=True)
    if not json.loads(exists.body)["boolean"]:
        abort(404)
    result = answer(
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}",
        chosen,
        trusted=True,
    )
    return send_answer(result)


@blueprint.route("/id/<kind>/<slug>")
def resource(kind: str, slug: str) -> Response:
    if not KIND.match(kind) or not SLUG.match(slug):
        abort(404)
    return describe_resource(f"{runtime().settings.id_base}{kind}/{slug}")


@blueprint.route("/ontology")
def ontology() -> Response:
    settings = runtime().settings
    graph_iri = settings.graph_iri("ontology")
    if wants_html():
        language = reader_language()
        rows = _select(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
            f"SELECT ?term ?kind ?termLabel ?comment (GROUP_CONCAT(DISTINCT ?d; separator=' ') AS ?domains) "
            f"(GROUP_CONCAT(DISTINCT ?r; separator=' ') AS ?ranges) WHERE {{ GRAPH <{graph_iri}> {{ "
            "?term a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, "
            "owl:AnnotationProperty)) "
            f'FILTER(STRSTARTS(STR(?term), "{settings.ontology_iri}")) '
            "OPTIONAL { ?term rdfs:comment ?comment FILTER(langMatches(lang(?comment), 'en')) } "
            "OPTIONAL { ?term rdfs:domain ?d FILTER(isIRI(?d)) } OPTIONAL { ?term rdfs:range ?r FILTER(isIRI(?r)) } "
            f"}} {_label_pattern('term', language)} }} GROUP BY ?term ?kind ?termLabel ?comment ORDER BY ?kind ?term"
        )
        html = render_template(
            "ontology.html",
            rows=rows,
            language=language,
            local_name=_local_name,
            href=_local_href,
            ontology_iri=settings.ontology_iri,
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Vary"] = "Accept, Accept-Language"
        return response
    chosen = graph_format()
    result = answer(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}", chosen, trusted=True)
    return send_answer(result)
