"""Entity pages, the query editor, /gaps and /changes in a real browser, on the REAL graph.

Debian's headless Chromium driven by Playwright against the real server (conftest's start_server).
Every test fails on a JavaScript error, a console error (a Content-Security-Policy violation among them) or
a request to any host but the server; axe-core (from npm, node_modules/axe-core) must find no serious or
critical violation at desktop width and at 390 px; the server's HTML must parse strictly as HTML5.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from aifkg.build import Build, run_build
from aifkg.config import PROJECT_ROOT
from aifkg.namespace import ID_BASE
from tests.conftest import MINI, REAL_CACHE, mini_settings, mini_source_args
from tests.e2e.conftest import LiveServer, start_server, stop_server
from tests.e2e.test_browser import ARTIFACTS, Problems
from tests.test_pages import audit

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ID = ID_BASE
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DRAWN = re.compile(r"^([2-9]|[1-9][0-9]+)$")  # the resource and at least one neighbour


@pytest.fixture(scope="module")
def real_server(real_build: Build) -> Iterator[LiveServer]:
    """The real graph, from the tests' build of it (the server verifies and serves it)."""
    live = start_server(
        ["--cache", str(REAL_CACHE), "--quiet"],
        {"AIFKG_QUERY_TIMEOUT": "10"},
        startup_timeout=300,
    )
    yield live
    stop_server(live)


