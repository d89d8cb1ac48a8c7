"""The data stays loadable by OWL 2 DL tools: every literal value of an aif: property has a datatype of the
OWL 2 datatype map (xsd:date, xsd:gYear and xsd:gYearMonth are not in it, so HermiT would refuse them).

dcterms:issued may stay an xsd:date because the ontology declares it an owl:AnnotationProperty; that
declaration is pinned here too, since without it the exception would not hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from aifkg.namespace import AIF
from tests.test_owl2_datatypes import OWL2_DATATYPE_MAP as OWL2_DATATYPES

PROJECT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted((PROJECT / "data").rglob("*.ttl"))


def datatype(value: Literal) -> object:
    """A language-tagged literal is an rdf:langString (OWL 2: rdf:PlainLiteral); an untyped one an xsd:string."""
    if value.language:
        return RDF.langString
    return value.datatype or XSD.string


@pytest.mark.parametrize("path", DATA_FILES, ids=[str(p.relative_to(PROJECT)) for p in DATA_FILES])
def test_aif_literals_use_owl2_datatypes(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    outside = sorted(
        f"{s} {p} {o!r}"
        for s, p, o in graph
        if str(p).startswith(str(AIF)) and isinstance(o, Literal) and datatype(o) not in OWL2_DATATYPES
    )
    assert not outside, f"values outside the OWL 2 datatype map: {outside}"


def test_data_files_are_found() -> None:
    assert len(DATA_FILES) > 30


def test_issued_is_an_annotation_property() -> None:
    ontology = Graph().parse(PROJECT / "ontology" / "aifactories.ttl", format="turtle")
    assert (DCTERMS.issued, RDF.type, OWL.AnnotationProperty) in ontology


def test_a_gyear_value_is_caught() -> None:
    """The check above would see the old form of a year."""
    graph = Graph().parse(
        data="<https://w3id.org/aifactories/id/system/x> <https://w3id.org/aifactories/ontology#expectedOperational> "
        '"2027"^^<http://www.w3.org/2001/XMLSchema#gYear> .',
        format="turtle",
    )
    values = [o for _, _, o in graph if isinstance(o, Literal)]
    assert [datatype(v) in OWL2_DATATYPES for v in values] == [False]
