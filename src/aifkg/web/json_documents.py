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
from aifkg.web.i18n import RDF, RDFS, reused_term_label
from aifkg.web.lookup import select
from aifkg.web.runtime import runtime

blueprint = Blueprint("json_documents", __name__)

NTRIPLES = next(f for f in FORMATS if f.name == "ntriples")
JSONLD_TYPE = "application/ld+json"
CONTEXT_PATH = "/context.jsonld"
OWL_PROPERTY = "http://www.w3.org/2002/07/owl#ObjectProperty"
_contexts: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def build_context() -> dict[str, Any]:
    """The context of the running build (computed from its dataset on first use, then kept)."""
    state = runtime()
    key = state.build.key
    with _lock:
        if key not in _contexts:
            quads = ox.parse(path=str(state.build.dataset_path), format=ox.RdfFormat.N_QUADS)
            _contexts[key] = make_context(quads, state.settings.vocabulary)
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
        "CONSTRUCT { ?this ?p ?o . ?s ?q ?this } WHERE { { ?this ?p ?o } UNION { ?s ?q ?this } }",
        NTRIPLES,
        bindings={"this": iri},
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


TERM_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "property",
    "http://www.w3.org/2002/07/owl#AnnotationProperty": "property",
}
# Terms of RDF and RDFS every query uses, which the ontology does not declare.
BASIC_TERMS = (RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "subClassOf")


def prefixed_name(iri: str, prefixes: dict[str, str]) -> str | None:
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and all(c.isalnum() or c in "_-" for c in local):
            return f"{prefix}:{local}"
    return None


def ontology_terms(language: str) -> list[dict[str, str]]:
    """The classes and properties the ontology declares (its own and the reused ones), with label and
    comment, for completion in the query editor; each with its prefixed name under the editor's prefixes."""
    state = runtime()
    kinds = " ".join(f"<{kind}>" for kind in TERM_KINDS)
    rows = select(
        f"SELECT ?term ?kind ?label ?comment WHERE {{ GRAPH <{state.settings.graph_iri('ontology')}> "
        f"{{ ?term a ?kind }} VALUES ?kind {{ {kinds} }} FILTER(isIRI(?term)) "
        f'OPTIONAL {{ ?term <{RDFS}label> ?label FILTER(langMatches(lang(?label), "{language}")) }} '
        f'OPTIONAL {{ ?term <{RDFS}comment> ?comment FILTER(langMatches(lang(?comment), "en")) }} }} ORDER BY ?term'
    )
    rows += [{"term": {"value": iri}, "kind": {"value": OWL_PROPERTY}} for iri in BASIC_TERMS if iri != RDF + "type"]
    terms: dict[str, dict[str, str]] = {}
    for row in rows:
        iri = row["term"]["value"]
        prefixed = prefixed_name(iri, state.prefixes)
        if prefixed is None or iri in terms:
            continue
        label = row.get("label", {}).get("value") or reused_term_label(iri, language) or ""
        terms[iri] = {
            "iri": iri,
            "prefixed": prefixed,
            "kind": TERM_KINDS.get(row["kind"]["value"], "property"),
            "label": label,
            "comment": row.get("comment", {}).get("value", ""),
        }
    return sorted(terms.values(), key=lambda term: term["prefixed"])


@blueprint.route("/ontology/terms.json")
def terms() -> Response:
    language = request.args.get("lang", "en")
    if language not in ("en", "de"):
        language = "en"
    body = json.dumps({"prefixes": runtime().prefixes, "terms": ontology_terms(language)}, ensure_ascii=False)
    return _json_response(body.encode("utf-8"), "application/json")
