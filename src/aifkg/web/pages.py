"""Pages for people: the worked questions with their answers (and a chart where a picture says more), and
the query editor that /sparql shows a browser.

Worked questions are the operator's own files, so they run as trusted queries (the time limit holds, the
client row limit does not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, render_template, request

from aifkg.query_text import result_kind
from aifkg.sparql import EXTENSIONS, FORMATS, ProtocolError
from aifkg.web.answers import answer
from aifkg.web.charts import BarChart, bar_chart
from aifkg.web.entity import link_target
from aifkg.web.i18n import editor_texts, ui_text
from aifkg.web.language import page_language
from aifkg.web.lookup import JSON_RESULTS, Row, labels_of, select
from aifkg.web.questions import WorkedQuestion, read_question, read_questions
from aifkg.web.runtime import runtime

blueprint = Blueprint("pages", __name__)

TURTLE = next(f for f in FORMATS if f.name == "turtle")
MAX_SHOWN_ROWS = 1000
DEFAULT_QUERY_BODY = """SELECT ?factory ?label ?country WHERE {
  ?factory a aif:AIFactory ;
           rdfs:label ?label ;
           aif:hostCountry/rdfs:label ?country .
  FILTER(lang(?label) = "en" && lang(?country) = "en")
}
ORDER BY ?label"""


@dataclass
class Answer:
    """What a worked question's query gave: rows of a SELECT, the boolean of an ASK, or a graph as Turtle."""

    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    total_rows: int = 0
    boolean: bool | None = None
    graph_text: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    chart: BarChart | None = None


def run_question(question: WorkedQuestion, language: str = "en") -> Answer:
    result = answer(question.text, JSON_RESULTS, other_format=TURTLE, trusted=True)
    if result.content_type.startswith(TURTLE.media_type):
        return Answer(graph_text=result.body.decode("utf-8"))
    document = json.loads(result.body)
    if "boolean" in document:
        return Answer(boolean=bool(document["boolean"]))
    variables: list[str] = document["head"]["vars"]
    rows: list[Row] = document["results"]["bindings"]
    iris = {cell["value"] for row in rows[:MAX_SHOWN_ROWS] for cell in row.values() if cell["type"] == "uri"}
    labels = labels_of(iris, language)
    return Answer(
        variables=variables,
        rows=rows[:MAX_SHOWN_ROWS],
        total_rows=len(rows),
        labels=labels,
        chart=bar_chart(variables, rows, labels, link_target),
    )


def overview_charts(language: str = "en") -> list[BarChart]:
    """Factories and antennas per selection round, per host country and by focus area."""
    aif = runtime().settings.vocabulary
    t = ui_text(language)
    charts = []
    for title, prop in (
        (t["chart_rounds"], "selectedIn"),
        (t["chart_countries"], "hostCountry"),
        (t["chart_focus"], "focusArea"),
    ):
        rows = select(
            "SELECT ?group (COUNT(DISTINCT ?x) AS ?count) ?factory ?antenna ?property WHERE { "
            "{ ?x a ?factory } UNION { ?x a ?antenna } ?x ?property ?group } "
            "GROUP BY ?group ?factory ?antenna ?property",
            {"factory": aif + "AIFactory", "antenna": aif + "AIFactoryAntenna", "property": aif + prop},
        )
        labels = labels_of([row["group"]["value"] for row in rows], language)
        chart = bar_chart(["group", "count"], rows, labels, link_target, title)
        if chart is not None:
            charts.append(chart)
    return charts


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status=status, content_type="text/html; charset=utf-8")


@blueprint.route("/questions")
def questions() -> Response:
    folder = runtime().settings.queries_dir
    charts = overview_charts(page_language())
    return _html(render_template("questions.html", questions=read_questions(folder), charts=charts))


@blueprint.route("/questions/<name>")
def question(name: str) -> Response:
    found = read_question(runtime().settings.queries_dir, name)
    if found is None:
        abort(404)
    try:
        result, error, status = run_question(found, page_language()), None, 200
    except ProtocolError as failure:
        result, error, status = None, failure.message, failure.status
    return _html(render_template("question.html", question=found, result=result, error=error, href=link_target), status)


def default_query() -> str:
    prefixes = runtime().prefixes
    declarations = "\n".join(f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items())
    return f"{declarations}\n\n{DEFAULT_QUERY_BODY}\n"


def query_page() -> Response:
    """The query editor: YASGUI over a plain form that works without JavaScript.

    The editor starts with `qtext` (a shared link), else the worked question named by `example`, else a
    first query with every prefix declared; `qtext` and `example` run at once when the page opens.
    """
    state = runtime()
    language = page_language()
    examples = read_questions(state.settings.queries_dir)
    shared = request.args.get("qtext", "")[: state.settings.max_query_bytes]
    chosen = read_question(state.settings.queries_dir, request.args.get("example", ""))
    text = shared or (chosen.text if chosen else default_query())
    config = {
        "endpoint": "/sparql",
        "idBase": state.settings.id_base,
        "ontologyIri": state.settings.ontology_iri,
        "prefixes": state.prefixes,
        "examples": [{"name": q.name, "title": q.in_language(language).title, "query": q.text} for q in examples],
        "autorun": bool(shared or chosen),
        "baseMap": "/map/base.json",
        **editor_texts(language),
    }
    html = render_template(
        "query.html",
        query_text=text,
        query_kind=result_kind(text),
        extensions=EXTENSIONS,
        examples=examples,
        chosen=chosen.name if chosen else "",
        config=config,
    )
    response = _html(html)
    response.headers["Cache-Control"] = "no-cache"
    return response


@dataclass(frozen=True)
class Link:
    label: str
    href: str | None


def members_of(class_name: str, language: str = "en") -> list[Link]:
    """Every instance of one of our classes (e.g. AIFactory), by label in `language`, for the home page."""
    aif = runtime().settings.vocabulary
    rows = select("SELECT DISTINCT ?x ?class WHERE { ?x a ?class FILTER(isIRI(?x)) }", {"class": aif + class_name})
    labels = labels_of([row["x"]["value"] for row in rows], language)
    links = [Link(labels.get(row["x"]["value"], row["x"]["value"]), link_target(row["x"]["value"])) for row in rows]
    return sorted(links, key=lambda link: link.label.lower())
