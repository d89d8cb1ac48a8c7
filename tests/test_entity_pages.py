"""Entity pages, JSON-LD, /gaps, /changes and the ontology's terms on the REAL graph (and /changes on two
builds of the mini fixture), through Flask's test client.

Expected values are read from the graph and formatted here independently (Python's own number formatting),
never copied from the pages; every page is parsed strictly as HTML5.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyld import jsonld
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from aifkg.build import Build, run_build
from aifkg.config import PROJECT_ROOT, Settings
from aifkg.jsonld import _no_remote_documents, compact_document, make_context
from aifkg.namespace import BASE_IRI
from aifkg.web import create_app
from aifkg.web.presentation import (
    PROPERTY_ORDER,
    format_money,
    format_number,
    format_result_number,
    order_key,
    show_literal,
)
from tests.conftest import MINI, mini_settings
from tests.test_pages import audit

HTML = {"Accept": "text/html"}
BASE = BASE_IRI
AIF = BASE + "ontology#"
ID = BASE + "id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_NOTE = "http://www.w3.org/2004/02/skos/core#editorialNote"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


# ---- presentation, as pure functions ----


@pytest.mark.parametrize(
    ("lexical", "english", "german"),
    [
        ("65000000", "65,000,000", "65.000.000"),
        ("1000.0", "1,000", "1.000"),
        ("241.2", "241.2", "241,2"),
        ("-1234567.50", "-1,234,567.5", "-1.234.567,5"),
        ("999", "999", "999"),
        ("0.25", "0.25", "0,25"),
    ],
)
def test_numbers_are_grouped_for_the_reader(lexical: str, english: str, german: str) -> None:
    assert format_number(lexical, "en") == english
    assert format_number(lexical, "de") == german


def test_money_units_dates_and_booleans() -> None:
    assert format_money("65000000", "EUR", "en") == "EUR 65,000,000"
    assert format_money("65000000", "EUR", "de") == "65.000.000 EUR"
    assert format_number("not a number", "en") is None and format_number("NaN", "en") is None
    assert show_literal("hplPerformance", "1000.0", XSD + "decimal", "en").text == "1,000 PFlop/s"
    assert show_literal("acceleratorCount", "24000", XSD + "integer", "de").text == "24.000 Beschleuniger"
    assert show_literal("top500List", "2025-11", XSD + "gYearMonth", "de").text == "November 2025"
    assert show_literal("announcedOn", "2025-10-10", XSD + "date", "de").text == "10. Oktober 2025"
    assert show_literal("announcedOn", "2025-10-10", XSD + "date", "en").text == "10 October 2025"
    assert show_literal("aiOptimised", "true", XSD + "boolean", "de").text == "ja"
    assert show_literal("editionYear", "2025", XSD + "integer", "en").text == "2025"  # a year is not grouped
    assert show_literal("editionMonth", "11", XSD + "integer", "de").text == "November"
    assert show_literal("eventDate", "2025-06-21T00:00:00", XSD + "dateTime", "en").text == "21 June 2025"
    assert (
        show_literal("deadline", "2026-01-15T17:00:00+01:00", XSD + "dateTime", "de").text == "15. Januar 2026, 17:00"
    )
    odd = show_literal("x", "P1Y", XSD + "duration", "en")
    assert odd.text == "P1Y" and odd.tag == "duration"  # a kind the page cannot write better keeps its tag


def test_property_order_puts_notes_last_and_unknown_before_them() -> None:
    def key(iri: str) -> tuple[int, str, str]:
        return order_key(iri, iri.rsplit("#", 1)[-1], AIF)

    assert key(AIF + "hostCountry") < key(AIF + "fundingAmount") < key(SKOS_NOTE)
    assert key(AIF + "fundingAmount") < key("https://example.org/unknown") < key(SKOS_NOTE)
    assert max(key(iri if ":" in iri else AIF + iri) for iri in PROPERTY_ORDER) == key(SKOS_NOTE)


# ---- the real graph ----


@pytest.fixture(scope="module")
def dataset(real_build: Build) -> ox.Store:
    store = ox.Store()
    store.load(path=str(real_build.dataset_path), format=ox.RdfFormat.N_QUADS)
    return store


def values(store: ox.Store, subject: str, prop: str) -> list[ox.Literal | ox.NamedNode]:
    return [quad.object for quad in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(prop), None)]


def one_literal(store: ox.Store, subject: str, prop: str) -> str:
    found = {value.value for value in values(store, subject, prop) if isinstance(value, ox.Literal)}
    assert len(found) == 1, (subject, prop, found)
    return found.pop()


def subjects_with(store: ox.Store, prop: str) -> list[str]:
    return sorted({q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(prop), None)})


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    text = response.data.decode()
    audit(text)
    return text


def grouped(number: str, language: str) -> str:
    """Python's own grouping (not the page's code), with German separators swapped in."""
    value = Decimal(number)
    text = f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value:,f}".rstrip("0")
    return text.translate(str.maketrans(",.", ".,")) if language == "de" else text


def summary_of(text: str) -> str:
    return text.split('id="summary-heading"')[1].split("</section>")[0]


def row_order(text: str) -> list[str]:
    """The property names of the statements table, in page order."""
    table = text.split('id="statements-heading"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]*" title="([^"]+)"', table)


@pytest.mark.slow  # every factory's page in two languages / the whole dump through pyld: seconds
def test_every_factory_page_shows_its_money_with_currency_in_both_languages(
    real_client: FlaskClient, dataset: ox.Store
) -> None:
    factories = subjects_with(dataset, AIF + "fundingAmount")
    assert len(factories) >= 5
    for subject in factories:
        path = "/id/" + subject[len(ID) :]
        currency = one_literal(dataset, subject, AIF + "fundingCurrency")
        amount = one_literal(dataset, subject, AIF + "fundingAmount")
        english, german = (
            summary_of(page(real_client, path + "?lang=en")),
            summary_of(page(real_client, path + "?lang=de")),
        )
        assert f"{currency} {grouped(amount, 'en')}" in english, path
        assert f"{grouped(amount, 'de')} {currency}" in german, path
        assert f">{amount}<" not in english  # never the raw lexical form


def test_systems_show_performance_in_pflops(real_client: FlaskClient, dataset: ox.Store) -> None:
    systems = subjects_with(dataset, AIF + "hplPerformance")
    assert systems
    for subject in systems:
        path = "/id/" + subject[len(ID) :]
        value = one_literal(dataset, subject, AIF + "hplPerformance")
        assert f"{grouped(value, 'en')} PFlop/s" in page(real_client, path + "?lang=en"), path
        assert f"{grouped(value, 'de')} PFlop/s" in page(real_client, path + "?lang=de"), path
    for subject in subjects_with(dataset, AIF + "acceleratorCount"):
        count = one_literal(dataset, subject, AIF + "acceleratorCount")
        assert f"{grouped(count, 'en')} accelerators" in page(real_client, "/id/" + subject[len(ID) :] + "?lang=en")


def test_summary_comes_first_and_statements_follow_the_order_table(real_client: FlaskClient, dataset: ox.Store) -> None:
    for subject in subjects_with(dataset, AIF + "hostCountry")[:12]:
        text = page(real_client, "/id/" + subject[len(ID) :])
        assert text.index('id="summary-heading"') < text.index('id="statements-heading"')
        summary = summary_of(text)
        country = values(dataset, subject, AIF + "hostCountry")[0].value
        assert f'href="/id/{country[len(ID) :]}"' in summary  # the host country is in the box
        order = row_order(text)
        positions = [order_key(iri, "", AIF)[0] for iri in order]
        assert positions == sorted(positions), subject
        assert order.index(RDFS_LABEL) < order.index(AIF + "hostCountry")
        if SKOS_NOTE in order:  # editorial notes close the table
            assert order.index(SKOS_NOTE) == len(order) - 1


def test_each_statement_names_the_sources_of_its_subject(real_client: FlaskClient, dataset: ox.Store) -> None:
    subject = ID + "factory/litai"
    sources = values(dataset, subject, "http://purl.org/dc/terms/source")
    text = page(real_client, "/id/factory/litai")
    listed = text.split('id="sources-heading"')[1]
    for number, _ in enumerate(sources, start=1):
        assert f'id="source-{number}"' in listed
    host_row = text.split(f'title="{AIF}hostCountry"')[1].split("</tr>")[0]
    backing = re.findall(r'<a href="#source-(\d+)"', host_row)
    assert sorted(map(int, backing)) == list(range(1, len(sources) + 1))
    inferred_row = text.split(f'title="{AIF}participatingCountry"')[1].split("</tr>")[0]
    assert "#source-" not in inferred_row and "by reasoning" in inferred_row
    for source in sources:  # sources are named by their dcterms:title, not by their slug
        title = one_literal(dataset, source.value, "http://purl.org/dc/terms/title")
        assert title.replace("'", "&#39;") in listed


def test_a_text_is_shown_once_even_when_reasoning_repeats_it(real_client: FlaskClient, dataset: ox.Store) -> None:
    for subject in subjects_with(dataset, SKOS_NOTE)[:15]:
        note = one_literal(dataset, subject, SKOS_NOTE)
        text = page(real_client, "/id/" + subject[len(ID) :])
        table = text.split('id="statements-heading"')[1].split("</table>")[0]
        shown = note.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
        assert table.count(shown) == 1, subject  # not again as an inferred skos:note


def test_source_pages_are_titled_by_their_title(real_client: FlaskClient, dataset: ox.Store) -> None:
    for subject in subjects_with(dataset, "http://purl.org/dc/terms/title")[:10]:
        if not subject.startswith(ID + "source/"):
            continue
        title = one_literal(dataset, subject, "http://purl.org/dc/terms/title")
        text = page(real_client, "/id/" + subject[len(ID) :])
        heading = re.search(r"<h1>(.*?)</h1>", text)
        assert heading and heading.group(1) == title.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")


def test_neighbourhood_has_a_legend_of_the_kinds_it_draws(real_client: FlaskClient) -> None:
    text = page(real_client, "/id/factory/it4lia")
    graph = json.loads(audit(text).json_scripts["neighbourhood-data"])
    kinds = {node["data"]["kind"] for node in graph["nodes"]}
    legend = text.split('id="legend-heading"')[1].split("</ul>")[0]
    assert {kind for kind in re.findall(r'class="swatch kind-([a-z-]+)"', legend)} == kinds
    pairs = [frozenset((e["data"]["source"], e["data"]["target"])) for e in graph["edges"]]
    assert len(pairs) == len(set(pairs))  # one line per pair, whichever way the links go


# ---- JSON-LD ----


def context_of(client: FlaskClient) -> dict[str, object]:
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    context: dict[str, object] = json.loads(response.data)["@context"]
    return context


def test_resource_json_ld_is_compacted_with_the_published_context(
    real_client: FlaskClient, real_settings: Settings
) -> None:
    context = context_of(real_client)
    assert context["hostCountry"] == {"@id": "aif:hostCountry", "@type": "@id"}
    assert context["label"] == {"@id": "rdfs:label", "@container": "@language"}
    response = real_client.get("/id/factory/litai", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    document = json.loads(response.data)
    published = real_settings.public_base + "context.jsonld"  # the public URL, whatever the Host header says
    assert document["@context"] == published
    assert f"<{published}>" in response.headers["Link"]
    first = document["graph"][0]
    assert first["id"] == ID + "factory/litai"  # the resource first, then what links to it
    assert "AIFactory" in first["type"] and first["hostCountry"] == ID + "country/lt"
    assert first["label"]["en"] and first["label"]["de"]
    assert all(not key.startswith("http") for node in document["graph"] for key in node)


@pytest.mark.parametrize(
    "path", ["/id/factory/litai", "/id/system/jupiter", "/id/country/de", "/id/source/vr-2024-12-10-sweden-ai-factory"]
)
def test_resource_json_ld_loads_to_the_same_triples_as_turtle(real_client: FlaskClient, path: str) -> None:
    context = context_of(real_client)
    turtle = Graph().parse(data=real_client.get(path, headers={"Accept": "text/turtle"}).data, format="turtle")
    document = json.loads(real_client.get(path, headers={"Accept": "application/ld+json"}).data)
    document["@context"] = context  # supplied locally: nothing is fetched
    text = json.dumps(document)
    from_rdflib = Graph().parse(data=text, format="json-ld")
    from_oxigraph = Graph().parse(
        data=ox.serialize(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD), format=ox.RdfFormat.N_TRIPLES),
        format="nt",
    )
    assert len(turtle) > 5
    assert isomorphic(from_rdflib, turtle) and isomorphic(from_oxigraph, turtle)


def rdflib_graphs(quads: Iterator[ox.Quad] | list[ox.Quad]) -> dict[str, Graph]:
    """Quads as one rdflib graph per named graph (via N-Triples), for isomorphism with blank nodes."""
    triples: dict[str, list[ox.Triple]] = {}
    for quad in quads:
        triples.setdefault(str(quad.graph_name), []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return {
        name: Graph().parse(data=ox.serialize(found, format=ox.RdfFormat.N_TRIPLES), format="nt")
        for name, found in triples.items()
    }


@pytest.mark.slow  # every factory's page in two languages / the whole dump through pyld: seconds
def test_json_ld_dump_loads_to_the_same_graphs_as_the_trig_dump(real_build: Build) -> None:
    text = real_build.dump_path("aifkg.jsonld").read_text(encoding="utf-8")
    document = json.loads(text)
    assert isinstance(document["@context"], dict) and document["@context"]["hostCountry"]["@id"] == "aif:hostCountry"
    expected = rdflib_graphs(list(ox.parse(path=str(real_build.dump_path("aifkg.trig")), format=ox.RdfFormat.TRIG)))
    from_oxigraph = rdflib_graphs(list(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)))
    with warnings.catch_warnings():  # rdflib 7.6 reads JSON-LD through its own deprecated dataset API
        warnings.simplefilter("ignore", DeprecationWarning)
        parsed = Dataset()
        parsed.parse(data=text, format="json-ld")
        from_rdflib = rdflib_graphs(
            list(ox.parse(parsed.serialize(format="nquads").encode(), format=ox.RdfFormat.N_QUADS))
        )
    assert len(expected) == 3 and sum(len(g) for g in expected.values()) == real_build.stats.total_triples
    for name, graph in expected.items():
        assert isomorphic(graph, from_oxigraph[name]), name
        assert isomorphic(graph, from_rdflib[name]), name


def test_remote_contexts_are_never_loaded() -> None:
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand(
            {"@context": "http://127.0.0.1:9/context.jsonld", "a": 1}, {"documentLoader": _no_remote_documents}
        )
    triple = ox.Triple(ox.NamedNode("https://example.org/a"), ox.NamedNode(AIF + "acronym"), ox.Literal("A"))
    document = compact_document([triple], make_context([triple], AIF), first="https://example.org/a")
    assert document["graph"] == [{"id": "https://example.org/a", "acronym": "A"}]


# ---- the ontology's terms for the editor ----


def test_ontology_terms_cover_every_class_and_property(real_client: FlaskClient) -> None:
    ontology = Graph().parse(PROJECT_ROOT / "ontology" / "aifactories.ttl", format="turtle")
    declared = set()
    for kind in ("Class", "ObjectProperty", "DatatypeProperty"):
        declared |= {
            str(s)
            for s in ontology.subjects(
                URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                URIRef("http://www.w3.org/2002/07/owl#" + kind),
            )
            if str(s).startswith(AIF)
        }
    response = real_client.get("/ontology/terms.json")
    assert response.mimetype == "application/json"
    body = json.loads(response.data)
    terms = {term["iri"]: term for term in body["terms"]}
    assert declared and declared <= set(terms)
    assert all(terms[iri]["prefixed"] == "aif:" + iri[len(AIF) :] and terms[iri]["label"] for iri in declared)
    assert body["prefixes"]["aif"] == AIF
    assert json.loads(real_client.get("/ontology/terms.json?lang=de").data)["terms"][0]["label"] != ""


# ---- /gaps ----


def test_gaps_list_every_warning_of_the_build_by_entity(real_client: FlaskClient, real_build: Build) -> None:
    found = json.loads(real_client.get("/gaps", headers={"Accept": "application/json"}).data)
    assert sum(len(entity["gaps"]) for entity in found) == real_build.warnings > 0
    text = page(real_client, "/gaps")
    assert text.count('class="gap-entity"') == len(found)
    assert text.count("Wanted: a source") == real_build.warnings
    for href in re.findall(r'class="gap-entity"><a href="([^"]+)"', text)[:10]:
        assert real_client.get(href, headers=HTML).status_code == 200
    assert "Gesucht: eine Quelle" in page(real_client, "/gaps?lang=de")


# ---- /changes, on two builds of the mini fixture ----


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Settings]]:
    """The mini fixture built, then built again after one label changed and one statement was added."""
    cache = tmp_path_factory.mktemp("changes-cache")
    data = tmp_path_factory.mktemp("changes-data")
    shutil.copytree(MINI / "data", data, dirs_exist_ok=True)
    run_build(mini_settings(cache, data_dir=data))
    file = next(f for f in Path(data).glob("*.ttl") if '"Big One"@en' in f.read_text(encoding="utf-8"))
    text = file.read_text(encoding="utf-8").replace('"Big One"@en', '"Big One (renamed)"@en')
    text += '\n<https://example.org/kg/id/factory/beta> <http://www.w3.org/2000/01/rdf-schema#label> "Beta"@fr .\n'
    file.write_text(text, encoding="utf-8")
    settings = mini_settings(cache, data_dir=data)
    application = create_app(settings, run_build(settings))
    yield application, settings
    application.extensions["aifkg"].executor.close()


def test_changes_page_lists_added_and_removed_statements(two_builds: tuple[Flask, Settings]) -> None:
    client = two_builds[0].test_client()
    text = page(client, "/changes")
    assert "2 statements added and 1 removed, in 2 entities" in text
    big_one = text.split('href="/id/system/big-one"')[1].split("</section>")[0]
    assert "Big One (renamed)" in big_one and "+ added" in big_one and "\u2212 removed" in big_one
    assert "Beta" in text.split('href="/id/factory/beta"')[1].split("</section>")[0]
    assert "Was sich im letzten Build geändert hat" in page(client, "/changes?lang=de")


@pytest.mark.parametrize(
    ("how", "rdf_format"),
    [
        ({"headers": {"Accept": "application/trig"}}, ox.RdfFormat.TRIG),
        ({"query_string": {"format": "nquads"}}, ox.RdfFormat.N_QUADS),
    ],
)
def test_changes_as_rdf(
    two_builds: tuple[Flask, Settings], how: dict[str, dict[str, str]], rdf_format: ox.RdfFormat
) -> None:
    client = two_builds[0].test_client()
    response = client.get("/changes", **how)  # type: ignore[arg-type]
    assert response.status_code == 200
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(response.data, format=rdf_format):
        graphs.setdefault(str(quad.graph_name.value).rsplit("/", 1)[-1], []).append(quad)
    assert {name: len(quads) for name, quads in graphs.items()} == {"added": 2, "removed": 1}
    assert [quad.object.value for quad in graphs["removed"]] == ["Big One"]


def test_changes_refuses_unknown_formats(two_builds: tuple[Flask, Settings]) -> None:
    client = two_builds[0].test_client()
    assert client.get("/changes?format=xml").status_code == 400
    assert client.get("/changes", headers={"Accept": "image/png"}).status_code == 406


def test_first_build_has_no_changes(client: FlaskClient) -> None:
    assert "no earlier build" in page(client, "/changes")
    assert client.get("/changes", headers={"Accept": "application/n-quads"}).data == b""


def test_ontology_page_describes_the_ontology_in_the_readers_language(real_client: FlaskClient) -> None:
    german = page(real_client, "/ontology?lang=de")
    assert "Ontologie der KI-Fabriken" in german and "Ein OWL-2-RL-Vokabular" in german
    assert "An OWL 2 RL vocabulary" not in german
    # definitions the ontology gives in English only are marked as English for screen readers
    assert '<p lang="en">An AI Factory selected by the EuroHPC Joint Undertaking' in german
    assert "An OWL 2 RL vocabulary" in page(real_client, "/ontology?lang=en")


@pytest.mark.parametrize(
    ("lexical", "datatype", "language", "shown"),
    [
        ("1500000000", "integer", "en", "1,500,000,000"),
        ("1500000000", "integer", "de", "1.500.000.000"),
        ("793.4", "decimal", "de", "793,4"),
        ("1234.5", "decimal", "en", "1234.5"),  # four digits: not grouped
        ("12345", "integer", "en", "12,345"),
        ("2025", "integer", "en", "2025"),  # a year in a result stays a year
        ("-20250", "integer", "de", "-20.250"),
        ("2025-10-10", "date", "de", "2025-10-10"),  # not a number: as it is
        ("abc", "integer", "en", "abc"),  # not a number after all: as it is
    ],
)
def test_numbers_in_result_tables(lexical: str, datatype: str, language: str, shown: str) -> None:
    assert format_result_number(lexical, "http://www.w3.org/2001/XMLSchema#" + datatype, language) == shown


def test_worked_question_answers_show_numbers_the_readers_way(real_client: FlaskClient) -> None:
    english = page(real_client, "/questions/02-rounds?lang=en")
    german = page(real_client, "/questions/02-rounds?lang=de")
    assert "<span>1,500,000,000</span>" in english and "<span>1.500.000.000</span>" in german
    assert "1500000000<" not in english
