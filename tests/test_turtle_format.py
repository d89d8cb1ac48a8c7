"""The canonical Turtle layout (src/aifkg/turtle_format.py): every project file is in it, formatting is
idempotent, and it never changes a graph or drops a comment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from aifkg import turtle_format
from aifkg.cli import main
from aifkg.turtle_format import FormatRefused, format_turtle

ROOT = Path(__file__).resolve().parents[1]
TURTLE_FILES = sorted(path for folder in ("ontology", "shapes", "data") for path in (ROOT / folder).rglob("*.ttl"))

# Everything the project's files use, out of order: comments before, between and inside statements, sections,
# a subject in two statements, nested blank nodes, lists, long strings with quotes, tags and datatypes.
SAMPLE = '''# File header, written before the prefixes.
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
# A comment between the prefixes.
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

# ---- things ----
# What the things are.

# A note directly above b.
ex:b ex:when "2025-01-01"^^xsd:date ; a ex:Thing ; # a comment after b's type
    rdfs:label "Bee"@en, "Biene"@de-CH, "Abeille"@fr ;
    ex:count 3 ; ex:padded "007"^^xsd:integer ; ex:ratio "0.50"^^xsd:decimal ; ex:flag false ;
    # a comment inside the statement
    ex:query """
        SELECT ?s WHERE { ?s ex:p "a # not a comment" . }
    """ ;
    ex:edge """ends with a quote\\\\ and ""two"" quotes \\"""" ;
    ex:plain "say \\"hi\\"\\tthen a tab", "hash # inside", "x"^^xsd:string .

ex:a ex:shape [ a sh:PropertyShape ; sh:in ( ex:x "y" 1 [ ex:p ex:q ] ) ;
        sh:path ( ex:p [ sh:inversePath ex:r ] ) ] ;
    ex:empty [] , () ;
    owl:propertyChainAxiom ( ex:p ex:q ) .

# A paragraph of its own, above c.

ex:c ex:p ex:b, <https://other.example/z#frag> .
ex:a ex:extra "said again" .   # a comment after a second statement about a

# ---- more things ----

<https://other.example/z#frag> ex:p "x"^^<https://other.example/dt> .
# The last comment of the file.
'''
SAMPLE_COMMENTS = [
    "# File header, written before the prefixes.",
    "# A comment between the prefixes.",
    "# ---- things ----",
    "# What the things are.",
    "# A note directly above b.",
    "# a comment after b's type",
    "# a comment inside the statement",
    "# A paragraph of its own, above c.",
    "# a comment after a second statement about a",
    "# ---- more things ----",
    "# The last comment of the file.",
]


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("#")]


def test_project_has_turtle_files() -> None:
    assert len(TURTLE_FILES) > 20


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_project_file_is_canonical(path: Path) -> None:
    """Fails on a file someone edited by hand: run `make format` (or `aifkg format`) and commit the result."""
    text = path.read_text(encoding="utf-8")
    assert format_turtle(text) == text, f"{path.relative_to(ROOT)} is not canonical: run `aifkg format`"


def test_sample_keeps_graph_and_every_comment() -> None:
    formatted = format_turtle(SAMPLE)
    assert isomorphic(_graph(SAMPLE), _graph(formatted))
    assert sorted(_comments(formatted)) == sorted(SAMPLE_COMMENTS)


def test_sample_layout() -> None:
    """Prefixes sorted at the top, sections in file order, subjects sorted within them, comments with them."""
    lines = format_turtle(SAMPLE).splitlines()
    prefixes = [line.split()[1] for line in lines if line.startswith("@prefix")]
    assert lines[: len(prefixes)] == [line for line in lines if line.startswith("@prefix")]
    assert prefixes == sorted(prefixes) == ["ex:", "owl:", "rdfs:", "sh:", "xsd:"]
    order = [line for line in lines if re.match(r"(ex:[abc]|<https://other|# ----)", line)]
    assert order == [
        "# ---- things ----",
        "ex:a",
        "ex:b",
        "ex:c",
        "# ---- more things ----",
        "<https://other.example/z#frag>",
    ]
    # a comment stays directly above its subject, and a detached paragraph stays detached
    b_at = lines.index("ex:b")
    assert lines[b_at - 3 : b_at] == [
        "# A note directly above b.",
        "# a comment after b's type",
        "# a comment inside the statement",
    ]
    assert lines[lines.index("ex:c") - 2 : lines.index("ex:c")] == ["# A paragraph of its own, above c.", ""]
    # predicates: `a` first, then labels, then the rest sorted; objects sorted
    block = lines[b_at + 1 : lines.index("", b_at)]
    assert block[0] == "    a ex:Thing ;"
    assert block[1] == '    rdfs:label "Abeille"@fr, "Bee"@en, "Biene"@de-CH ;'
    verbs = [line.split()[0] for line in block[2:] if line.startswith("    ex:")]
    assert verbs == sorted(verbs)


def test_sample_literals_and_blank_nodes_are_written_plainly() -> None:
    formatted = format_turtle(SAMPLE)
    for expected in (
        "    ex:count 3 ;",
        '    ex:padded "007"^^xsd:integer ;',  # bare 007 would parse as "7"
        '    ex:ratio "0.50"^^xsd:decimal ;',
        "    ex:flag false ;",
        '    ex:when "2025-01-01"^^xsd:date .',
        '        sh:in ( ex:x "y" 1 [ ex:p ex:q ] ) ;',
        "    owl:propertyChainAxiom ( ex:p ex:q ) .",
        '        SELECT ?s WHERE { ?s ex:p "a # not a comment" . }',
    ):
        assert expected in formatted.splitlines()


def test_formatting_is_idempotent() -> None:
    once = format_turtle(SAMPLE)
    assert format_turtle(once) == once


def test_refuses_what_it_cannot_write() -> None:
    prefix = "@prefix ex: <https://example.org/> .\n"
    for text in (
        prefix + "ex:a ex:p _:shared . ex:b ex:p _:shared .",  # one blank node, two references
        prefix + "[ ex:p ex:o ] .",  # a blank node as a subject of its own
        "@base <https://example.org/> .\n" + prefix + "<a> ex:p ex:o .",
        prefix + "ex:a ex:p ex:o .\n@prefix ex: <https://example.net/> .\nex:b ex:p ex:o .",
        prefix + "ex:a ex:p .",  # not Turtle at all
    ):
        with pytest.raises(FormatRefused):
            format_turtle(text)


def test_refuses_when_the_writer_would_change_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """The self-check, not the writer's correctness, is what guarantees the graph: break the writer."""
    monkeypatch.setattr(turtle_format._Writer, "literal", lambda self, literal: '"changed"')
    with pytest.raises(FormatRefused, match="change the graph"):
        format_turtle(SAMPLE)


