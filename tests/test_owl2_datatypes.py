"""Ontology and data load into OWL 2 DL tools: every literal that carries meaning has an OWL 2 datatype.

OWL 2 DL reasoners (HermiT, Pellet, the OWL API) refuse a data value whose datatype is outside the OWL 2
datatype map (OWL 2 Structural Specification, section 4), such as xsd:date, xsd:gYear or xsd:gYearMonth.
Annotations are exempt: OWL 2 gives them no meaning, so their values may have any datatype. A datatype
outside the map is allowed where the ontology declares it (`rdfs:Datatype`), as OWL 2 DL requires: GeoSPARQL's
geo:wktLiteral, the datatype of a WKT point.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from aifkg.graph import parse_files, rdf_files

PROJECT = Path(__file__).resolve().parents[1]

# OWL 2 Structural Specification, section 4 (the datatype map), plus rdf:langString, the RDF 1.1 name of
# the language-tagged strings OWL 2 reads as rdf:PlainLiteral.
OWL2_DATATYPE_MAP = frozenset(
    {RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational}
    | {
        XSD[name]
        for name in [
            *("decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger"),
            *("long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
            *("double", "float", "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN"),
            *("boolean", "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp"),
        ]
    }
)
# OWL 2's built-in annotation properties (Structural Specification, section 10.1 and 10.2.6).
BUILTIN_ANNOTATION_PROPERTIES = frozenset(
    {
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.versionInfo,
        OWL.deprecated,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
    }
)


@cache
def ontology_and_data() -> tuple[Graph, Graph]:
    """The ontology folder (ours and the reused axioms) and the data folder, as the build loads them."""
    return parse_files(rdf_files(PROJECT / "ontology")), parse_files(rdf_files(PROJECT / "data"))


def datatype(literal: Literal) -> URIRef:
    """The literal's datatype in RDF 1.1 terms: a plain literal is an xsd:string, a tagged one rdf:langString."""
    if literal.language:
        return RDF.langString
    return URIRef(literal.datatype) if literal.datatype else XSD.string


def annotation_properties(ontology: Graph) -> frozenset[object]:
    return BUILTIN_ANNOTATION_PROPERTIES | frozenset(ontology.subjects(RDF.type, OWL.AnnotationProperty))


def test_the_map_refuses_what_owl2_dl_tools_refuse() -> None:
    """If a literal is an xsd:date or xsd:gYear, then the check calls it outside the map (it can fail)."""
    for outside in (XSD.date, XSD.gYear, XSD.gYearMonth):
        assert datatype(Literal("2025", datatype=outside)) not in OWL2_DATATYPE_MAP
    assert datatype(Literal("x")) in OWL2_DATATYPE_MAP and datatype(Literal("x", lang="en")) in OWL2_DATATYPE_MAP


def test_every_meaningful_literal_has_an_owl2_datatype() -> None:
    """If a predicate is not an annotation property, then its literal values use the OWL 2 datatype map."""
    ontology, data = ontology_and_data()
    annotations = annotation_properties(ontology)
    allowed = OWL2_DATATYPE_MAP | frozenset(ontology.subjects(RDF.type, RDFS.Datatype))
    assert allowed - OWL2_DATATYPE_MAP <= {URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")}
    outside = sorted(
        {
            f"{predicate.n3()} {datatype(obj).n3()}"  # type: ignore[union-attr]
            for graph in (ontology, data)
            for _, predicate, obj in graph
            if isinstance(obj, Literal) and predicate not in annotations and datatype(obj) not in allowed
        }
    )
    assert not outside, "datatypes outside the OWL 2 datatype map:\n" + "\n".join(outside)
