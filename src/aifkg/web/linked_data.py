"""Dereferenceable IRIs: /id/<kind>/<slug> and /ontology, as HTML for browsers and RDF for programs.

Every lookup is a fixed query with the IRI checked against the slug pattern first, so nothing a client
sends is ever spliced into SPARQL unchecked. The HTML pages are rendered by aifkg.web.entity and
aifkg.web.ontology_doc; this module owns the routes and the RDF answers.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, request

from aifkg.web.answers import answer, send_answer
from aifkg.web.entity import render_resource
from aifkg.web.json_documents import resource_jsonld
from aifkg.web.lookup import JSON_RESULTS
from aifkg.web.negotiation import graph_format, wants_html
from aifkg.web.ontology_doc import render_ontology
from aifkg.web.runtime import runtime

blueprint = Blueprint("linked_data", __name__)

KIND = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def wants_page() -> bool:
    """A browser asking for the page; a `format=` parameter (the page's own RDF links) asks for RDF instead."""
    return wants_html() and "format" not in request.args


def describe_resource(iri: str) -> Response:
    """HTML page or RDF description of one IRI of ours; 404 when the graph says nothing about it."""
    if wants_page():
        page = render_resource(iri)
        if page is None:
            abort(404)
        return page
    chosen = graph_format()
    exists = answer("ASK { ?this ?p ?o }", JSON_RESULTS, bindings={"this": iri}, trusted=True)
    if not json.loads(exists.body)["boolean"]:
        abort(404)
    if chosen.name == "jsonld":
        return resource_jsonld(iri)  # compacted with the published context
    result = answer(
        "CONSTRUCT { ?this ?p ?o . ?s ?q ?this } WHERE { { ?this ?p ?o } UNION { ?s ?q ?this } }",
        chosen,
        bindings={"this": iri},
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
    if wants_page():
        return render_ontology()
    settings = runtime().settings
    chosen = graph_format()
    result = answer(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{settings.graph_iri('ontology')}> {{ ?s ?p ?o }} }}",
        chosen,
        trusted=True,
    )
    return send_answer(result)
