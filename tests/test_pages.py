"""Pages for people through Flask's test client: home, query editor, entity pages, ontology, worked questions.

Every page is parsed strictly as HTML5 and checked for what assistive technology relies on (a language,
labelled controls, unique ids, references that resolve), and hostile data must come out escaped.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import html5lib
import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import OWL, RDF, RDFS, Graph

from aifkg.build import Build, run_build
from aifkg.namespace import vocabulary_iri
from aifkg.web import create_app
from aifkg.web.charts import BAR_AREA, bar_chart, chart_columns
from aifkg.web.questions import QuestionText, parse_question, read_question, read_questions
from tests.conftest import MINI, MINI_BASE, mini_settings

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
MINI_QUESTIONS = MINI / "queries"
AIF = vocabulary_iri(MINI_BASE)
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


class PageAudit(HTMLParser):
    """Collects what the accessibility checks need: ids, references to ids, controls and their labels."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.references: list[str] = []
        self.labelled: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.images_without_alt = 0
        self.html_lang: str | None = None
        self.json_scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        for name in ("aria-labelledby", "aria-describedby"):
            self.references += (attributes.get(name) or "").split()
        if tag == "label" and attributes.get("for"):
            self.labelled.add(str(attributes["for"]))
        if tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.controls.append(attributes)
        if tag == "img" and "alt" not in attributes:
            self.images_without_alt += 1
        if tag == "script" and attributes.get("type") == "application/json":
            self._script_id = attributes.get("id")

    def handle_data(self, data: str) -> None:
        if self._script_id:
            self.json_scripts[self._script_id] = self.json_scripts.get(self._script_id, "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_id = None


def audit(page: str) -> PageAudit:
    """Parse strictly (html5lib raises on any parse error), then check structure and accessibility."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    checked = PageAudit()
    checked.feed(page)
    assert checked.html_lang in {"en", "de"}, "every page says its language"
    duplicates = {i for i in checked.ids if checked.ids.count(i) > 1}
    assert not duplicates, f"ids must be unique: {duplicates}"
    assert set(checked.references) <= set(checked.ids), "aria references point at elements that exist"
    for control in checked.controls:
        assert control.get("id") in checked.labelled or control.get("aria-label"), f"unlabelled control {control}"
    assert checked.images_without_alt == 0
    return checked


def page(client: FlaskClient, path: str, **headers: str) -> str:
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200, (path, response.data[:300])
    assert response.mimetype == "text/html"
    return response.data.decode()


@pytest.fixture()
def mini_questions(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the running app at the mini graph's worked questions (the real ones ask about other IRIs)."""
    state = app.extensions["aifkg"]
    monkeypatch.setattr(state, "settings", dataclasses.replace(state.settings, queries_dir=MINI_QUESTIONS))
    return MINI_QUESTIONS


@pytest.fixture()
def questions_dir(app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty folder of worked questions the test may fill."""
    state = app.extensions["aifkg"]
    monkeypatch.setattr(state, "settings", dataclasses.replace(state.settings, queries_dir=tmp_path))
    return tmp_path


# ---- the whole site ----

PAGES = [
    "/",
    "/sparql",
    "/sparql?example=02-factories-per-country",
    "/sparql?lang=de",
    "/questions",
    "/questions/01-factories",
    "/questions/02-factories-per-country",
    "/questions/03-supercomputer",
    "/questions/04-partnerships",
    "/id/factory/alpha",
    "/id/factory/alpha?lang=de",
    "/id/partnership/alpha-beta",
    "/ontology",
    "/ontology?lang=de",
    "/dumps/",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_sound_html_with_security_headers(client: FlaskClient, mini_questions: Path, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    audit(response.data.decode())
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'", "no inline or outside script, ever"
    assert "'unsafe-inline'" not in policy["style-src"] and policy["style-src"].startswith("'self'")
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_home_tells_what_the_graph_is(client: FlaskClient, build: Build) -> None:
    home = page(client, "/")
    counts = dict(re.findall(r'<dt><a href="[^"]+">([^<]+)</a></dt><dd>([\d,]+)</dd>', home))
    assert counts["AI Factories"] == "2" and counts["countries"] == "2"
    assert counts["triples"] == f"{build.stats.total_triples:,}"
    assert build.key in home and build.built_at in home
    for href in ("/sparql", "/ontology", "/dumps/", "/.well-known/void", "/questions", "/dumps/aifkg.ttl"):
        assert f'href="{href}"' in home
    assert '<a href="/id/factory/alpha">Alpha AI Factory</a>' in home


def test_static_assets_are_served_locally(client: FlaskClient) -> None:
    """The editor and graph libraries come from this server (`make assets`), never from a CDN."""
    for name, marker in (("vendor/yasgui.min.js", b"Yasgui"), ("vendor/cytoscape.min.js", b"cytoscape")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, f"{name} missing: run `make assets`"
        assert marker in response.data[:2000] or marker in response.data[-2000:]
        response.close()
    for path in ("/", "/sparql", "/id/factory/alpha"):
        text = page(client, path)
        # what the browser fetches to show the page (not links to other pages or forms, such as rel=alternate)
        loaded = re.findall(r'<script[^>]+src="([^"]+)"', text)
        loaded += re.findall(r'<link rel="(?:stylesheet|icon|preload|modulepreload)"[^>]+href="([^"]+)"', text)
        assert loaded and all(s.startswith("/") for s in loaded), loaded
        assert len(loaded) == len(re.findall(r"<script[^>]+src=|<link rel=\"(?:stylesheet|icon)", text))


# ---- query page ----


def _config(page_text: str) -> dict[str, object]:
    config: dict[str, object] = json.loads(audit(page_text).json_scripts["query-config"])
    return config


def test_query_page_offers_editor_prefixes_and_examples(client: FlaskClient, mini_questions: Path) -> None:
    text = page(client, "/sparql")
    config = _config(text)
    assert config["idBase"] == MINI_BASE + "id/" and config["endpoint"] == "/sparql"
    assert config["prefixes"]["aif"] == AIF  # type: ignore[index]
    assert "PREFIX aif: &lt;https://example.org/kg/ontology#&gt;" in text  # preloaded in the editor
    assert [e["name"] for e in config["examples"]] == [p.stem for p in sorted(mini_questions.glob("*.rq"))]  # type: ignore[attr-defined]
    assert '<option value="02-factories-per-country">How many AI Factories does each country take part in?' in text
    assert config["autorun"] is False
    assert re.search(r'<script src="/static/vendor/yasgui\.min\.js\?v=[0-9a-f]{12}"></script>', text)
    for name in ("json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml"):
        assert f'data-format="{name}"' in text


def test_query_page_in_german(client: FlaskClient, mini_questions: Path) -> None:
    """Every text of the editor page in German, and the words its script shows in the page's JSON."""
    for path, headers in (("/sparql?lang=de", {}), ("/sparql", {"Accept-Language": "de-DE,de;q=0.9"})):
        text = page(client, path, **headers)
        config = _config(text)
        assert '<html lang="de">' in text and "<title>Abfrage · aifkg</title>" in text
        for german in (
            "<h1>Den Graphen abfragen</h1>",
            "Mit einer Beispielfrage beginnen",
            "— eine Frage wählen —",
            ">Laden</button>",
            '<label for="query">SPARQL-Abfrage</label>',
            '<label for="format">Ergebnisformat</label>',
            ">Ausführen</button>",
            'aria-label="SPARQL-Editor und Ergebnisse"',
            "Teilen und herunterladen",
            "Link zu dieser Abfrage",
            "öffnet diesen Editor mit der Abfrage und führt sie aus.",
            "Die Ergebnisse herunterladen als",
            ">Lücken</a>",
            ">Änderungen</a>",
        ):
            assert german in text, german
        for english in ("Query the graph", "Start from a worked question", "Share and download", "Run<"):
            assert english not in text, english
        assert '<option value="02-factories-per-country" lang="en">' in text  # the questions themselves are English
        words = config["words"]
        assert words["map"] == "Karte" and words["chart"] == "Diagramm" and words["table"] == "Tabelle"  # type: ignore[index]
        assert ["^Run query$", "Abfrage ausführen"] in config["translations"]  # type: ignore[operator]
        assert config["tableLanguage"]["info"] == "Zeilen _START_ bis _END_ von _TOTAL_"  # type: ignore[index]
    english = _config(page(client, "/sparql?lang=en"))
    assert english["words"]["map"] == "Map" and english["translations"] == []  # type: ignore[index]
    assert set(english["words"]) == set(_config(page(client, "/sparql?lang=de"))["words"])  # type: ignore[arg-type]


def test_query_page_without_worked_questions(client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    state = app.extensions["aifkg"]
    missing = Path("/nonexistent/aifkg-queries")
    monkeypatch.setattr(state, "settings", dataclasses.replace(state.settings, queries_dir=missing))
    text = page(client, "/sparql")
    assert _config(text)["examples"] == [] and "No worked questions are installed" in text
    assert "No worked questions are installed" in page(client, "/questions")


def test_shared_link_fills_the_editor_and_runs(client: FlaskClient, mini_questions: Path) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 3"
    text = page(client, "/sparql?qtext=" + quote(query))
    assert f">{query.replace('<', '&lt;')}</textarea>" in text
    assert _config(text)["autorun"] is True
    assert f'href="/sparql?qtext={quote(query, safe="/")}"' in text


def test_example_parameter_loads_the_question(client: FlaskClient, mini_questions: Path) -> None:
    text = page(client, "/sparql?example=03-supercomputer")
    assert "ASK { ?factory a aif:AIFactory" in text and 'value="03-supercomputer" selected' in text
    for hostile in ("../../../etc/passwd", "..%2f..%2fREADME", "03-supercomputer.rq"):
        other = page(client, "/sparql?example=" + hostile)
        assert "SELECT ?factory ?label ?country" in other and "root:" not in other  # the default query


def test_user_text_is_escaped_on_the_query_page(client: FlaskClient) -> None:
    hostile = '</textarea><script>alert("x")</script><img src=x onerror=alert(1)>'
    text = page(client, "/sparql?qtext=" + quote(hostile))
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(" in text


# ---- entity pages ----


def test_entity_page_groups_statements_with_labels(client: FlaskClient) -> None:
    text = page(client, "/id/factory/alpha")
    assert "<h1>Alpha AI Factory</h1>" in text
    assert (
        '<a href="/ontology#hostCountry" title="https://example.org/kg/ontology#hostCountry">host country</a>' in text
    )
    assert ">type</th>" in text.replace("</a></th>", "</th>") and ">name</th>" in text.replace("</a></th>", "</th>")
    assert '<a href="/id/system/big-one">Big One</a>' in text
    incoming = text.split('id="incoming-heading"')[1]
    assert '<a href="/id/partnership/alpha-beta">Alpha\u2013Beta</a>' in incoming  # who links here (aif:partner)
    assert 'class="inferred"' in text  # participatingCountry, from hostCountry by reasoning


def test_entity_page_embeds_its_neighbourhood(client: FlaskClient) -> None:
    checked = audit(page(client, "/id/factory/alpha"))
    graph = json.loads(checked.json_scripts["neighbourhood-data"])
    nodes = {n["data"]["id"]: n["data"] for n in graph["nodes"]}
    assert nodes[MINI_BASE + "id/factory/alpha"]["self"] is True
    assert nodes[MINI_BASE + "id/system/big-one"] == {
        "id": MINI_BASE + "id/system/big-one",
        "label": "Big One",
        "href": "/id/system/big-one",
        "kind": "system",
        "self": False,
    }
    edges = {(e["data"]["source"], e["data"]["target"]): e["data"] for e in graph["edges"]}
    to_country = edges[(MINI_BASE + "id/factory/alpha", MINI_BASE + "id/country/aa")]
    assert to_country["label"] == "host country, located in, participating country" and to_country["inferred"] is False
    # one line per pair of nodes: the partnership's aif:partner and the inferred inverse aif:partnerIn
    pair = {MINI_BASE + "id/partnership/alpha-beta", MINI_BASE + "id/factory/alpha"}
    between = [edge for key, edge in edges.items() if set(key) == pair]
    assert len(between) == 1 and between[0]["label"] == "partner, partner in"
    assert all(e["data"]["target"] != "https://example.org/kg/ontology#AIFactory" for e in graph["edges"])


@pytest.mark.parametrize(
    ("query", "headers"),
    [("", {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}), ("?lang=de", {}), ("?lang=de", {"Accept-Language": "en"})],
)
def test_entity_page_in_german(client: FlaskClient, query: str, headers: dict[str, str]) -> None:
    response = client.get("/id/factory/alpha" + query, headers={**HTML, **headers})
    text = response.data.decode()
    assert response.headers["Content-Language"] == "de" and '<html lang="de">' in text
    assert "<h1>KI-Fabrik Alpha</h1>" in text and ">Gastland</a>" in text and ">Aussagen</h2>" in text
    assert '<a href="?lang=en" hreflang="en" lang="en">' in text


def test_language_parameter_wins_over_accept_language(client: FlaskClient) -> None:
    text = page(client, "/id/factory/alpha?lang=en", **{"Accept-Language": "de"})
    assert "<h1>Alpha AI Factory</h1>" in text and '<html lang="en">' in text


def test_format_links_on_pages_give_rdf_to_browsers(client: FlaskClient) -> None:
    for path in ("/id/factory/alpha?format=turtle", "/ontology?format=turtle"):
        response = client.get(path, headers=HTML)
        assert response.mimetype == "text/turtle"
        assert len(Graph().parse(data=response.data, format="turtle")) > 0


# ---- hostile and sourced data, in a graph of its own ----

EXTRA_DATA = """
@prefix aif: <https://example.org/kg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/kg/id/factory/alpha> dcterms:source <https://example.org/kg/id/source/alpha-opens> .
<https://example.org/kg/id/source/alpha-opens> dcterms:title "Alpha eröffnet" ; dcterms:language "de" ;
    dcterms:issued "2025-03-12"^^xsd:date ; schema:url <https://news.example.net/alpha> .
<https://example.org/kg/id/factory/gamma> a aif:AIFactory ;
    rdfs:label "<script>alert('label')</script>"@en ;
    aif:hostCountry <https://example.org/kg/id/country/aa> ;
    rdfs:seeAlso <javascript:alert(1)> ;
    rdfs:comment "<img src=x onerror=alert(2)>" .
"""


@pytest.fixture(scope="module")
def extra_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    source = tmp_path_factory.mktemp("extra-source")
    shutil.copytree(MINI, source, dirs_exist_ok=True)
    (source / "data" / "extra.ttl").write_text(EXTRA_DATA, encoding="utf-8")
    settings = mini_settings(
        tmp_path_factory.mktemp("extra-cache"),
        ontology_dir=source / "ontology",
        data_dir=source / "data",
        shapes_dir=source / "shapes",
        executors=1,
    )
    application = create_app(settings, run_build(settings))
    yield application.test_client()
    application.extensions["aifkg"].executor.close()


def test_entity_page_lists_its_sources(extra_client: FlaskClient) -> None:
    text = page(extra_client, "/id/factory/alpha")
    sources = text.split('id="sources-heading"')[1]
    assert '<cite lang="de"><a href="https://news.example.net/alpha" rel="noopener noreferrer external">' in sources
    assert "Alpha eröffnet" in sources and '<time datetime="2025-03-12">12 March 2025</time>' in sources
    assert 'href="/id/source/alpha-opens"' in sources
    assert "Quellen</h2>" in page(extra_client, "/id/factory/alpha?lang=de")


def test_hostile_data_is_escaped_and_never_a_script_link(extra_client: FlaskClient) -> None:
    for path in ("/id/factory/gamma", "/", "/id/country/aa"):
        text = page(extra_client, path)
        audit(text)
        assert "<script>alert" not in text and "<img src=x" not in text
        assert 'href="javascript:' not in text
    gamma = page(extra_client, "/id/factory/gamma")
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;" in gamma
    assert "<code>javascript:alert(1)</code>" in gamma  # shown, not linked
    graph = audit(gamma).json_scripts["neighbourhood-data"]
    assert "</script>" not in graph  # tojson escapes <, > and & inside the script element
    assert json.loads(graph)["nodes"][0]["data"]["label"] == "<script>alert('label')</script>"


# ---- ontology ----


def _mini_terms() -> list[tuple[str, str]]:
    """(term, English label) of every class and property the mini ontology declares in its namespace."""
    ontology = Graph().parse(MINI / "ontology" / "mini.ttl")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    terms = sorted({s for kind in kinds for s in ontology.subjects(RDF.type, kind) if str(s).startswith(AIF)})
    assert terms, "the mini ontology declares terms"
    return [
        (str(term), next(str(o) for o in ontology.objects(term, RDFS.label) if o.language == "en"))  # type: ignore[attr-defined]
        for term in terms
    ]


@pytest.mark.parametrize(("term", "label"), _mini_terms())
def test_ontology_page_documents_every_term(client: FlaskClient, term: str, label: str) -> None:
    text = page(client, "/ontology")
    local = term.removeprefix(AIF)
    section = text.split(f'<article class="term" id="{local}"')[1].split("</article>")[0]
    assert f"{label} <code>aif:{local}</code></h3>" in section and f"<code>{term}</code>" in section
    assert f'<li><a href="#{local}">{label}</a></li>' in text  # in the table of contents


def test_ontology_page_shows_axioms_and_examples(client: FlaskClient) -> None:
    text = page(client, "/ontology")
    host_country = text.split('id="hostCountry"')[1].split("</article>")[0]
    assert '<span lang="de">Gastland</span>' in host_country and '<span lang="en">host country</span>' in host_country
    assert '<a href="/ontology#participatingCountry"' in host_country  # subproperty of
    assert '<a href="/id/factory/alpha">Alpha AI Factory</a> → <a href="/id/country/aa">Alphaland</a>' in host_country
    chain = text.split('id="cooperatesWith"')[1].split("</article>")[0]
    assert re.search(r"partner in</a> → <a [^>]+>partner</a>", chain) and "symmetric" in chain
    assert "transitive" in text.split('id="locatedIn"')[1].split("</article>")[0]
    factory = text.split('id="AIFactory"')[1].split("</article>")[0]
    assert "org:OrganizationalCollaboration" in factory and '<a href="/id/factory/beta">Beta AI Factory</a>' in factory
    german = page(client, "/ontology?lang=de")
    assert "KI-Fabrik <code>aif:AIFactory</code>" in german and ">Klassen</h2>" in german


# ---- worked questions ----


def test_questions_index_lists_questions_and_overview_charts(client: FlaskClient, mini_questions: Path) -> None:
    text = page(client, "/questions")
    titles = [q.title for q in read_questions(mini_questions)]
    assert len(titles) == 4
    for name, title in zip(sorted(p.stem for p in mini_questions.glob("*.rq")), titles, strict=True):
        assert f'<a href="/questions/{name}">{title}</a>' in text
    assert '<svg role="group" aria-labelledby="overview-1-title"' in text
    assert "AI Factories and antennas per host country" in text and '<a href="/id/country/aa"' in text


def test_question_with_a_table(client: FlaskClient, mini_questions: Path) -> None:
    text = page(client, "/questions/01-factories")
    assert "<h1>Which AI Factories are there, and which country hosts each?</h1>" in text
    assert "<strong>Answer:</strong> one row per factory" in text
    assert '<th scope="col">factory</th><th scope="col">name</th><th scope="col">country</th>' in text
    assert '<a href="/id/factory/alpha" title="https://example.org/kg/id/factory/alpha">Alpha AI Factory</a>' in text
    assert '<a href="/id/country/bb" title="https://example.org/kg/id/country/bb">Betaland</a>' in text
    assert "<svg" not in text  # a list, not a count per thing
    assert 'href="/sparql?example=01-factories"' in text


def test_question_with_a_chart(client: FlaskClient, mini_questions: Path) -> None:
    text = page(client, "/questions/02-factories-per-country")
    assert '<svg role="group" aria-labelledby="answer-chart-title"' in text
    assert "factories per countryName: Alphaland 1, Betaland 1" in text
    assert text.count('class="bar-rect"') == 2


def test_ask_and_construct_questions(client: FlaskClient, mini_questions: Path) -> None:
    assert '<p class="boolean">Yes</p>' in page(client, "/questions/03-supercomputer")
    turtle = (
        page(client, "/questions/04-partnerships")
        .split('<pre class="graph" tabindex="0"><code>')[1]
        .split("</code>")[0]
    )
    assert "cooperatesWith" in turtle and "&lt;https://example.org/kg/id/factory/alpha&gt;" in turtle


@pytest.mark.parametrize("name", ["unknown", "..%2f..%2fREADME", "01-factories.rq", ".hidden"])
def test_unknown_question_is_404(client: FlaskClient, mini_questions: Path, name: str) -> None:
    assert client.get(f"/questions/{name}", headers=HTML).status_code == 404


def test_a_broken_question_shows_its_error(client: FlaskClient, questions_dir: Path) -> None:
    (questions_dir / "broken.rq").write_text("# What breaks?\nSELECT WHERE {", encoding="utf-8")
    response = client.get("/questions/broken", headers=HTML)
    assert response.status_code == 400
    text = response.data.decode()
    audit(text)
    assert '<p class="error" role="alert">The answer could not be computed:' in text


# ---- the pure parts: questions and charts ----


def test_parse_question_header() -> None:
    text = "# Q3. Which factories,\n#  across lines?\n# Answer: rows of\n# factories.\n# (R) needs reasoning\nASK {}"
    question = parse_question("q3", text)
    assert question is not None
    assert question.title == "Q3. Which factories, across lines?"
    assert question.answer == "rows of factories. (R) needs reasoning"
    assert question.in_language("de") == question.in_language("en")  # no German: the English, marked "en"
    assert question.in_language("de").language == "en"
    assert parse_question("bare", "SELECT * { ?s ?p ?o }") is None
    assert parse_question("empty", "#\nASK {}") is None


def test_parse_question_header_in_two_languages() -> None:
    text = "# Q1. Which?\n# Answer: rows.\n# Frage: F1. Welche,\n# über Zeilen?\n# Antwort: Zeilen.\nASK {}"
    question = parse_question("q1", text)
    assert question is not None
    assert (question.title, question.answer) == ("Q1. Which?", "rows.")
    assert question.in_language("de") == QuestionText("F1. Welche, über Zeilen?", "Zeilen.", "de")
    assert question.in_language("en") == QuestionText("Q1. Which?", "rows.", "en")


def test_worked_questions_in_german_where_the_file_has_german(client: FlaskClient, mini_questions: Path) -> None:
    german = client.get("/questions?lang=de", headers=HTML).get_data(as_text=True)
    assert ">Welche KI-Fabriken gibt es, und welches Land beherbergt jede?</a>" in german
    assert '<a href="/questions/02-factories-per-country" lang="en">How many' in german  # no German: marked
    page = client.get("/questions/01-factories?lang=de", headers=HTML).get_data(as_text=True)
    assert "<h1>Welche KI-Fabriken gibt es, und welches Land beherbergt jede?</h1>" in page
    assert "eine Zeile je Fabrik mit ihrem englischen Namen" in page
    english = client.get("/questions/01-factories?lang=en", headers=HTML).get_data(as_text=True)
    assert "<h1>Which AI Factories are there, and which country hosts each?</h1>" in english
    editor = client.get("/sparql?lang=de", headers=HTML).get_data(as_text=True)
    assert ">Welche KI-Fabriken gibt es, und welches Land beherbergt jede?</option>" in editor


def test_read_questions_skips_files_without_a_question(tmp_path: Path) -> None:
    (tmp_path / "02-b.rq").write_text("# Second?\nASK {}", encoding="utf-8")
    (tmp_path / "01-a.rq").write_text("# First?\nASK {}", encoding="utf-8")
    (tmp_path / "03-none.rq").write_text("ASK {}", encoding="utf-8")
    (tmp_path / "04-latin1.rq").write_bytes(b"# Caf\xe9?\nASK {}")
    (tmp_path / "notes.txt").write_text("# Not a query?", encoding="utf-8")
    assert [q.title for q in read_questions(tmp_path)] == ["First?", "Second?"]
    assert read_questions(tmp_path / "missing") == []
    assert read_question(tmp_path, "../02-b") is None and read_question(tmp_path, "02-b") is not None


def _cell(value: str, kind: str = "literal", datatype: str | None = None) -> dict[str, str]:
    cell = {"type": kind, "value": value}
    if datatype:
        cell["datatype"] = datatype
    return cell


def test_chart_needs_a_count_per_thing() -> None:
    counted = [
        {"c": _cell("https://example.org/id/country/aa", "uri"), "n": _cell("3", datatype=INTEGER)},
        {"c": _cell("https://example.org/id/country/bb", "uri"), "n": _cell("6", datatype=INTEGER)},
    ]
    chart = bar_chart(["c", "n"], counted, {"https://example.org/id/country/bb": "Betaland"}, lambda iri: "/x")
    assert chart is not None and chart.title == "n per c"
    assert [(b.label, b.value, b.width) for b in chart.bars] == [
        ("Betaland", 6, BAR_AREA),  # the largest fills the bar area
        ("https://example.org/id/country/aa", 3, BAR_AREA / 2),
    ]
    assert chart.bars[1].y > chart.bars[0].y and chart.height > 2 * chart.row_height
    assert chart_columns(["c", "n"], counted[:1]) is None  # one bar is no picture
    decimal = [{"c": r["c"], "n": _cell("3.5", datatype="http://www.w3.org/2001/XMLSchema#decimal")} for r in counted]
    assert chart_columns(["c", "n"], decimal) is None
    named = [{**r, "name": _cell(f"Land {i}", datatype=None)} for i, r in enumerate(counted)]
    assert chart_columns(["c", "name", "n"], named) == ("name", "n")  # a literal name beats an IRI
    assert chart_columns(["n"], [{"n": r["n"]} for r in counted]) is None


def test_a_chosen_language_stays_on_followed_links(client: FlaskClient) -> None:
    chosen = page(client, "/id/factory/alpha?lang=de")
    assert '<a href="/id/system/big-one?lang=de">Big One</a>' in chosen
    assert '<a href="/ontology?lang=de#hostCountry"' in chosen
    assert '<a href="/id/system/big-one">Big One</a>' in page(client, "/id/factory/alpha", **{"Accept-Language": "de"})


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [("SELECT * { ?s ?p ?o } LIMIT 5", "csv", "turtle"), ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "turtle", "csv")],
)
def test_without_javascript_only_the_downloads_that_fit_the_query_are_shown(
    client: FlaskClient, query: str, shown: str, hidden: str
) -> None:
    text = page(client, "/sparql?" + urlencode({"qtext": query}))
    links = dict(re.findall(r'<a class="download" data-format="(\w+)" data-kind="\w+"( hidden)?', text))
    assert links[shown] == "" and links[hidden] == " hidden"
    href = re.search(rf'data-format="{shown}"[^>]* href="([^"]+)"', text)
    assert href is not None and client.get(href.group(1).replace("&amp;", "&")).status_code == 200
