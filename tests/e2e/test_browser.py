"""The pages in a real browser: Debian's headless Chromium driven by Playwright, against the real server.

Chromium is the system one (`make browser` installs it); Playwright never downloads a browser. The server is
conftest's live server on the mini graph, started with the mini graph's worked questions (the project's own
questions ask about w3id IRIs the mini graph does not have). Every test fails on a JavaScript error or a
Content-Security-Policy violation, and a failing test leaves a screenshot in tests/artifacts/.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.conftest import MINI_BASE
from tests.e2e.conftest import LiveServer, start_mini_with_questions, stop_server

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FACTORIES = (
    f"PREFIX aif: <{MINI_BASE}ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    'SELECT ?factory ?name WHERE { ?factory a aif:AIFactory ; rdfs:label ?name FILTER(lang(?name) = "en") }\n'
    "ORDER BY ?name"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """conftest's live server (granian) on the mini graph, with the mini graph's worked questions."""
    live = start_mini_with_questions(tmp_path_factory.mktemp("browser-cache"))
    yield live
    stop_server(live)


class Problems:
    """JavaScript errors and console errors (CSP violations among them) seen while a page was open."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text}")


@pytest.fixture()
def page(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    opened.problems = Problems(opened)  # type: ignore[attr-defined]
    yield opened
    context.close()


def screenshot_on_failure(test: Callable[..., None]) -> Callable[..., None]:
    """Run the test; if it fails, save what the browser showed as tests/artifacts/<test>.png, then fail."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        page: Page = kwargs["page"]
        try:
            test(*args, **kwargs)
            assert not page.problems.messages, page.problems.messages  # type: ignore[attr-defined]
        except BaseException:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{test.__name__}.png"), full_page=True)
            raise

    return wrapper


@screenshot_on_failure
def test_home_and_keyboard(page: Page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text("The EuroHPC AI Factories knowledge graph")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".counts")).to_contain_text("AI Factories")
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()  # the first stop skips the navigation
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.get_by_role("link", name="Query the graph").click()
    expect(page).to_have_url(re.compile(r"/sparql$"))
    expect(page.locator(".yasgui .CodeMirror")).to_be_visible()
    expect(page.locator("#plain-query")).to_be_hidden()  # the editor replaced the plain form


@screenshot_on_failure
def test_run_an_example_and_open_an_entity(page: Page) -> None:
    page.goto("/sparql")
    page.get_by_label("Start from a worked question").select_option("01-factories")
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page).to_have_url(re.compile(r"/sparql$"))  # loaded into the editor, no page load
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table.dataTable tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Alpha AI Factory")
    entity = page.locator(".yasr a.iri", has_text="factory/alpha")
    expect(entity).to_have_attribute("href", "/id/factory/alpha")  # our IRI opens our page
    entity.click()
    expect(page).to_have_url(re.compile(r"/id/factory/alpha$"))
    expect(page.locator("h1")).to_have_text("Alpha AI Factory")
    expect(page.locator("#neighbourhood canvas").first).to_be_visible()
    expect(page.locator("#neighbourhood")).to_have_attribute("data-drawn", "10")


@screenshot_on_failure
def test_switch_to_german_and_follow_a_link(page: Page) -> None:
    page.goto("/id/factory/alpha")
    page.locator("nav.languages a[hreflang=de]").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("KI-Fabrik Alpha")
    expect(page.locator("#statements-heading")).to_have_text("Aussagen")
    page.get_by_role("link", name="Big One").first.click()
    expect(page).to_have_url(re.compile(r"/id/system/big-one\?lang=de$"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#incoming-heading")).to_have_text("Verweise hierher")
    expect(page.get_by_role("link", name="KI-Fabrik Alpha").first).to_be_visible()


@screenshot_on_failure
def test_shared_link_runs_and_downloads_csv(page: Page) -> None:
    page.goto("/sparql?qtext=" + quote(FACTORIES))
    expect(page.locator(".yasr table.dataTable tbody tr")).to_have_count(2)  # a shared link runs at once
    expect(page.locator("#downloads a[data-format=turtle]")).to_be_hidden()  # a SELECT has no Turtle
    with page.expect_download() as download_info:
        page.locator("#downloads a[data-format=csv]").click()
    download = download_info.value
    assert download.suggested_filename == "aifkg-result.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows == [
        ["factory", "name"],
        [MINI_BASE + "id/factory/alpha", "Alpha AI Factory"],
        [MINI_BASE + "id/factory/beta", "Beta AI Factory"],
    ]
    share = page.locator("#share-link").get_attribute("href") or ""
    assert share.startswith("/sparql?qtext=") and "AIFactory" in share
    page.goto("/sparql#query=" + quote(f"ASK {{ ?f a <{MINI_BASE}ontology#AIFactory> }}"))  # YASGUI's own links
    expect(page.locator(".yasr")).to_contain_text("true", ignore_case=True)


@screenshot_on_failure
def test_questions_pages_with_chart(page: Page) -> None:
    page.goto("/questions")
    page.get_by_role("link", name="How many AI Factories does each country take part in?").click()
    expect(page.locator("svg.bars .bar-rect")).to_have_count(2)
    expect(page.locator("table.results tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Open in the query editor").click()
    expect(page.locator(".yasr table.dataTable tbody tr")).to_have_count(2)


@screenshot_on_failure
def test_ontology_links_between_terms(page: Page) -> None:
    page.goto("/ontology")
    page.locator("#hostCountry").get_by_role("link", name="participating country").click()
    expect(page).to_have_url(re.compile(r"/ontology#participatingCountry$"))
    expect(page.locator("#participatingCountry-heading")).to_be_in_viewport()


def test_pages_work_without_javascript(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/id/factory/alpha")
        expect(page.get_by_role("link", name="Big One").first).to_be_visible()
        expect(page.locator("#neighbourhood")).to_contain_text("The picture needs JavaScript")
        page.goto("/sparql?example=01-factories")
        expect(page.locator("textarea#query")).to_contain_text("SELECT ?factory ?name ?country")
        page.get_by_label("Result format").select_option("csv")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Run").click()
        assert "Alpha AI Factory" in Path(download_info.value.path()).read_text(encoding="utf-8")
    except BaseException:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "test_pages_work_without_javascript.png"), full_page=True)
        raise
    finally:
        context.close()