def test_refuses_when_a_comment_would_be_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    render = turtle_format._render
    monkeypatch.setattr(turtle_format, "_render", lambda *args: render(*args).replace("# What the things", "#"))
    with pytest.raises(FormatRefused, match="lose a comment"):
        format_turtle(SAMPLE)


_text = st.text(alphabet=st.sampled_from("ab \"'\\\n\t#<>.;,éß"), max_size=12)
_iris = st.sampled_from([URIRef(f"https://example.org/{name}") for name in ("a", "b", "c", "p", "q", "r")])
_literals = st.one_of(
    _text.map(Literal),
    st.tuples(_text, st.sampled_from(["en", "de", "fr-CH"])).map(lambda pair: Literal(pair[0], lang=pair[1])),
    st.integers(-1000, 1000).map(Literal),
    _text.map(lambda text: Literal(text, datatype=XSD.string)),
    st.sampled_from(["2025-01-01", "2024-12-10"]).map(lambda text: Literal(text, datatype=XSD.date)),
    st.sampled_from(["0.50", "-3.0", "10", "1e3"]).map(lambda text: Literal(text, datatype=XSD.decimal)),
)


@st.composite
def _graphs(draw: st.DrawFn) -> Graph:
    """Random graphs of the kind the writer handles: IRIs, literals, nested blank nodes and lists."""
    graph = Graph()

    def value(depth: int) -> URIRef | Literal | BNode:
        kind = draw(st.sampled_from(["iri", "literal", "node", "list"] if depth < 2 else ["iri", "literal"]))
        if kind == "iri":
            return draw(_iris)
        if kind == "literal":
            return draw(_literals)
        node = BNode()
        if kind == "list":
            Collection(graph, node, [value(depth + 1) for _ in range(draw(st.integers(1, 3)))])
        else:
            for _ in range(draw(st.integers(0, 2))):
                graph.add((node, draw(_iris), value(depth + 1)))
        return node

    for _ in range(draw(st.integers(1, 6))):
        graph.add((draw(_iris), draw(_iris), value(0)))
    return graph


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(_graphs())
def test_random_graphs_round_trip(graph: Graph) -> None:
    graph.bind("ex", "https://example.org/")
    text = graph.serialize(format="turtle")
    formatted = format_turtle(text)
    assert isomorphic(_graph(text), _graph(formatted))
    assert format_turtle(formatted) == formatted


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_check_names_unformatted_file_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _write(tmp_path, "messy.ttl", SAMPLE)
    clean = _write(tmp_path, "clean.ttl", format_turtle(SAMPLE))
    assert main(["format", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert str(messy) in out and str(clean) not in out
    assert messy.read_text(encoding="utf-8") == SAMPLE


def test_format_rewrites_then_check_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = _write(tmp_path, "messy.ttl", SAMPLE)
    assert main(["format", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == format_turtle(SAMPLE)
    assert main(["format", "--check", str(tmp_path)]) == 0
    assert [path.name for path in tmp_path.iterdir()] == ["messy.ttl"]  # no temporary file left behind
    assert "not canonical" not in capsys.readouterr().out


def test_format_leaves_a_refused_file_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "@prefix ex: <https://example.org/> .\nex:a ex:p _:x .\nex:b ex:p _:x .\n"
    shared = _write(tmp_path, "shared.ttl", text)
    assert main(["format", str(shared)]) == 1
    assert shared.read_text(encoding="utf-8") == text
    assert "shared.ttl: left as it is: a blank node is used 2 times" in capsys.readouterr().err


def test_format_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["format", "--check", str(tmp_path / "nowhere")]) == 2
