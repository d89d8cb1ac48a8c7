"""The explorer pages in headless Chromium against the real server: search suggestions, the map, table
filters and CSV, the language kept across pages, the 404 page; axe-core on every page type at desktop and
phone width (no serious or critical violation), and no console error or CSP violation anywhere.

axe-core comes from npm (package.json, `make assets` installs it into node_modules) and is run through
Playwright's evaluate, which the page's Content-Security-Policy does not govern; the page itself loads
nothing but what the server sends. One module runs on the mini graph, the real-graph tests start a second
server on the project's own data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from aifkg.build import Build
from aifkg.config import PROJECT_ROOT
from aifkg.web import explore, geo
from tests.conftest import REAL_CACHE
from tests.e2e.conftest import LiveServer, start_mini_with_questions, start_server, stop_server
from tests.e2e.test_browser import Problems, screenshot_on_failure

pytestmark = pytest.mark.e2e
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MINI_PAGE_TYPES = [
    "/",
    "/?lang=de",
    "/map",
    "/factories?country=bb",
    "/antennas",
    "/systems?lang=de",
    "/timeline",
    "/search?q=alpha",
    "/id/",
    "/id/factory/",
    "/id/factory/alpha",
    "/id/factory/alpha?lang=de",
    "/no/such/page",
    "/.well-known/void",
    "/dumps/",
    "/questions",
    "/questions/02-factories-per-country",
    "/questions/04-partnerships",
    "/ontology",
    "/sparql",
    "/sparql?lang=de",
    "/gaps",
    "/changes?lang=de",
]
PROTOCOL_PARAMETERS = {"query", "default-graph-uri", "named-graph-uri"}
PLACES = (
    "SELECT ?place ?lat ?long WHERE { VALUES (?place ?lat ?long) { "
    "(<https://example.org/kg/id/factory/alpha> 48.1 11.6) (<https://example.org/kg/id/factory/beta> 41.9 12.5) "
    "(<https://example.org/kg/id/antenna/gamma> -33.9 151.2) } }"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server (granian) on the mini graph, with the mini graph's worked questions."""
    live = start_mini_with_questions(tmp_path_factory.mktemp("explore-browser-cache"))
    yield live
    stop_server(live)


