"""Home page, dataset description (VoID/DCAT), dumps and health: the pages about the dataset itself."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, request, send_file

from aifkg.build import DUMP_FORMATS
from aifkg.export import DUMP_MEDIA_TYPES, DatasetFacts, describe_dataset
from aifkg.sparql import EXTENSIONS
from aifkg.web.catalogue import THING_KINDS
from aifkg.web.explore import explorer, small_map_size
from aifkg.web.i18n import ui_text
from aifkg.web.language import page_language
from aifkg.web.negotiation import graph_response, wants_html
from aifkg.web.pages import members_of
from aifkg.web.runtime import runtime

blueprint = Blueprint("site", __name__)
VOID_FORMATS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"), ("rdfxml", "RDF/XML"))


def public_url() -> str:
    """Where clients reach us (settings.public_base): never the Host header of a request."""
    return runtime().settings.public_base


def dataset_facts() -> DatasetFacts:
    state = runtime()
    stats = state.build.stats
    return DatasetFacts(
        public_url=public_url(),
        base_iri=state.settings.base_iri,
        graph_iris=state.settings.graph_iris,
        triples=stats.triples,
        entities_per_class=stats.entities_per_class,
        distinct_subjects=stats.distinct_subjects,
        built_at=state.build.built_at,
        build_key=state.build.key,
    )


def headline_counts() -> list[tuple[str, int, str | None]]:
    """Factories, antennas, systems, countries, organisations and triples for the home page: the key of
    each one's name in the page words, the number, and the page that lists them."""
    state = runtime()
    per_class = state.build.stats.entities_per_class
    ontology = state.settings.vocabulary
    organisations = per_class.get("http://www.w3.org/ns/org#Organization", 0)
    # ORG makes every factory and antenna (an org:OrganizationalCollaboration) an org:Organization too
    organisations -= per_class.get("http://www.w3.org/ns/org#OrganizationalCollaboration", 0)
    return [
        ("count_factories", per_class.get(ontology + "AIFactory", 0), "/factories"),
        ("count_antennas", per_class.get(ontology + "AIFactoryAntenna", 0), "/antennas"),
        ("count_systems", per_class.get(ontology + "ComputingSystem", 0), "/systems"),
        ("count_countries", per_class.get("https://schema.org/Country", 0), "/id/country/"),
        ("count_organisations", organisations, "/id/organisation/"),
        ("count_triples", state.build.stats.total_triples, "/dumps/"),
    ]


@blueprint.route("/")
def home() -> Response:
    """What the graph is, its size and age, and the doors into it (query, questions, ontology, dumps, VoID)."""
    state = runtime()
    language = page_language()
    members = [
        ("factories", members_of("AIFactory", language)),
        ("antennas", members_of("AIFactoryAntenna", language)),
    ]
    catalogue = explorer().catalogue
    markers = sum(1 for _, name, _ in THING_KINDS for thing in catalogue.instances(name) if thing in catalogue.sites)
    return Response(
        render_template(
            "home.html",
            counts=headline_counts(),
            build=state.build,
            dumps=DUMP_MEDIA_TYPES,
            members=members,
            things=markers,
            small_map=small_map_size(),
            endpoint=public_url() + "sparql",
        ),
        content_type="text/html; charset=utf-8",
    )


@blueprint.route("/.well-known/void")
def void() -> Response:
    """VoID and DCAT: a page for people (with the RDF one link away), RDF for programs."""
    if wants_html() and "format" not in request.args:
        facts = dataset_facts()
        return Response(
            render_template("void.html", facts=facts, formats=VOID_FORMATS, extensions=EXTENSIONS),
            content_type="text/html; charset=utf-8",
        )
    response = graph_response(describe_dataset(dataset_facts()))
    response.vary.add("Accept")
    return response


def _dump_label(name: str, t: dict[str, str]) -> str:
    """ "Turtle (union of all graphs)", "TriG (named graphs)": the syntax and what it keeps, in the page's language."""
    rdf_format = DUMP_FORMATS[name]
    return f"{rdf_format.name} ({t['dump_named'] if rdf_format.supports_datasets else t['dump_union']})"


@blueprint.route("/dumps/")
def dumps_index() -> Response:
    state = runtime()
    t = ui_text(page_language())
    files = [
        (name, media_type, _dump_label(name, t), state.build.dump_path(name).stat().st_size)
        for name, (media_type, _) in DUMP_MEDIA_TYPES.items()
    ]
    if wants_html():
        return Response(
            render_template("dumps.html", files=files, build=state.build),
            content_type="text/html; charset=utf-8",
        )
    lines = [f"{name}\t{media_type}\t{size}" for name, media_type, _, size in files]
    return Response("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in DUMP_FORMATS:
        abort(404)
    state = runtime()
    media_type = DUMP_MEDIA_TYPES[name][0]
    response = send_file(
        state.build.dump_path(name),
        mimetype=media_type,
        conditional=True,
        etag=f"{state.build.key}-{name}",
        max_age=300,
        download_name=name,
    )
    if media_type.startswith("text/") or media_type.endswith(("json", "triples", "quads", "trig")):
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    return response


@blueprint.route("/health")
def health() -> Response:
    state = runtime()
    body = {
        "status": "ok",
        "build": state.build.key,
        "built_at": state.build.built_at,
        "triples": state.build.stats.total_triples,
        "executor_restarts": state.executor.restarts,
    }
    response = Response(json.dumps(body), content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
