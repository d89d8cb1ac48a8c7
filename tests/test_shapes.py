"""The SHACL shapes against their fixtures: every shape has one graph that conforms and one that does not.

Fixtures live in tests/shapes/<ShapeLocalName>/valid-*.ttl and invalid-*.ttl (tests/shapes/meta/... for the
meta-shapes). A data fixture is validated as fixture + ontology, without reasoning; a meta fixture on its own.
Each invalid fixture breaks exactly one rule, and tests/shapes/expected.toml pins the one finding it gives
(focus node, source shape, constraint component, severity): a typo in a fixture then fails instead of
passing for the wrong reason.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, SH

from aifkg.reasoning import infer
from aifkg.validation import ValidationReport, validate_graph

PROJECT = Path(__file__).resolve().parents[1]
ONTOLOGY_FILE = PROJECT / "ontology" / "aifactories.ttl"
SHAPES_FILE = PROJECT / "shapes" / "aifactories-shapes.ttl"
META_SHAPES_FILE = PROJECT / "shapes" / "meta-shapes.ttl"
FIXTURES = Path(__file__).resolve().parent / "shapes"
EXPECTED_FILE = FIXTURES / "expected.toml"
META = "meta"

DATA_FIXTURES = sorted(p for p in FIXTURES.glob("*/*.ttl") if p.parent.name != META)
META_FIXTURES = sorted(FIXTURES.glob(f"{META}/*/*.ttl"))
VALID_FIXTURES = [p for p in DATA_FIXTURES + META_FIXTURES if p.name.startswith("valid-")]
INVALID_FIXTURES = [p for p in DATA_FIXTURES + META_FIXTURES if p.name.startswith("invalid-")]
DATA_VALID_FIXTURES = [p for p in DATA_FIXTURES if p.name.startswith("valid-")]

# Node-level constraint parameters: a node shape that uses one reports findings with its own sh:message.
NODE_CONSTRAINT_PARAMETERS = (
    SH.pattern,
    SH["or"],
    SH["and"],
    SH["not"],
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.sparql,
    SH.node,
    SH.datatype,
)
SPARQL_CONSTRAINT_BUDGET = 3  # one SHACL-SPARQL constraint has taken 80-90 % of pyshacl's validation time


def fixture_id(path: Path) -> str:
    return path.relative_to(FIXTURES).as_posix()


@cache
def parsed(path: Path) -> Graph:
    """Parse a Turtle file once per session; callers copy before changing it."""
    return Graph().parse(path, format="turtle")


@cache
def expected_findings() -> dict[str, dict[str, str]]:
    return tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))


def is_meta(path: Path) -> bool:
    return path.relative_to(FIXTURES).parts[0] == META


@cache
def validate_fixture(path: Path) -> ValidationReport:
    """A data fixture is checked together with the ontology (subclasses); a meta fixture is an ontology."""
    if is_meta(path):
        return validate_graph(parsed(path), parsed(META_SHAPES_FILE))
    return validate_graph(parsed(path) + parsed(ONTOLOGY_FILE), parsed(SHAPES_FILE))


def node_shapes(shapes: Graph) -> set[URIRef]:
    """Named node shapes that select focus nodes themselves (helper shapes without targets excluded)."""
    targets = (SH.targetClass, SH.targetNode, SH.target, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {
        s
        for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, URIRef) and any((s, t, None) in shapes for t in targets)
    }


def local_name(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1]


def fixture_names(folder: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in folder.glob(f"{prefix}-*.ttl"))


# ---- the collections the tests below run over are not empty ----


@pytest.mark.parametrize(
    "collection",
    ["DATA_FIXTURES", "META_FIXTURES", "VALID_FIXTURES", "INVALID_FIXTURES", "DATA_VALID_FIXTURES"],
)
def test_fixture_collection_is_not_empty(collection: str) -> None:
    """An empty parametrisation passes silently: make sure every list of fixtures found files."""
    assert globals()[collection], f"{collection} is empty: are the fixtures under {FIXTURES}?"


def test_expected_findings_and_shapes_are_not_empty() -> None:
    assert expected_findings()
    assert node_shapes(parsed(SHAPES_FILE))
    assert node_shapes(parsed(META_SHAPES_FILE))


# ---- fixtures ----


@pytest.mark.parametrize("path", VALID_FIXTURES, ids=fixture_id)
def test_valid_fixture_conforms_without_findings(path: Path) -> None:
    """A valid fixture conforms, and raises no warning either: it shows what complete data looks like."""
    report = validate_fixture(path)
    assert report.conforms, report.describe()
    assert report.findings == (), report.describe()


@pytest.mark.parametrize("path", INVALID_FIXTURES, ids=fixture_id)
def test_invalid_fixture_gives_exactly_the_pinned_finding(path: Path) -> None:
    """Exactly one finding, with the pinned focus node, shape, component and severity."""
    expected = expected_findings().get(fixture_id(path))
    assert expected is not None, f'no entry ["{fixture_id(path)}"] in {EXPECTED_FILE.name}'
    report = validate_fixture(path)
    found = [(f.focus_node, f.source_shape, f.constraint_component, f.severity) for f in report.findings]
    assert found == [
        (expected["focus_node"], expected["source_shape"], expected["constraint_component"], expected["severity"])
    ], report.describe()
    assert report.conforms == (expected["severity"] != "Violation")


@pytest.mark.parametrize("path", INVALID_FIXTURES, ids=fixture_id)
def test_invalid_fixture_reports_the_shape_message(path: Path) -> None:
    """The curator reads the shape's own sh:message, not pyshacl's generic text."""
    shapes = parsed(META_SHAPES_FILE if is_meta(path) else SHAPES_FILE)
    (finding,) = validate_fixture(path).findings
    message = shapes.value(URIRef(finding.source_shape), SH.message)
    assert message is not None and finding.message == str(message)


def test_every_node_shape_has_valid_and_invalid_fixtures() -> None:
    """Each node shape needs a graph that conforms and one that does not (QUDT's and Brick's rule)."""
    missing = []
    for shapes_file, folder in ((SHAPES_FILE, FIXTURES), (META_SHAPES_FILE, FIXTURES / META)):
        for shape in sorted(node_shapes(parsed(shapes_file))):
            shape_folder = folder / local_name(shape)
            for kind in ("valid", "invalid"):
                if not fixture_names(shape_folder, kind):
                    missing.append(f"{shape_folder.relative_to(FIXTURES)}/{kind}-*.ttl")
    assert not missing, "shapes without fixtures: " + ", ".join(missing)


def test_every_fixture_folder_belongs_to_a_shape() -> None:
    """A renamed shape leaves no stale fixture folder behind that would test nothing."""
    for shapes_file, folder in ((SHAPES_FILE, FIXTURES), (META_SHAPES_FILE, FIXTURES / META)):
        names = {local_name(s) for s in node_shapes(parsed(shapes_file))}
        folders = {p.name for p in folder.iterdir() if p.is_dir() and p.name != META}
        assert folders <= names, f"fixture folders without a shape: {sorted(folders - names)}"


def test_expected_entries_match_invalid_fixtures() -> None:
    """Every pinned finding has its fixture file, and every invalid fixture is pinned."""
    assert set(expected_findings()) == {fixture_id(p) for p in INVALID_FIXTURES}


def test_expected_source_shapes_exist() -> None:
    """A pinned shape IRI that the shapes no longer declare would make its test fail for the wrong reason."""
    declared = set(parsed(SHAPES_FILE).subjects()) | set(parsed(META_SHAPES_FILE).subjects())
    unknown = {e["source_shape"] for e in expected_findings().values()} - {str(s) for s in declared}
    assert not unknown


# ---- the shapes themselves ----


@pytest.mark.parametrize("shapes_file", [SHAPES_FILE, META_SHAPES_FILE], ids=lambda p: p.name)
def test_property_shapes_are_named(shapes_file: Path) -> None:
    """Property shapes have IRIs, so a finding names the exact rule and tests can pin it."""
    shapes = parsed(shapes_file)
    blank = [o for o in shapes.objects(None, SH.property) if isinstance(o, BNode)]
    assert not blank


@pytest.mark.parametrize("shapes_file", [SHAPES_FILE, META_SHAPES_FILE], ids=lambda p: p.name)
def test_every_rule_has_a_message_for_curators(shapes_file: Path) -> None:
    """Every property shape, and every node shape with a constraint of its own, has an English sh:message."""
    shapes = parsed(shapes_file)
    rules = set(shapes.objects(None, SH.property))
    rules |= {s for s in node_shapes(shapes) if any((s, p, None) in shapes for p in NODE_CONSTRAINT_PARAMETERS)}
    assert rules
    silent = sorted(
        str(r) for r in rules if not any(getattr(m, "language", None) == "en" for m in shapes.objects(r, SH.message))
    )
    assert not silent, f"rules without sh:message @en: {silent}"


@pytest.mark.parametrize("shapes_file", [SHAPES_FILE, META_SHAPES_FILE], ids=lambda p: p.name)
def test_every_named_property_shape_is_used(shapes_file: Path) -> None:
    """A property shape no node shape refers to checks nothing."""
    shapes = parsed(shapes_file)
    declared = {s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    assert declared
    assert declared <= set(shapes.objects(None, SH.property))


def test_target_classes_are_declared_in_the_ontology() -> None:
    """A shape aimed at a misspelt class would validate nothing."""
    ontology = parsed(ONTOLOGY_FILE)
    targets = set(parsed(SHAPES_FILE).objects(None, SH.targetClass))
    assert targets
    assert not {t for t in targets if (t, RDF.type, OWL.Class) not in ontology}


def test_sparql_constraints_stay_few() -> None:
    """SHACL-SPARQL dominates pyshacl's run time: keep to a small budget."""
    assert len(set(parsed(SHAPES_FILE).objects(None, SH.sparql))) <= SPARQL_CONSTRAINT_BUDGET


