"""The W3C SPARQL 1.1 entailment tests of the OWL 2 RL profile, through aifkg and through plain owlrl.

aifkg must answer every test that plain owlrl answers: its closure may leave out only provable noise (see
aifkg.reasoning.noise_reason). Each test's data becomes a graph to build (an empty ontology and no shapes),
`aifkg query` answers the test's query on that build, and the answer is compared with the expected results
as a bag of rows, blank nodes and skolem IRIs standing for "some node".
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal

from aifkg.cli import main

SUITE = Path(__file__).resolve().parent / "data"
MANIFEST_BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/entailment/manifest.ttl"
BASE = "https://example.org/entailment/"

# Tests of the OWL 2 RL profile that plain owlrl fails too, each with the reason; listing one that passes fails.
KNOWN_FAILURES = {
    "simple1": "asks for members of a class expression that is not in the data; a rule reasoner only "
    "concludes about classes the graph names (the test's regime is OWL 2 Direct Semantics only)",
}

Row = tuple[tuple[str, object], ...]


@cache
def rl_tests() -> dict[str, tuple[str, str, str]]:
    """Name -> (query, data, expected results) file names for the manifest's tests that list pr:RL."""
    manifest = ox.Store()
    manifest.load(path=SUITE / "manifest.ttl", format=ox.RdfFormat.TURTLE, base_iri=MANIFEST_BASE)
    solutions = manifest.query("""
        PREFIX mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#>
        PREFIX qt: <http://www.w3.org/2001/sw/DataAccess/tests/test-query#>
        PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX pr: <http://www.w3.org/ns/owl-profile/>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?test ?query ?data ?result WHERE {
            ?test mf:action ?action ; mf:result ?result .
            ?action qt:query ?query ; qt:data ?data ; sd:EntailmentProfile/rdf:rest*/rdf:first pr:RL .
        }""")
    assert isinstance(solutions, ox.QuerySolutions)
    return {
        _name(row["test"]): (_name(row["query"]), _name(row["data"]), _name(row["result"]))
        for row in solutions  # type: ignore[index]
    }


def _name(term: object) -> str:
    return str(getattr(term, "value", term)).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _term(term: object) -> object:
    """A comparable value: blank nodes and skolem IRIs alike are "some node"; literals by their parts."""
    if isinstance(term, ox.BlankNode) or (isinstance(term, ox.NamedNode) and "/.well-known/genid/" in term.value):
        return "_:node"
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    return str(term)


def rows(results: ox.QuerySolutions | ox.QueryBoolean) -> bool | list[Row]:
    """The results as a sorted bag of rows (each row its bound variables, sorted by name)."""
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    names = [variable.value for variable in results.variables]
    return sorted(
        tuple(sorted((name, _term(row[name])) for name in names if row[name] is not None))  # type: ignore[type-var]
        for row in results
    )


def expected(name: str) -> bool | list[Row]:
    _, _, result = rl_tests()[name]
    return rows(ox.parse_query_results(path=SUITE / result, format=ox.QueryResultsFormat.XML))


def through_aifkg(name: str, folder: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> bool | list[Row]:
    """Build the test's data with aifkg (reasoning, validation, store) and ask `aifkg query` the question."""
    query, data, _ = rl_tests()[name]
    for part in ("ontology", "data", "shapes"):
        (folder / part).mkdir()
    (folder / "ontology" / "empty.ttl").write_text("", encoding="utf-8")
    (folder / "shapes" / "empty.ttl").write_text("", encoding="utf-8")
    (folder / "data" / data).write_bytes((SUITE / data).read_bytes())
    capsysbinary.readouterr()
    status = main(
        [
            "query",
            "--file",
            str(SUITE / query),
            "--format",
            "json",
            "--quiet",
            "--ontology",
            str(folder / "ontology"),
            "--data",
            str(folder / "data"),
            "--shapes",
            str(folder / "shapes"),
            "--base-iri",
            BASE,
            "--cache",
            str(folder / "cache"),
        ]
    )
    output = capsysbinary.readouterr()
    assert status == 0, output.err.decode("utf-8", "replace")
    return rows(ox.parse_query_results(output.out, format=ox.QueryResultsFormat.JSON))


def through_plain_owlrl(name: str) -> bool | list[Row]:
    """owlrl's closure of the test's data, without the triples RDF cannot state, queried with pyoxigraph."""
    query, data, _ = rl_tests()[name]
    graph = Graph().parse(SUITE / data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    store = ox.Store()
    valid = Graph()
    for triple in graph:
        if not isinstance(triple[0], Literal):
            valid.add(triple)
    store.load(valid.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return rows(store.query((SUITE / query).read_text(encoding="utf-8"), base_iri=BASE))  # type: ignore[arg-type]


def test_the_suite_has_the_29_owl_rl_tests() -> None:
    assert len(rl_tests()) == 29
    assert set(KNOWN_FAILURES) <= set(rl_tests())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(rl_tests()))
def test_aifkg_answers_where_owlrl_does(name: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """If plain owlrl answers a test correctly, then so does aifkg; a known failure fails both ways."""
    want = expected(name)
    by_owlrl = through_plain_owlrl(name) == want
    by_aifkg = through_aifkg(name, tmp_path, capsysbinary) == want
    if name in KNOWN_FAILURES:
        assert not by_aifkg, f"{name} passes now: remove it from KNOWN_FAILURES"
        assert not by_owlrl, f"{name} passes with plain owlrl: aifkg must pass it too"
    else:
        assert by_owlrl, f"plain owlrl fails {name}: list it in KNOWN_FAILURES with the reason"
        assert by_aifkg, f"aifkg fails {name}, which plain owlrl passes"
