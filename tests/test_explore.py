"""The explorer pages through Flask's test client: search, overview tables and CSV, map, timeline, kind
listings, the VoID page, the 404 page, the language kept across pages and compression; on the mini graph
(extended with sites, rounds and antennas) and on the real graph.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from aifkg.build import Build
from aifkg.web import explore
from aifkg.web.catalogue import Catalogue, Name
from aifkg.web.geo import clip, decode_arcs, fit, ring_points
from aifkg.web.i18n import UI, format_date, format_number
from aifkg.web.language import RememberedLanguage, cookie_language
from aifkg.web.search import build_index, normalise, search
from aifkg.web.tables import Choice, read_choice
from tests.conftest import MINI_BASE
from tests.test_pages import HTML, audit

ID = MINI_BASE + "id/"
AIF = MINI_BASE + "ontology#"
NEW_PAGES = [
    "/search?q=alpha",
    "/search?q=nothing-like-this",
    "/search",
    "/factories",
    "/factories?country=bb&sort=round&order=desc",
    "/antennas",
    "/systems",
    "/map",
    "/timeline",
    "/id/",
    "/id/round/",
    "/.well-known/void",
    "/",
    "/dumps/",
    "/questions",
]


def get_page(client: FlaskClient, path: str, status: int = 200, **headers: str) -> str:
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == status, (path, response.data[:300])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# ---- pure parts ----


def test_names_are_normalised_for_search() -> None:
    assert normalise("KI-Fabrik") == "ki fabrik"
    assert normalise("  Bruyères\u2013le\u2013Châtel ") == "bruyeres le chatel"  # en dashes
    assert normalise("BRAIN++") == "brain"
    assert normalise("{}\"'<>") == ""


def small_catalogue() -> Catalogue:
    found = Catalogue(id_base=ID, ontology=AIF)
    found.names = {
        ID + "factory/litai": [Name("LitAI", "", "acronym"), Name("KI-Fabrik LitAI", "de", "label"),
                               Name("LitAI Factory", "en", "label")],
        ID + "system/jupiter": [Name("JUPITER", "en", "label")],
        ID + "factory/jaif": [Name("JUPITER AI Factory", "en", "label"), Name("JAIF", "", "acronym")],
        ID + "country/lt": [Name("Lithuania", "en", "label"), Name("Litauen", "de", "label")],
        AIF + "AIFactory": [Name("AI factory", "en", "label")],
    }  # fmt: skip
    return found


def test_search_ranks_whole_names_first_and_finds_every_kind_of_name() -> None:
    index = build_index(small_catalogue())
    assert all(entry.kind for entry in index) and not any(e.iri.startswith(AIF) for e in index)
    jupiter = search(index, "jupiter")
    assert [hit.iri for hit in jupiter] == [ID + "system/jupiter", ID + "factory/jaif"]
    assert [hit.kind for hit in jupiter] == ["system", "factory"]
    assert [hit.iri for hit in search(index, "KI-Fabrik")] == [ID + "factory/litai"]
    litai = search(index, "litai")
    assert litai[0].iri == ID + "factory/litai" and litai[0].matched == "LitAI" and litai[0].role == "acronym"
    assert [hit.iri for hit in search(index, "lit")] == [ID + "factory/litai", ID + "country/lt"]
    assert [hit.iri for hit in search(index, "factory jupiter")] == [ID + "factory/jaif"]  # words in any order
    assert search(index, "") == [] and search(index, "?x } DROP ALL") == []
    assert len(search(index, "i", limit=2)) == 2


def test_catalogue_labels_fall_back_to_english_then_any() -> None:
    catalogue = small_catalogue()
    assert catalogue.label(ID + "factory/litai", "de") == "KI-Fabrik LitAI"
    assert catalogue.label(ID + "system/jupiter", "de") == "JUPITER"
    assert catalogue.label_language(ID + "system/jupiter", "de") == "en"
    assert catalogue.label(ID + "factory/unknown-one", "en") == "unknown-one"
    assert catalogue.kind_of(ID + "factory/litai") == "factory" and catalogue.kind_of(AIF + "AIFactory") is None


def test_table_choice_keeps_only_known_columns() -> None:
    assert read_choice("factories", {"sort": "evil", "order": "desc", "country": "lt", "round": ""}) == Choice(
        {"country": "lt"}, "name", True
    )
    assert read_choice("systems", {"sort": "serves"}).sort == "serves"


def test_topology_arcs_decode_and_rings_clip() -> None:
    topology = {"transform": {"scale": [0.5, 0.5], "translate": [10, 20]}, "arcs": [[[0, 0], [2, 0], [0, 2]]]}
    arcs = decode_arcs(topology)  # type: ignore[arg-type]
    assert arcs == [[(10.0, 20.0), (11.0, 20.0), (11.0, 21.0)]]
    assert ring_points([~0], arcs) == [(11.0, 21.0), (11.0, 20.0), (10.0, 20.0)]
    square = [(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)]
    assert sorted(clip(square, (0.0, 0.0), (10.0, 10.0))) == [(0.0, 0.0), (0.0, 5.0), (5.0, 0.0), (5.0, 5.0)]
    frame = fit(800)
    x, y = frame.project(10.0, 52.0)  # the centre of the projection is inside the frame
    assert 0 < x < frame.width and 0 < y < frame.height
    west, _ = frame.project(-24.0, 64.0)  # Iceland
    east, _ = frame.project(33.0, 35.0)  # Cyprus
    assert 0 <= west < east <= frame.width


def test_dates_and_numbers_in_the_readers_language() -> None:
    assert format_date("2024-12-10", "en") == "10 December 2024"
    assert format_date("2025-03-12", "de") == "12. März 2025"
    assert format_date("not a date", "de") == "not a date"
    assert format_number(4684, "en") == "4,684" and format_number(4684, "de") == "4.684"
    assert set(UI["en"]) == set(UI["de"]), "every page word exists in both languages"


def test_remembered_language_becomes_accept_language() -> None:
    seen = {}

    def app(environ: dict[str, str], start_response: object) -> list[bytes]:
        seen["language"] = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        return [b""]

    layer = RememberedLanguage(app)
    layer({"HTTP_COOKIE": "lang=de; other=1", "HTTP_ACCEPT_LANGUAGE": "en"}, lambda *a: None)
    assert seen["language"] == "de"
    layer({"HTTP_COOKIE": "lang=de", "HTTP_ACCEPT_LANGUAGE": "en", "QUERY_STRING": "lang=en"}, lambda *a: None)
    assert seen["language"] == "en"  # ?lang= wins over the remembered choice
    layer({"HTTP_COOKIE": "lang=fr", "HTTP_ACCEPT_LANGUAGE": "en"}, lambda *a: None)
    assert seen["language"] == "en"
    assert cookie_language('lang="de') is None and cookie_language("lang=de") == "de"


# ---- pages on the mini graph ----


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("path", NEW_PAGES)
def test_explorer_pages_are_sound_html(client: FlaskClient, path: str, language: str) -> None:
    text = get_page(client, path, **{"Accept-Language": language})
    checked = audit(text)
    assert checked.html_lang == language
    assert 'id="site-search"' in text and 'role="search"' in text, "the search box is in every page's header"
    assert 'href="/map"' in text and 'href="/factories"' in text


def test_search_page_groups_results_by_kind(client: FlaskClient) -> None:
    text = get_page(client, "/search?q=KI-Fabrik")
    assert '<h2 id="group-factory">AI Factories</h2>' in text
    assert '<a href="/id/factory/alpha">Alpha AI Factory</a>' in text and "KI-Fabrik Alpha" in text
    german = get_page(client, "/search?q=alpha&lang=de")
    assert '<h2 id="group-factory">KI-Fabriken</h2>' in german and "KI-Fabrik Alpha</a>" in german
    assert '<h2 id="group-city">Städte</h2>' in german
    assert "Nichts gefunden" in get_page(client, "/search?q=zzzz&lang=de")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ALF", "factory/alpha"),
        ("compute hub", "factory/alpha"),
        ("Gamma-Antenne", "antenna/gamma"),
        ("GAM", "antenna/gamma"),
    ],
)
def test_search_json_for_programs(client: FlaskClient, query: str, found: str) -> None:
    by_format = client.get("/search", query_string={"q": query, "format": "json"})
    by_accept = client.get("/search", query_string={"q": query}, headers={"Accept": "application/json"})
    for response in (by_format, by_accept):
        assert response.status_code == 200 and response.mimetype == "application/json"
        results = json.loads(response.data)["results"]
        assert results[0]["iri"] == ID + found and results[0]["href"] == "/id/" + found


def test_search_takes_hostile_text_as_text(client: FlaskClient) -> None:
    for query in ['"} . ?s ?p ?o } #', "<script>alert(1)</script>", "x" * 5000, "\u0000"]:
        response = client.get("/search", query_string={"q": query}, headers=HTML)
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)
    assert client.get("/search?q=alpha&format=json").headers["Cache-Control"].startswith("public")


def test_factories_table_filters_sorts_and_downloads(client: FlaskClient) -> None:
    text = get_page(client, "/factories")
    assert text.count('<th scope="row">') == 2 and "2 of 2 shown" in text
    assert '<option value="bb">Betaland</option>' in text and '<option value="one">First selection</option>' in text
    filtered = get_page(client, "/factories?country=bb")
    assert (
        filtered.count('<th scope="row">') == 1 and "Beta AI Factory" in filtered and "Alpha AI Factory" not in filtered
    )
    assert '<option value="bb" selected>' in filtered
    assert 'href="/factories?country=bb&amp;format=csv"' in filtered
    descending = get_page(client, "/factories?sort=name&order=desc")
    assert descending.index("Beta AI Factory") < descending.index("Alpha AI Factory")
    assert 'aria-sort="descending"' in descending
    by_focus = get_page(client, "/factories?focus=health")
    assert by_focus.count('<th scope="row">') == 1 and "Alpha AI Factory" in by_focus
    assert get_page(client, "/factories?country=zz").count('<th scope="row">') == 0
    response = client.get("/factories?country=aa&format=csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["iri"] for row in rows] == [ID + "factory/alpha"]
    assert rows[0]["Acronym"] == "ALF" and rows[0]["Computing system"] == "Big One"
    assert rows[0]["Announced"] == "2024-12-10" and rows[0]["Site"] == "Alpha City"


def test_antennas_and_systems_tables(client: FlaskClient) -> None:
    antennas = get_page(client, "/antennas")
    assert antennas.count('<th scope="row">') == 2
    assert '<a href="/id/factory/alpha">Alpha AI Factory</a>' in antennas  # gamma's linked factory
    systems = client.get("/systems?format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(systems)))
    assert [(row["Name"], row["Type"], row["Serves"], row["Country"]) for row in rows] == [
        ("Big One", "supercomputer", "Alpha AI Factory", "Alphaland")
    ]
    assert "Rechensysteme" in get_page(client, "/systems?lang=de")


def test_map_places_every_thing_or_lists_it_without_a_place(client: FlaskClient) -> None:
    text = get_page(client, "/map")
    markers = re.findall(r'<a href="(/id/[^"]+)" aria-label="([^"]+)" class="marker', text)
    assert sorted(href for href, _ in markers) == [
        "/id/antenna/gamma", "/id/factory/alpha", "/id/factory/beta", "/id/system/big-one"
    ]  # fmt: skip
    assert ("/id/factory/alpha", "Alpha AI Factory (AI Factories, Alpha City)") in markers
    assert text.count("<line ") == 1 + 1  # gamma to alpha, and the legend's sample line
    assert "no site recorded yet" in text and '<a href="/id/antenna/delta">Delta Antenna</a>' in text
    assert "The graph gives no site for 1 of them yet" in text
    assert '<a href="/id/round/one">First selection</a>' in text  # legend
    if explore.TOPOLOGY.exists():
        assert text.count("<path d=") > 20, "country shapes from world-atlas"


def test_base_map_for_scripts_is_the_map_pages_base_map(client: FlaskClient) -> None:
    """/map/base.json: the /map page's country outlines and the projection that put them there, so a script
    (the query editor's map view) places points exactly where /map puts them."""
    response = client.get("/map/base.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "max-age=86400" in response.headers["Cache-Control"]
    squeezed = client.get("/map/base.json", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers.get("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(squeezed.data)) == json.loads(response.data)
    base = json.loads(response.data)
    frame = fit(explore.MAP_WIDTHS["large"])
    assert (base["width"], base["height"], base["scale"], base["left"], base["top"]) == (
        frame.width, frame.height, frame.scale, frame.left, frame.top
    )  # fmt: skip
    assert base["centre"] == [10.0, 52.0] and base["projection"] == "lambert-azimuthal-equal-area"
    map_page = get_page(client, "/map")
    if explore.TOPOLOGY.exists():
        assert len(base["shapes"]) > 20
        assert all(f'<path d="{shape["d"]}"/>' in map_page for shape in base["shapes"])


def test_map_image_is_a_standalone_svg(client: FlaskClient) -> None:
    response = client.get("/map.svg?size=small")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 2
    assert client.get("/map.svg?size=huge").status_code == 404
    home = get_page(client, "/")
    assert '<a href="/map"><img src="/map.svg?size=small"' in home
    assert 'alt="Small map of Europe with 4 AI Factories, antennas and computing systems' in home  # delta has no site


def test_timeline_lists_dated_events_in_order(client: FlaskClient) -> None:
    text = get_page(client, "/timeline")
    assert text.index('<time datetime="2024-12-10">10 December 2024</time>') < text.index(
        '<time datetime="2025-10-13">13 October 2025</time>'
    )
    assert "Selected (2)" in text and '<a href="/id/antenna/gamma">Gamma Antenna</a>' in text
    assert '<time datetime="2025-10-13">13. Oktober 2025</time>' in get_page(client, "/timeline?lang=de")


def test_kind_listings(client: FlaskClient) -> None:
    kinds = get_page(client, "/id/")
    assert '<a href="/id/factory/">AI Factories</a>' in kinds and '<a href="/id/round/">' in kinds
    rounds = get_page(client, "/id/round/")
    assert '<a href="/id/round/two">Antenna selection</a>' in rounds
    factories = get_page(client, "/id/factory/", **{"Accept-Language": "de"})
    assert "<h1>KI-Fabriken</h1>" in factories and 'KI-Fabrik Alpha</a> <span class="note">(ALF)</span>' in factories
    plain = client.get("/id/factory/", headers={"Accept": "text/plain"})
    assert plain.mimetype == "text/plain" and plain.get_data(as_text=True).split() == [
        ID + "factory/alpha",
        ID + "factory/beta",
    ]
    assert client.get("/id/factory").status_code == 308  # to the listing
    assert client.get("/id/no-such-kind/", headers=HTML).status_code == 404


def test_not_found_is_a_page_for_browsers_and_one_line_for_programs(client: FlaskClient) -> None:
    text = get_page(client, "/no/such/page", status=404)
    audit(text)
    assert 'id="page-search"' in text and "<h1>Page not found</h1>" in text
    assert "<h1>Seite nicht gefunden</h1>" in get_page(client, "/nope?lang=de", status=404)
    plain = client.get("/no/such/page", headers={"Accept": "*/*"})
    assert plain.status_code == 404 and plain.mimetype == "text/plain" and plain.data == b"not found\n"


def test_void_is_a_page_for_browsers_and_rdf_for_programs(client: FlaskClient) -> None:
    text = get_page(client, "/.well-known/void")
    assert 'href="/.well-known/void?format=turtle"' in text and "<h1>About the dataset (VoID and DCAT)</h1>" in text
    turtle = client.get("/.well-known/void?format=turtle", headers=HTML)
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    assert client.get("/.well-known/void", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"


def test_language_choice_is_kept_across_pages(app: Flask) -> None:
    client = app.test_client()
    first = client.get("/factories?lang=de", headers=HTML)
    assert "lang=de" in first.headers["Set-Cookie"] and "SameSite=Lax" in first.headers["Set-Cookie"]
    for path in ("/", "/dumps/", "/questions", "/map", "/timeline", "/id/factory/alpha", "/sparql", "/nope"):
        response = client.get(path, headers={**HTML, "Accept-Language": "en"})
        assert '<html lang="de">' in response.get_data(as_text=True), path
    vary = client.get("/", headers=HTML).headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary
    back = client.get("/?lang=en", headers=HTML)
    assert '<html lang="en">' in back.get_data(as_text=True) and "lang=en" in back.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/map", headers=HTML).get_data(as_text=True)


def test_language_switch_keeps_the_rest_of_the_address(client: FlaskClient) -> None:
    text = get_page(client, "/factories?country=bb")
    assert 'href="/factories?country=bb&amp;lang=de" hreflang="de"' in text


def test_german_home_and_downloads(client: FlaskClient) -> None:
    home = get_page(client, "/?lang=de")
    assert "<h1>Der Wissensgraph der EuroHPC-KI-Fabriken</h1>" in home
    assert '<dt><a href="/factories">KI-Fabriken</a></dt>' in home and "Über die Daten" in home
    assert "<h1>Den Datensatz herunterladen</h1>" in get_page(client, "/dumps/?lang=de")
    assert "<h1>Beispielfragen</h1>" in get_page(client, "/questions?lang=de")


def test_pages_and_static_files_are_gzipped_once(client: FlaskClient) -> None:
    page = client.get("/map", headers={**HTML, "Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert b"<!doctype html>" in gzip.decompress(page.data)
    plain = client.get("/map", headers=HTML)
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"<!doctype html>")
    style = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert style.headers["Content-Encoding"] == "gzip" and b"--focus" in gzip.decompress(style.data)
    style.close()
    editor = client.get("/static/vendor/yasgui.min.js", headers={"Accept-Encoding": "gzip"})
    if editor.status_code == 200:
        assert editor.headers["Content-Encoding"] == "gzip"
        assert len(editor.data) < 400_000 and b"Yasgui" in gzip.decompress(editor.data)
        revalidated = client.get(
            "/static/vendor/yasgui.min.js", headers={"Accept-Encoding": "gzip", "If-None-Match": editor.headers["ETag"]}
        )
        assert revalidated.status_code == 304
        revalidated.close()
    editor.close()
    dump = client.get("/dumps/aifkg.ttl", headers={"Accept-Encoding": "gzip"})
    assert dump.headers["Content-Encoding"] == "gzip" and b"@prefix" in gzip.decompress(dump.data)
    again = client.get("/dumps/aifkg.ttl", headers={"Accept-Encoding": "gzip"})
    assert again.data == dump.data  # the same compressed body, kept by its ETag
    plain_dump = client.get("/dumps/aifkg.ttl")
    assert "Content-Encoding" not in plain_dump.headers and plain_dump.data == gzip.decompress(dump.data)
    for response in (dump, again, plain_dump):
        response.close()
    answer = client.get(
        "/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 40"},
        headers={"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"},
    )  # fmt: skip
    body = gzip.decompress(answer.data) if answer.headers.get("Content-Encoding") == "gzip" else answer.data
    assert json.loads(body)["results"]["bindings"], "SPARQL answers are not compressed twice"


# ---- the real graph ----


@pytest.mark.parametrize(
    ("query", "found"),
    [("jupiter", "system/jupiter"), ("KI-Fabrik", "factory/"), ("LitAI", "factory/litai"), ("Spain", "country/es")],
)  # fmt: skip
def test_search_on_the_real_graph(real_client: FlaskClient, query: str, found: str) -> None:
    results = json.loads(real_client.get("/search", query_string={"q": query, "format": "json"}).data)["results"]
    assert results and results[0]["href"].startswith("/id/" + found), results[:3]


def test_real_tables_have_one_row_per_thing(real_client: FlaskClient, real_build: Build) -> None:
    per_class = real_build.stats.entities_per_class
    for table, class_name in (
        ("factories", "AIFactory"),
        ("antennas", "AIFactoryAntenna"),
        ("systems", "ComputingSystem"),
    ):
        expected = per_class.get("https://w3id.org/aifactories/ontology#" + class_name, 0)
        assert expected > 0
        text = get_page(real_client, f"/{table}")
        audit(text)
        assert text.count('<th scope="row">') == expected, table
        rows = list(csv.DictReader(io.StringIO(real_client.get(f"/{table}?format=csv").get_data(as_text=True))))
        assert len(rows) == expected and all(row["Name"] for row in rows)
    litai = get_page(real_client, "/factories?country=lt")
    assert litai.count('<th scope="row">') == 1 and "LitAI Factory" in litai


def test_real_map_timeline_and_listings(real_client: FlaskClient, real_build: Build) -> None:
    per_class = real_build.stats.entities_per_class
    things = sum(
        per_class.get("https://w3id.org/aifactories/ontology#" + name, 0)
        for name in ("AIFactory", "AIFactoryAntenna", "ComputingSystem")
    )
    text = get_page(real_client, "/map")
    audit(text)
    rows = re.findall(r"<tr><td><a href=\"/id/", text)
    assert len(rows) == things, "every thing is on the map or listed without a place"
    timeline = get_page(real_client, "/timeline?lang=de")
    audit(timeline)
    assert '<time datetime="2024-12-10">10. Dezember 2024</time>' in timeline
    for path in ("/id/", "/id/factory/", "/id/source/", "/.well-known/void", "/", "/search?q=health"):
        audit(get_page(real_client, path))
        audit(get_page(real_client, path, **{"Accept-Language": "de"}))


def test_real_catalogue_is_read_once_at_start(real_client: FlaskClient) -> None:
    state = real_client.application.extensions[explore.EXTENSION]
    before = state.catalogue
    real_client.get("/search?q=ai", headers=HTML)
    real_client.get("/factories", headers=HTML)
    assert real_client.application.extensions[explore.EXTENSION].catalogue is before
    assert len(state.index) >= len(state.catalogue.names) // 2


def test_frame_holds_the_whole_extent() -> None:
    """A frame fitted to a width keeps the whole of Europe's extent inside it."""
    frame = fit(400)
    for long, lat in ((-25.0, 34.0), (45.0, 71.5), (-25.0, 71.5), (45.0, 34.0)):
        x, y = frame.project(long, lat)
        assert -0.5 <= x <= frame.width + 0.5 and -0.5 <= y <= frame.height + 0.5


def test_dumps_page_names_each_file_in_the_page_language(client: FlaskClient) -> None:
    english = client.get("/dumps/", headers=HTML).get_data(as_text=True)
    german = client.get("/dumps/?lang=de", headers=HTML).get_data(as_text=True)
    assert "Turtle (union of all graphs)" in english and "TriG (named graphs)" in english
    assert "Turtle (Vereinigung aller Graphen)" in german and "TriG (benannte Graphen)" in german
    assert "union of all graphs" not in german


# ---- what crawlers and browsers ask for first ----


def test_robots_txt_points_at_the_sitemap_at_the_public_url(client: FlaskClient) -> None:
    robots = client.get("/robots.txt", headers={"Host": "attacker.example"})
    text = robots.get_data(as_text=True)
    assert robots.status_code == 200 and robots.mimetype == "text/plain"
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text and "attacker" not in text
    assert "Disallow: /sparql?" in text  # each query URL is work for the server


def test_sitemap_lists_the_overview_pages_and_every_resource_page(client: FlaskClient, build: Build) -> None:
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap.mimetype == "application/xml"
    root = ET.fromstring(sitemap.data)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [element.text or "" for element in root.iter(namespace + "loc")]
    assert "http://127.0.0.1:8000/" in locations and "http://127.0.0.1:8000/map" in locations
    assert "http://127.0.0.1:8000/id/factory/alpha" in locations
    kinds = {
        loc.split("/")[4] for loc in locations if loc.startswith("http://127.0.0.1:8000/id/") and loc.count("/") > 4
    }
    assert {"factory", "country"} <= kinds
    for location in locations:  # every listed page exists
        path = location[len("http://127.0.0.1:8000") :]
        assert client.get(path, headers=HTML).status_code == 200, path
    assert {e.text for e in root.iter(namespace + "lastmod")} == {build.built_at[:10]}


def test_favicon_ico_leads_to_the_svg_icon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and "/static/favicon.svg?v=" in response.headers["Location"]
    icon = client.get(response.headers["Location"])
    icon.close()  # a static file is sent as a file
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


@pytest.mark.parametrize(
    ("path", "target"),
    [("/questions/", "/questions"), ("/sparql/", "/sparql"), ("/id/factory/alpha/", "/id/factory/alpha"),
     ("/factories/?country=bb", "/factories?country=bb")],
)  # fmt: skip
def test_a_trailing_slash_redirects_to_the_page(client: FlaskClient, path: str, target: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 308 and response.headers["Location"] == target
    assert client.get(target, headers=HTML).status_code == 200


def test_no_redirect_where_neither_form_is_a_page(client: FlaskClient) -> None:
    assert client.get("/no/such/", headers=HTML).status_code == 404
    assert client.get("/id/", headers=HTML).status_code == 200  # a listing that has its slash


def test_resource_page_names_its_rdf_forms_canonical_url_and_summary(client: FlaskClient) -> None:
    text = client.get("/id/factory/alpha", headers={**HTML, "Host": "attacker.example"}).get_data(as_text=True)
    assert '<link rel="canonical" href="http://127.0.0.1:8000/id/factory/alpha">' in text
    for media_type, name in (("text/turtle", "turtle"), ("application/ld+json", "jsonld")):
        assert f'<link rel="alternate" type="{media_type}" href="?format={name}"' in text
        assert client.get(f"/id/factory/alpha?format={name}").mimetype == media_type
    description = re.search(r'<meta name="description" content="([^"]+)">', text)
    assert description is not None and description.group(1).startswith(
        "Alpha AI Factory; acronym: ALF; host country: Alphaland"
    )


def test_static_urls_carry_their_version_and_are_kept_for_a_year(client: FlaskClient) -> None:
    text = client.get("/", headers=HTML).get_data(as_text=True)
    match = re.search(r'href="(/static/style\.css\?v=([0-9a-f]{12}))"', text)
    assert match is not None
    versioned = client.get(match.group(1))
    versioned.close()
    assert versioned.status_code == 200
    assert {"public", "immutable", "max-age=31536000"} <= {
        d.strip() for d in versioned.headers["Cache-Control"].split(",")
    }
    plain = client.get("/static/style.css")
    plain.close()
    assert "immutable" not in plain.headers.get("Cache-Control", "")  # a typed URL is revalidated
    on_disk = (Path(explore.__file__).parent / "static" / "style.css").read_bytes()
    assert match.group(2) == hashlib.sha256(on_disk).hexdigest()[:12]  # a new file, a new URL