# ---- on the reasoned graph, as the build validates ----


@pytest.mark.slow
@pytest.mark.parametrize("path", DATA_VALID_FIXTURES, ids=fixture_id)
def test_valid_fixture_stays_valid_after_reasoning(path: Path) -> None:
    """The build validates ontology + data + OWL RL inferences with both shape files: no new findings."""
    ontology, data = parsed(ONTOLOGY_FILE), parsed(path)
    closure = infer(ontology, data)
    report = validate_graph(ontology + data + closure.inferred, parsed(SHAPES_FILE) + parsed(META_SHAPES_FILE))
    assert report.findings == (), report.describe()


def test_host_country_sentinel_is_satisfied_by_reasoning() -> None:
    """If only aif:hostCountry is asserted, then reasoning adds the participating country the sentinel wants."""
    path = FIXTURES / "OrganizationalCollaborationShape" / "invalid-host-not-participating.ttl"
    ontology, data = parsed(ONTOLOGY_FILE), parsed(path)
    assert not validate_fixture(path).conforms
    report = validate_graph(ontology + data + infer(ontology, data).inferred, parsed(SHAPES_FILE))
    assert report.findings == (), report.describe()


def test_pref_label_counts_as_label_after_reasoning() -> None:
    """If a concept is named only with skos:prefLabel, then on the built graph it has its rdfs:labels."""
    concept = parsed(FIXTURES / "ConceptShape" / "valid-complete.ttl")
    rdfs_label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    pref_label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    data = Graph()
    for s, p, o in concept:
        data.add((s, pref_label if p == rdfs_label else p, o))
    ontology = parsed(ONTOLOGY_FILE)
    assert not validate_graph(data + ontology, parsed(SHAPES_FILE)).conforms
    report = validate_graph(ontology + data + infer(ontology, data).inferred, parsed(SHAPES_FILE))
    assert report.findings == (), report.describe()
