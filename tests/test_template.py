"""The new-factory template in docs/ is valid Turtle in the canonical layout and, as written, conforms to the
shapes together with the project's data, so a curator who fills it in starts from complete data."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from aifkg.reasoning import infer
from aifkg.turtle_format import format_turtle
from aifkg.validation import ValidationReport, validate_graph

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "new-factory-template.ttl"


def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "aifactories.ttl", format="turtle")


def project_data() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(data: Graph) -> ValidationReport:
    """As the build validates: ontology, data and the OWL RL inferences in one graph."""
    return validate_graph(ontology() + data + infer(ontology(), data).inferred, shapes())


def shapes() -> Graph:
    return Graph().parse(ROOT / "shapes" / "aifactories-shapes.ttl", format="turtle")


def test_template_is_canonical() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert format_turtle(text) == text


@pytest.mark.slow
def test_filled_template_conforms_with_the_data() -> None:
    graph = project_data()
    graph.parse(TEMPLATE, format="turtle")
    report = validate(graph)
    assert report.conforms, report.describe()
    about_template = [f for f in report.findings if "example-aif" in f.focus_node]
    assert not about_template, report.describe()


@pytest.mark.slow
def test_template_without_its_source_is_caught() -> None:
    """The check above can fail: the same factory without dcterms:source is a violation."""
    graph = project_data()
    template = Graph().parse(TEMPLATE, format="turtle")
    dcterms_source = next(p for p in template.predicates() if str(p).endswith("/terms/source"))
    template.remove((None, dcterms_source, None))
    report = validate(graph + template)
    assert any("example-aif" in f.focus_node for f in report.violations)
