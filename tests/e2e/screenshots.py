"""Screenshots of every kind of page for the README: `make screenshots` (or `python -m tests.e2e.screenshots`).

Serves the real graph when ontology/ and data/ build; otherwise the mini fixture with its worked
questions, so the pictures can always be made. Not a test (pytest does not collect this file).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, sync_playwright

from aifkg.config import PROJECT_ROOT
from tests.conftest import MINI
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer, mini_args, start_server, stop_server

OUT = PROJECT_ROOT / "docs" / "screenshots"
MAX_HEIGHT = 1600


def serve(cache: Path) -> tuple[LiveServer, str]:
    """The real graph if it builds, else the mini fixture; and which one it is."""
    try:
        return start_server(["--cache", str(cache / "real"), "--quiet"], {}), "real data"
    except RuntimeError as failure:
        print(f"the real graph does not build ({str(failure).splitlines()[0]}); using the mini fixture")
        env = {"AIFKG_QUERIES_DIR": str(MINI / "queries")}
        return start_server(mini_args(cache / "mini"), env), "mini fixture"


def shoot(page: Page, name: str) -> None:
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), MAX_HEIGHT)
    page.screenshot(
        path=str(OUT / f"{name}.png"), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height}
    )
    print(f"docs/screenshots/{name}.png")


def first_href(page: Page, selector: str) -> str:
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"no link matches {selector} on {page.url}")
    return href


CHART_QUERY = (
    "SELECT ?country (COUNT(?factory) AS ?factories) WHERE { ?factory a aif:AIFactory ; "
    "aif:participatingCountry ?country } GROUP BY ?country ORDER BY DESC(?factories) ?country"
)


def shoot_section(page: Page, selector: str, name: str) -> None:
    page.locator(selector).first.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs/screenshots/{name}.png")


def shoot_entity_views(page: Page, entity: str) -> None:
    """The neighbourhood picture with its legend, an entity page on a phone, the query editor's labels,
    chart and map views, and the pages of gaps and changes."""
    page.goto(entity)
    page.locator("#neighbourhood[data-drawn]").wait_for()
    shoot_section(page, "section[aria-labelledby=neighbourhood-heading]", "entity-graph")
    phone = page.context.browser.new_page(  # type: ignore[union-attr]
        base_url=page.url.split("/id/")[0], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.goto(entity)
    phone.locator("#neighbourhood[data-drawn]").wait_for()
    phone.screenshot(path=str(OUT / "entity-mobile.png"))
    print("docs/screenshots/entity-mobile.png")
    phone.close()
    page.goto("/sparql?qtext=" + quote(CHART_QUERY))
    page.locator(".yasr .iri-label").first.wait_for()
    shoot(page, "query-labels")
    page.locator(".yasr .select_chart").click()
    page.locator("svg.result-chart").wait_for()
    shoot(page, "query-chart")
    page.goto("/sparql?example=17-map-sites")
    if page.locator("#example option[value='17-map-sites']").count():  # the worked map question (real data)
        page.locator(".yasr .select_map").click()
        page.locator("svg.result-map circle.map-point").first.wait_for()
        shoot(page, "query-map")
    page.goto("/gaps")
    shoot(page, "gaps")
    page.goto("/changes")
    shoot(page, "changes")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as cache, sync_playwright() as driver:
        server, which = serve(Path(cache))
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 900})
            page.goto("/")
            shoot(page, "home")
            entity = first_href(page, "ul.members a")
            page.goto("/sparql")
            page.locator(".yasqe_queryButton").click()
            page.locator(".yasr table.dataTable tbody tr").first.wait_for()
            shoot(page, "query")
            page.goto(entity)
            page.locator("#neighbourhood canvas").first.wait_for()
            shoot(page, "entity")
            page.goto(entity + "?lang=de")
            page.locator("#neighbourhood canvas").first.wait_for()
            shoot(page, "entity-de")
            page.goto("/?lang=en")  # the choice of German is remembered: back to English
            shoot_entity_views(page, entity)
            page.goto("/ontology")
            shoot(page, "ontology")
            page.goto("/questions")
            shoot(page, "questions")
            for question in [a.get_attribute("href") for a in page.locator("ul.questions a").all()]:
                page.goto(str(question))
                if page.locator("svg.bars").count():
                    shoot(page, "question")
                    break
            page.goto("/map")
            shoot(page, "map")
            page.goto("/factories?sort=round")
            shoot(page, "factories")
            page.goto("/timeline")
            shoot(page, "timeline")
            page.goto("/")
            page.get_by_role("combobox").fill("KI-Fabrik")
            page.get_by_role("option").first.wait_for()
            shoot(page, "search")
            page.goto("/?lang=de")
            shoot(page, "home-de")
            page.goto("/?lang=en")
        finally:
            browser.close()
            stop_server(server)
    print(f"taken on the {which}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
