"""The server's own fixed queries for HTML pages: run one, name things in the reader's language, link IRIs here.

Pages read the graph only through `select`, which runs a trusted query through the same cache and worker
processes as a client's query; values that vary are bound by the engine (`bindings`), never spliced in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from flask import request

from aifkg.sparql import FORMATS
from aifkg.web.answers import answer
from aifkg.web.runtime import runtime

JSON_RESULTS = next(f for f in FORMATS if f.name == "json")
LANGUAGES = ("en", "de")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"

Row = dict[str, dict[str, str]]


def reader_language() -> str:
    """`lang=` wins, then Accept-Language between English and German; English by default."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="en") or "en"


def label_pattern(variable: str, language: str) -> str:
    """Graph pattern binding ?<variable>Label: the label in `language`, else English (or German), else the
    title (source documents are named by dcterms:title, not rdfs:label)."""
    first, second = (language, "en") if language != "en" else ("en", "de")
    return (
        f"OPTIONAL {{ ?{variable} <{RDFS_LABEL}> ?{variable}L1 FILTER(langMatches(lang(?{variable}L1), "
        f'"{first}")) }} OPTIONAL {{ ?{variable} <{RDFS_LABEL}> ?{variable}L2 '
        f'FILTER(langMatches(lang(?{variable}L2), "{second}")) }} '
        f"OPTIONAL {{ ?{variable} <{DCTERMS_TITLE}> ?{variable}L3 }} "
        f"BIND(COALESCE(?{variable}L1, ?{variable}L2, ?{variable}L3) AS ?{variable}Label)"
    )


def select(query: str, bindings: dict[str, str] | None = None) -> list[Row]:
    """Rows of one of the server's own SELECT queries, as SPARQL JSON bindings; `bindings` gives IRIs for
    variables (bound by the engine, never spliced into the text; the SELECT must project them)."""
    result = answer(query, JSON_RESULTS, bindings=bindings, trusted=True)
    rows: list[Row] = json.loads(result.body)["results"]["bindings"]
    return rows


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def local_href(iri: str) -> str:
    """Link our own IRIs to this server's pages; leave others as they are."""
    settings = runtime().settings
    if iri.startswith(settings.id_base):
        return "/id/" + iri[len(settings.id_base) :]
    if iri.startswith(settings.ontology_iri):
        return "/ontology" + iri[len(settings.ontology_iri) :]
    return iri


def label_table(language: str) -> dict[str, str]:
    """The best label (`label_pattern`) of every IRI that has one: one query per build and language, kept in
    the runtime, so naming the things on a page is a lookup and no IRI is ever spliced into a query."""
    state = runtime()
    table = state.labels.get(language)
    if table is None:
        rows = select(
            f"SELECT ?s ?sLabel WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ {{ ?s <{RDFS_LABEL}> ?name }} UNION "
            f"{{ ?s <{DCTERMS_TITLE}> ?name }} FILTER(isIRI(?s)) }} }} {label_pattern('s', language)} }}"
        )
        table = {row["s"]["value"]: row["sLabel"]["value"] for row in rows if "sLabel" in row}
        state.labels[language] = table
    return table


def labels_of(iris: Iterable[str], language: str) -> dict[str, str]:
    """The best label of each IRI (reader's language, then English or German); IRIs without one are left out."""
    table = label_table(language)
    return {iri: table[iri] for iri in iris if iri in table}