def open_page(browser: Browser, server: LiveServer, viewport: dict[str, int], name: str) -> Page:
    phone = viewport["width"] < 500
    context = browser.new_context(base_url=server.url, viewport=viewport, is_mobile=phone, has_touch=phone)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = Problems(page)
    outside: list[str] = []

    def note_request(request: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != "127.0.0.1":
            outside.append(request.url)

    page.on("request", note_request)
    page.problems = problems  # type: ignore[attr-defined]
    page.outside = outside  # type: ignore[attr-defined]
    page.test_name = name  # type: ignore[attr-defined]
    return page


@pytest.fixture()
def desktop(browser: Browser, real_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = open_page(browser, real_server, DESKTOP, request.node.name)
    yield from checked(page, request)


@pytest.fixture()
def phone(browser: Browser, real_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Page]:
    page = open_page(browser, real_server, PHONE, request.node.name)
    yield from checked(page, request)


def checked(page: Page, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Hand out the page; afterwards fail on console errors or outside requests, with a screenshot."""
    try:
        yield page
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
        assert not page.outside, page.outside  # type: ignore[attr-defined]
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        raise
    finally:
        page.context.close()


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm install` (axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # evaluated by the driver, not a page script
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
    )
    return list(found)


def served_html(server: LiveServer, path: str) -> str:
    request = urllib.request.Request(server.url + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.read().decode("utf-8"))


def sparql_rows(server: LiveServer, query: str) -> list[dict[str, dict[str, str]]]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(server.endpoint, data=body, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows: list[dict[str, dict[str, str]]] = json.loads(response.read())["results"]["bindings"]
        return rows


# ---- entity pages ----


@pytest.mark.parametrize("path", ["/id/factory/litai", "/id/factory/it4lia?lang=de", "/id/system/jupiter"])
def test_entity_page_desktop(desktop: Page, real_server: LiveServer, path: str) -> None:
    audit(served_html(real_server, path))  # strict HTML5
    desktop.goto(path)
    expect(desktop.locator("#summary-heading")).to_be_visible()
    picture = desktop.locator("#neighbourhood")
    expect(picture).to_have_attribute("data-drawn", DRAWN)
    expect(desktop.locator(".legend li").first).to_be_visible()
    expect(desktop.locator(".graph-tools")).to_be_visible()
    assert axe_violations(desktop) == []


def test_wheel_scrolls_the_page_and_zoom_needs_buttons_or_ctrl(desktop: Page) -> None:
    desktop.goto("/id/factory/it4lia")
    picture = desktop.locator("#neighbourhood")
    expect(picture).to_have_attribute("data-drawn", DRAWN)
    picture.scroll_into_view_if_needed()
    desktop.evaluate("window.scrollBy(0, -100)")
    box = picture.bounding_box()
    assert box is not None
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom = desktop.evaluate("window.aifkgNeighbourhood.zoom()")
    before = desktop.evaluate("window.scrollY")
    desktop.mouse.wheel(0, 300)
    desktop.wait_for_function("(before) => window.scrollY > before", arg=before)
    assert desktop.evaluate("window.aifkgNeighbourhood.zoom()") == zoom  # the wheel left the picture alone
    box = picture.bounding_box()
    assert box is not None
    desktop.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    scrolled = desktop.evaluate("window.scrollY")
    desktop.keyboard.down("Control")
    desktop.mouse.wheel(0, -200)
    desktop.keyboard.up("Control")
    desktop.wait_for_function("(zoom) => window.aifkgNeighbourhood.zoom() > zoom", arg=zoom)
    assert desktop.evaluate("window.scrollY") == scrolled  # Ctrl + wheel zooms instead of scrolling
    zoomed = desktop.evaluate("window.aifkgNeighbourhood.zoom()")
    desktop.get_by_role("button", name="Zoom out").click()
    assert desktop.evaluate("window.aifkgNeighbourhood.zoom()") < zoomed
    desktop.get_by_role("button", name="Fit").click()
    desktop.get_by_role("button", name="Zoom in").click()
    assert desktop.evaluate("window.aifkgNeighbourhood.zoom()") > zoom * 1.1


def test_entity_page_on_a_phone(phone: Page, real_server: LiveServer) -> None:
    phone.goto("/id/factory/litai")
    picture = phone.locator("#neighbourhood")
    expect(picture).to_have_attribute("data-drawn", DRAWN)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing scrolls sideways
    box = picture.bounding_box()
    assert box is not None and box["height"] <= PHONE["height"] * 0.45  # small on a phone
    assert axe_violations(phone) == []
    picture.evaluate("element => element.scrollIntoView({block: 'center'})")
    box = picture.bounding_box()
    assert box is not None
    before = phone.evaluate("window.scrollY")
    assert before > 300
    # a finger drawn 200 px down over the picture, as touch events: the page scrolls back up
    session = phone.context.new_cdp_session(phone)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 3
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + 20 * step}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    phone.wait_for_function("(before) => window.scrollY < before - 100", arg=before)
    assert phone.url.endswith("/id/factory/litai")  # the swipe was not taken for a tap on a node


# ---- the query editor ----

UNDECLARED = (
    "SELECT ?factory ?country WHERE { ?factory a aif:AIFactory ; aif:hostCountry ?country } ORDER BY ?factory LIMIT 6"
)


def test_query_without_prefixes_shows_labels_beside_iris(desktop: Page, real_server: LiveServer) -> None:
    expected = sparql_rows(
        real_server,
        "PREFIX aif: <https://w3id.org/aifactories/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?factory ?name WHERE { ?factory a aif:AIFactory ; rdfs:label ?name FILTER(lang(?name) = 'en') } "
        "ORDER BY ?factory LIMIT 6",
    )
    desktop.goto("/sparql?qtext=" + urllib.parse.quote(UNDECLARED))
    rows = desktop.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(len(expected))
    expect(desktop.locator(".yasqe .parseErrorIcon")).to_have_count(0)  # aif: is known to the editor
    for index, row in enumerate(expected):
        factory = rows.nth(index).locator("a.iri").first  # the first column (the simple view has no row numbers)
        expect(factory).to_have_attribute("href", "/id/" + row["factory"]["value"][len(ID) :])
        expect(factory.locator("xpath=following-sibling::span[1]")).to_have_class("iri-label")
        expect(factory.locator("xpath=following-sibling::span[1]")).to_have_text(row["name"]["value"])
    expect(desktop.locator(".yasr")).not_to_contain_text("^^")  # the simple view: no RDF term syntax
    assert axe_violations(desktop) == []


def test_completion_comes_from_the_ontology(desktop: Page) -> None:
    desktop.goto("/sparql")
    expect(desktop.locator(".yasqe .CodeMirror")).to_be_visible()
    desktop.evaluate(
        "() => { const cm = document.querySelector('.CodeMirror').CodeMirror;"
        " cm.setValue('SELECT * WHERE {\\n  ?x aif:host'); cm.focus(); cm.setCursor({line: 1, ch: 14}); }"
    )
    desktop.keyboard.press("Control+Space")
    hints = desktop.locator(".CodeMirror-hints li")
    expect(hints.first).to_be_visible()
    texts = hints.all_inner_texts()
    assert "aif:hostCountry — host country" in texts and all(text.startswith("aif:host") for text in texts)


def test_chart_and_map_views(desktop: Page) -> None:
    counts = (
        "SELECT ?country (COUNT(?factory) AS ?factories) WHERE { ?factory a aif:AIFactory ; "
        "aif:participatingCountry ?country } GROUP BY ?country ORDER BY DESC(?factories) ?country"
    )
    desktop.goto("/sparql?qtext=" + urllib.parse.quote(counts))
    rows = desktop.locator(".yasr table.dataTable tbody tr")
    expect(rows.first).to_be_visible()
    total = int(desktop.locator(".yasr").evaluate("e => e.textContent.match(/(\\d+) results? in/)[1]"))
    desktop.locator(".yasr .select_chart").click()
    expect(desktop.locator("svg.result-chart rect.chart-bar")).to_have_count(total)
    expect(desktop.locator("svg.result-chart text.chart-label").first).not_to_have_text("")
    places = (
        "SELECT ?place ?lat ?long WHERE { VALUES (?place ?lat ?long) { "
        f"(<{ID}country/de> 52.52 13.40) (<{ID}country/fi> 60.17 24.94) (<{ID}country/it> 41.90 12.50) }} }}"
    )
    desktop.goto("/sparql?qtext=" + urllib.parse.quote(places))
    expect(desktop.locator(".yasr table.dataTable tbody tr")).to_have_count(3)
    desktop.locator(".yasr .select_map").click()
    expect(desktop.locator("svg.result-map circle.map-point")).to_have_count(3)
    expect(desktop.locator("svg.result-map a[href='/id/country/de']")).to_have_count(1)
    assert axe_violations(desktop) == []


def test_query_editor_on_a_phone(phone: Page) -> None:
    phone.goto("/sparql?qtext=" + urllib.parse.quote(UNDECLARED))
    expect(phone.locator(".yasr table.dataTable tbody tr").first).to_be_visible()
    expect(phone.locator(".yasr .iri-label").first).to_be_visible()
    assert axe_violations(phone) == []


# ---- /gaps and /changes ----


@pytest.mark.parametrize("path", ["/gaps", "/gaps?lang=de", "/changes"])
def test_gaps_and_changes_pages(desktop: Page, real_server: LiveServer, path: str) -> None:
    audit(served_html(real_server, path))
    desktop.goto(path)
    expect(desktop.locator("h1")).to_be_visible()
    assert axe_violations(desktop) == []
    desktop.set_viewport_size(PHONE)
    assert desktop.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(desktop) == []


def test_changes_page_with_changes(browser: Browser, tmp_path: Path) -> None:
    """Two builds of the mini fixture in one cache (a label changed in between): the page lists the change."""
    data = tmp_path / "data"
    shutil.copytree(MINI / "data", data)
    run_build(mini_settings(tmp_path / "cache", data_dir=data))
    file = next(f for f in data.glob("*.ttl") if '"Big One"@en' in f.read_text(encoding="utf-8"))
    file.write_text(file.read_text(encoding="utf-8").replace('"Big One"@en', '"Big One II"@en'), encoding="utf-8")
    server = start_server([*mini_source_args(tmp_path / "cache", data), "--quiet"], {})
    page = open_page(browser, server, DESKTOP, "changes")
    try:
        page.goto("/changes")
        section = page.locator("section.changed", has=page.locator("a[href='/id/system/big-one']"))
        expect(section.locator("li.added")).to_contain_text("Big One II")
        expect(section.locator("li.removed")).to_contain_text("Big One")
        assert axe_violations(page) == []
        page.set_viewport_size(PHONE)
        assert axe_violations(page) == []
        assert not page.problems.messages and not page.outside  # type: ignore[attr-defined]
    finally:
        page.context.close()
        stop_server(server)
