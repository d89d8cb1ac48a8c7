"""JSON for programs: the published JSON-LD context (/context.jsonld), compacted JSON-LD of a resource, and
the ontology's classes and properties for the query editor's completion (/ontology/terms.json).

The context is made once per build from the build's own dataset (aifkg.jsonld.make_context), so the keys a
resource's document uses are always defined in the context the server publishes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, request

from aifkg.jsonld import compact_document, make_context
from aifkg.sparql import FORMATS
from aifkg.web.answers import answer
from aifkg.web.lookup import select
from aifkg.web.runtime import runtime

blueprint = Blueprint("json_documents", __name__)

NTRIPLES = next(f for f in FORMATS if f.name == "ntriples")
JSONLD_TYPE = "application/ld+json"
CONTEXT_PATH = "/context.jsonld"
_contexts: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def build_context() -> dict[str, Any]:
    """The context of the running build (computed from its dataset on first use, then kept)."""
    state = runtime()
    key = state.build.key
    with _lock:
        if key not in _contexts:
            quads = ox.parse(path=str(state.build.dataset_path), format=ox.RdfFormat.N_QUADS)
            _contexts[key] = make_context(quads, state.settings.base_iri + "ontology#")
        return _contexts[key]


def context_url() -> str:
    configured = runtime().settings.public_url
    base = (configured.rstrip("/") + "/") if configured else request.host_url
    return base + CONTEXT_PATH.lstrip("/")


def _json_response(body: bytes, content_type: str) -> Response:
    etag = hashlib.sha256(body).hexdigest()[:32]
    if request.if_none_match and request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(body, content_type=content_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def resource_jsonld(iri: str) -> Response:
    """Compacted JSON-LD of a resource: its own node first, then the nodes that link to it; the context by
    reference (its URL, also in a Link header)."""
    result = answer(
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> }} WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }} }}",
        NTRIPLES,
        trusted=True,
    )
    triples = ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES)
    document = compact_document(triples, build_context(), first=iri, context_reference=context_url())
    response = _json_response(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"), JSONLD_TYPE)
    response.headers["Link"] = f'<{context_url()}>; rel="http://www.w3.org/ns/json-ld#context"; type="{JSONLD_TYPE}"'
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route(CONTEXT_PATH)
def context() -> Response:
    body = json.dumps({"@context": build_context()}, ensure_ascii=False, indent=1).encode("utf-8")
    return _json_response(body, f"{JSONLD_TYPE}; charset=utf-8")


def ontology_terms(language: str) -> list[dict[str, str]]:
    """Classes and properties of our ontology with label and comment, for completion in the editor."""
    namespace = runtime().settings.base_iri + "ontology#"
    rows = select(
        "SELECT ?term ?kind ?label ?comment WHERE { GRAPH ?g { ?term a ?kind } "
        f'FILTER(STRSTARTS(STR(?term), "{namespace}")) '
        "VALUES ?kind { <http://www.w3.org/2002/07/owl#Class> <http://www.w3.org/2002/07/owl#ObjectProperty> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> } "
        f"OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        f'FILTER(langMatches(lang(?label), "{language}")) }} '
        "OPTIONAL { ?term <http://www.w3.org/2000/01/rdf-schema#comment> ?comment "
        'FILTER(langMatches(lang(?comment), "en")) } } ORDER BY ?term'
    )
    terms: dict[str, dict[str, str]] = {}
    for row in rows:
        iri = row["term"]["value"]
        kind = "class" if row["kind"]["value"].endswith("#Class") else "property"
        terms.setdefault(
            iri,
            {
                "iri": iri,
                "prefixed": "aif:" + iri[len(namespace) :],
                "kind": kind,
                "label": row.get("label", {}).get("value", ""),
                "comment": row.get("comment", {}).get("value", ""),
            },
        )
    return list(terms.values())


@blueprint.route("/ontology/terms.json")
def terms() -> Response:
    language = request.args.get("lang", "en")
    if language not in ("en", "de"):
        language = "en"
    body = json.dumps({"prefix": "aif", "terms": ontology_terms(language)}, ensure_ascii=False).encode("utf-8")
    return _json_response(body, "application/json")