def open_page(browser: Browser, url: str, width: str = "desktop") -> Page:
    context = browser.new_context(base_url=url, viewport=WIDTHS[width], accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = Problems(page)  # type: ignore[attr-defined]
    return page


@pytest.fixture()
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    opened = open_page(browser, server.url)
    yield opened
    opened.context.close()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci installs axe-core)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`)"""
    )
    return list(found)


def expect_only_the_404(page: Page) -> None:
    """Chromium logs the 404 status of a page it was sent to on purpose; that and nothing else."""
    expected = "console: Failed to load resource: the server responded with a status of 404 (Not Found)"
    messages: list[str] = page.problems.messages  # type: ignore[attr-defined]
    for _ in range(100):  # the console event may arrive after the page has loaded
        if messages:
            break
        page.wait_for_timeout(50)
    assert messages == [expected]
    messages.clear()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{page.url} is {width} px wide"  # type: ignore[index]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_axe_finds_nothing_serious_on_any_page_type(browser: Browser, server: LiveServer, width: str) -> None:
    page = open_page(browser, server.url, width)
    problems: dict[str, list[str]] = {}
    try:
        for path in MINI_PAGE_TYPES:
            page.goto(path)
            found = serious_violations(page)
            if found:
                problems[path] = found
            if path not in ("/ontology",) and width == "phone":
                no_sideways_scroll(page)
            if path == "/no/such/page":
                expect_only_the_404(page)
        assert not problems, problems
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
    finally:
        page.context.close()


@screenshot_on_failure
def test_search_suggests_while_typing_and_opens_the_choice(page: Page) -> None:
    page.goto("/map")
    box = page.get_by_role("combobox", name="Search the graph")
    box.fill("KI-Fab")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(page.locator("#site-search-list [role=group]").first).to_have_attribute("aria-label", "AI Factories")
    expect(box).to_have_attribute("aria-expanded", "true")
    assert serious_violations(page) == []  # with the suggestions open
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id") or "")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/factory/(alpha|beta)$"))
    box = page.get_by_role("combobox", name="Search the graph")
    box.fill("ALF")
    box.press("Enter")  # no suggestion chosen: the search page
    expect(page).to_have_url(re.compile(r"/search\?q=ALF$"))
    expect(page.locator("ul.hits a")).to_have_text(["Alpha AI Factory"])


@screenshot_on_failure
def test_map_markers_are_links_a_keyboard_reaches(page: Page) -> None:
    page.goto("/map")
    markers = page.locator("svg.network-map a.marker")
    expect(markers).to_have_count(4)
    alpha = page.get_by_role("link", name="Alpha AI Factory (AI Factories, Alpha City)")
    alpha.focus()
    expect(alpha).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/factory/alpha$"))
    page.go_back()
    expect(page.locator("table.results")).to_contain_text("no site recorded yet")  # delta, without a site
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scroll(page)


@screenshot_on_failure
def test_table_filters_sorting_and_csv(page: Page) -> None:
    page.goto("/")
    page.locator(".counts").get_by_role("link", name="AI Factories").click()
    expect(page).to_have_url(re.compile(r"/factories$"))
    rows = page.locator("table.overview tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Country").select_option(label="Betaland")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/factories\?country=bb"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Beta AI Factory")
    page.get_by_role("link", name="Clear the filters").click()
    page.locator("table.overview thead").get_by_role("link", name="Name").click()  # already by name: reverse
    expect(page.locator("table.overview thead th[aria-sort=descending]")).to_have_count(1)
    expect(rows.first).to_contain_text("Beta AI Factory")
    page.get_by_label("Focus area").select_option(label="health")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == "factories.csv"
    table = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [row[1] for row in table] == ["Name", "Alpha AI Factory"]


@screenshot_on_failure
def test_german_is_kept_across_pages(page: Page) -> None:
    page.goto("/")
    page.locator("nav.languages a[hreflang=de]").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("Der Wissensgraph der EuroHPC-KI-Fabriken")
    page.get_by_role("link", name="Karte", exact=True).click()
    expect(page).to_have_url(re.compile(r"/map$"))  # no ?lang= in the link: the choice is remembered
    expect(page.locator("h1")).to_have_text("Karte des Netzes der KI-Fabriken")
    page.get_by_role("link", name="Tabellen").click()
    expect(page.locator("h1")).to_have_text("KI-Fabriken")
    page.get_by_role("link", name="KI-Fabrik Alpha").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("KI-Fabrik Alpha")
    page.goto("/questions")
    expect(page.locator("h1")).to_have_text("Beispielfragen")
    page.goto("/nowhere")
    expect(page.locator("h1")).to_have_text("Seite nicht gefunden")
    expect_only_the_404(page)
    page.locator("nav.languages a[hreflang=en]").click()  # the same missing page, in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect_only_the_404(page)
    page.goto("/map")
    expect(page.locator("h1")).to_have_text("Map of the AI Factories network")


@screenshot_on_failure
def test_not_found_page_searches_and_void_is_a_page(page: Page) -> None:
    response = page.goto("/id/factory/nothing-here")
    assert response is not None and response.status == 404
    expect_only_the_404(page)
    page.locator("#page-search").fill("beta")
    page.locator("#page-search").press("Enter")
    expect(page.locator("#group-factory + ul.hits")).to_contain_text("Beta AI Factory")
    page.get_by_role("link", name="About the data").click()
    expect(page).to_have_url(re.compile(r"/\.well-known/void$"))
    expect(page.locator("h1")).to_have_text("About the dataset (VoID and DCAT)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Turtle").click()
    assert "void:Dataset" in Path(download_info.value.path()).read_text(encoding="utf-8")


def protocol_requests(page: Page) -> list[dict[str, list[str]]]:
    """The parameters of every SPARQL request the page sends from now on (query string and form body)."""
    sent: list[dict[str, list[str]]] = []

    def note(request: Request) -> None:
        url = urlsplit(request.url)
        if url.path == "/sparql" and request.resource_type in ("fetch", "xhr"):
            sent.append(parse_qs(url.query) | parse_qs(request.post_data or "", keep_blank_values=True))

    page.on("request", note)
    return sent


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_query_editor_in_german_with_results_and_map(browser: Browser, server: LiveServer, width: str) -> None:
    """The editor's own words and the library's in German, axe on the results (table and map view), the map
    view drawn on the country outlines, and requests with the SPARQL protocol's parameters only."""
    page = open_page(browser, server.url, width)
    try:
        sent = protocol_requests(page)
        page.goto("/sparql?lang=de&example=&qtext=" + quote(PLACES))
        rows = page.locator(".yasr table.dataTable tbody tr")
        expect(rows).to_have_count(3)
        expect(page.locator(".yasr .select_table")).to_contain_text("Tabelle")
        expect(page.locator(".yasr .select_response")).to_contain_text("Antwort")
        expect(page.locator(".yasr .select_map")).to_contain_text("Karte")
        expect(page.locator(".yasr .select_chart")).to_contain_text("Diagramm")
        expect(page.locator(".yasr")).to_contain_text(re.compile(r"3 Ergebnisse in [0-9]+(,[0-9]+)? Sekunden"))
        expect(page.locator(".yasr")).to_contain_text("Einfache Ansicht")
        expect(page.locator(".yasr")).to_contain_text("Zeilen 1 bis 3 von 3")
        expect(page.locator(".yasqe_queryButton")).to_have_attribute("aria-label", "Abfrage ausführen")
        expect(page.locator(".yasr_btn.select_map")).to_have_attribute("aria-label", "Zeigt die Ansicht „Karte“")
        assert serious_violations(page) == []  # the results state, table view
        if width == "phone":
            no_sideways_scroll(page)
        page.locator(".yasr .select_map").click()
        figure = page.locator(".yasr .result-figure")
        expect(figure.locator("svg.result-map circle.map-point")).to_have_count(2)  # gamma is not in Europe
        assert figure.locator("svg.result-map path.country").count() > 20  # the /map page's countries
        expect(figure.locator("svg.result-map a[href='/id/factory/alpha']")).to_have_count(1)
        expect(figure.locator("figcaption")).to_contain_text("2 der 3 Zeilen auf der Karte Europas")
        expect(figure.locator("figcaption")).to_contain_text("Nicht auf der Karte")
        figure.get_by_text("Die Orte auf der Karte").click()
        expect(figure.locator("details.map-places tbody tr")).to_have_count(3)
        assert serious_violations(page) == []  # the map view
        if width == "phone":
            no_sideways_scroll(page)
        page.goto("/sparql?lang=en")
        expect(page.locator(".yasr .select_table")).to_contain_text("Table")
        page.locator(".yasqe_queryButton").click()
        expect(page.locator(".yasr")).to_contain_text(re.compile(r"\d+ results? in [0-9.]+ seconds?"))
        assert serious_violations(page) == []
        queries = [parameters for parameters in sent if "query" in parameters]
        assert len(queries) >= 3, sent  # the two runs, and the labels asked for the results
        assert all(set(parameters) <= PROTOCOL_PARAMETERS for parameters in sent), sent
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
    finally:
        page.context.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_navigation_reaches_gaps_and_changes(browser: Browser, server: LiveServer, width: str) -> None:
    page = open_page(browser, server.url, width)
    try:
        for language, gaps, changes in (("en", "Gaps", "Changes"), ("de", "Lücken", "Änderungen")):
            page.goto(f"/?lang={language}")
            navigation = page.locator("header.site nav").first
            navigation.get_by_role("link", name=gaps, exact=True).click()
            expect(page).to_have_url(re.compile(r"/gaps$"))
            expect(page.locator("header.site nav").first.get_by_role("link", name=gaps)).to_have_attribute(
                "aria-current", "page"
            )
            page.locator("header.site nav").first.get_by_role("link", name=changes, exact=True).click()
            expect(page).to_have_url(re.compile(r"/changes$"))
            if width == "phone":
                no_sideways_scroll(page)
            assert serious_violations(page) == []
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_pages_arrive_compressed(page: Page) -> None:
    sizes: dict[str, str] = {}
    # keyed by file name, without the static files' ?v= version
    page.on(
        "response",
        lambda r: sizes.update({r.url.rsplit("/", 1)[-1].split("?")[0]: r.headers.get("content-encoding", "")}),
    )
    page.goto("/id/factory/alpha")
    page.locator("#neighbourhood canvas").first.wait_for()
    assert sizes.get("alpha") == "gzip" and sizes.get("style.css") == "gzip"
    assert sizes.get("cytoscape.min.js") == "gzip" and sizes.get("explore.js") == "gzip", sizes


# ---- the real graph ----


@pytest.fixture(scope="module")
def real_server(real_build: Build) -> Iterator[LiveServer]:
    """The real graph, from the tests' build of it (the server verifies and serves it)."""
    live = start_server(["--cache", str(REAL_CACHE), "--quiet"], {}, 300)
    yield live
    stop_server(live)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_real_graph_explorer(browser: Browser, real_server: LiveServer, width: str) -> None:
    page = open_page(browser, real_server.url, width)
    try:
        page.goto("/")
        box = page.get_by_role("combobox", name="Search the graph")
        for typed, expected in (("jupiter", "JUPITER"), ("KI-Fabrik", "Factory"), ("LitAI", "LitAI Factory")):
            box.fill(typed)
            expect(page.get_by_role("option").first).to_contain_text(expected)
        box.fill("")
        problems = {}
        for path in ("/", "/map", "/factories", "/antennas", "/systems", "/timeline", "/search?q=spain",
                     "/id/country/", "/?lang=de", "/map?lang=de", "/factories?lang=de&sort=round"):  # fmt: skip
            page.goto(path)
            found = serious_violations(page)
            if found:
                problems[path] = found
            if width == "phone":
                no_sideways_scroll(page)
        assert not problems, problems
        page.goto("/factories?lang=en")
        page.get_by_label("Country").select_option(label="Lithuania")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("table.overview tbody tr")).to_have_count(1)
        expect(page.locator("table.overview tbody tr")).to_contain_text("LitAI Factory")
        page.goto("/map")
        listed = page.locator("#places-heading ~ div table tbody tr")
        expect(listed).not_to_have_count(0)
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_real_graph_map_query_on_the_country_map(browser: Browser, real_server: LiveServer) -> None:
    """Worked question Q17 in the editor: every row with coordinates is a point on the /map page's country
    outlines, where geo.py's projection puts it."""
    question = (PROJECT_ROOT / "queries" / "17-map-sites.rq").read_text(encoding="utf-8")
    body = urlencode({"query": question}).encode()
    asked = urllib.request.Request(
        real_server.endpoint, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(asked, timeout=60) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    placed = [row for row in rows if "lat" in row and "long" in row]
    assert placed, "Q17 gives coordinates"
    page = open_page(browser, real_server.url)
    try:
        page.goto("/sparql?example=17-map-sites")
        expect(page.locator(".yasr")).to_contain_text(f"{len(rows)} results in")
        page.locator(".yasr .select_map").click()
        points = page.locator("svg.result-map circle.map-point")
        expect(points).to_have_count(len(placed))
        assert page.locator("svg.result-map path.country").count() > 30
        expect(page.locator(".result-figure figcaption")).not_to_contain_text("Not on the map")
        frame = geo.fit(explore.MAP_WIDTHS["large"])
        drawn = page.locator("svg.result-map a").evaluate_all(
            "links => links.map(a => [a.getAttribute('href'), +a.firstChild.getAttribute('cx'),"
            " +a.firstChild.getAttribute('cy')])"
        )
        sites: dict[tuple[float, float], list[str]] = {}
        for row in placed:
            sites.setdefault((float(row["long"]["value"]), float(row["lat"]["value"])), []).append(row["site"]["value"])
        real_ids = "https://w3id.org/aifactories/id/"
        alone = {"/id/" + things[0][len(real_ids) :]: site for site, things in sites.items() if len(things) == 1}
        checked = 0
        for href, cx, cy in drawn:
            if href in alone:
                x, y = frame.project(*alone[href])
                assert abs(cx - x) < 0.2 and abs(cy - y) < 0.2, (href, cx, cy, x, y)
                checked += 1
        assert checked > 0
        assert serious_violations(page) == []
        assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
    finally:
        page.context.close()
